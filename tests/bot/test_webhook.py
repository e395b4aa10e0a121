import io
import logging
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from telegram import Update

from bot.app import build_application
from bot.instance import Instance, InstanceRole
from bot.server import SECRET_HEADER, WebhookRoute, build_web_app, web_runner
from bot.settings import Settings
from content.loader import Library
from content.search import SearchIndex
from tests.conftest import sqlite_url
from tests.waiting import eventually

UPDATE = {
    "update_id": 7,
    "message": {
        "message_id": 1,
        "date": 0,
        "chat": {"id": 5, "type": "private"},
        "from": {"id": 5, "is_bot": False, "first_name": "王五"},
        "text": "你好",
    },
}


MALFORMED = [
    b"{not json",
    b" ",
    b"null",
    b"[]",
    b"1",
    b'"text"',
    b"{}",
    b'{"update_id": "7"}',
    b'{"update_id": 7, "message": []}',
    b'{"update_id": 7, "message": {"chat": 5}}',
    b"[" * 100_000 + b"]" * 100_000,
    b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
]


async def test_webhook_checks_secret_and_queues_updates(
    tmp_path: Path, library: Library, index: SearchIndex
) -> None:
    settings = Settings(_env_file=None, database_url=sqlite_url(tmp_path))
    app = build_application(settings, "1:TEST", library=library, index=index)
    server = build_web_app(
        app, WebhookRoute(path="/hook", secret="s3cret"), instance=Instance(InstanceRole.ACTIVE)
    )
    async with TestClient(TestServer(server)) as client:
        assert (await client.post("/hook", json=UPDATE)).status == 403
        wrong = await client.post("/hook", json=UPDATE, headers={SECRET_HEADER: "nope"})
        assert wrong.status == 403
        assert app.update_queue.empty()
        for body in MALFORMED:
            bad = await client.post("/hook", data=body, headers={SECRET_HEADER: "s3cret"})
            assert bad.status == 400, body[:40]
        huge = b'{"update_id": 1, "pad": "' + b"x" * (2 << 20) + b'"}'
        too_big = await client.post(
            "/hook", data=io.BytesIO(huge), headers={SECRET_HEADER: "s3cret"}
        )
        assert too_big.status == 413
        assert app.update_queue.empty()
        ok = await client.post("/hook", json=UPDATE, headers={SECRET_HEADER: "s3cret"})
        assert ok.status == 200
        health = await client.get("/healthz")  # active, but not started: no scheduler
        assert health.status == 503
        assert await health.json() == {
            "ok": False,
            "role": "active",
            "database": True,
            "scheduler": False,
            "last_update_at": None,
        }
    await app.services.db.dispose()
    update = app.update_queue.get_nowait()
    assert isinstance(update, Update) and update.message is not None
    assert update.update_id == 7 and update.message.text == "你好"


async def test_the_access_log_leaves_out_query_strings(caplog: pytest.LogCaptureFixture) -> None:
    async def page(_request: web.Request) -> web.Response:
        return web.Response(text="ok")

    server = web.Application()
    server.router.add_get("/dashboard/login", page)
    runner = web_runner(server)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        with caplog.at_level(logging.INFO, logger="aiohttp.access"):
            async with aiohttp.ClientSession() as client:
                url = f"http://127.0.0.1:{port}/dashboard/login?token=one-time-secret"
                async with client.get(url) as response:
                    assert response.status == 200

            async def logged() -> bool:
                return "/dashboard/login" in caplog.text

            await eventually(logged)
    finally:
        await runner.cleanup()
    assert "GET /dashboard/login 200" in caplog.text
    assert "one-time-secret" not in caplog.text


async def test_probes_answered_as_designed_are_not_logged_at_info(
    tmp_path: Path, library: Library, index: SearchIndex, caplog: pytest.LogCaptureFixture
) -> None:
    """A balancer asking /healthz every second: the standby's 503s and the scrapes stay out of
    the INFO log; a refused scrape and every other request are still logged."""
    settings = Settings(_env_file=None, database_url=sqlite_url(tmp_path))
    app = build_application(settings, "1:TEST", library=library, index=index)
    server = build_web_app(app, instance=Instance(InstanceRole.STANDBY), metrics_token="t")
    runner = web_runner(server)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        with caplog.at_level(logging.INFO, logger="aiohttp.access"):
            async with aiohttp.ClientSession() as client:
                for path, headers, status in (
                    ("/healthz", {}, 503),
                    ("/metrics", {"Authorization": "Bearer t"}, 200),
                    ("/metrics", {}, 401),
                    ("/dashboard/", {}, 503),  # a standby's dashboard says so
                ):
                    async with client.get(base + path, headers=headers) as response:
                        assert response.status == status, path

            async def logged() -> bool:
                return "GET /dashboard/ " in caplog.text

            await eventually(logged)
    finally:
        await runner.cleanup()
        await app.services.db.dispose()
    lines = [r.getMessage() for r in caplog.records if r.name == "aiohttp.access"]
    assert [line.rsplit(" ", 2)[0] for line in lines] == [
        "GET /metrics 401",
        "GET /dashboard/ 503",
    ]


async def test_a_lone_surrogate_in_a_webhook_update_is_read_as_a_replacement_character(
    tmp_path: Path, library: Library, index: SearchIndex
) -> None:
    """UTF-8 cannot carry half an emoji, but a JSON escape can: read as it is, the text broke
    the answer quoting it and the database write. Bytes that are not UTF-8 are still refused."""
    settings = Settings(_env_file=None, database_url=sqlite_url(tmp_path))
    app = build_application(settings, "1:TEST", library=library, index=index)
    server = build_web_app(
        app, WebhookRoute(path="/hook", secret="s3cret"), instance=Instance(InstanceRole.ACTIVE)
    )
    message = {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"}}
    forged = {"update_id": 7, "message": message | {"text": "你好\ud83d 😀"}}
    headers = {SECRET_HEADER: "s3cret"}
    async with TestClient(TestServer(server)) as client:
        assert (await client.post("/hook", json=forged, headers=headers)).status == 200
        latin = b'{"update_id": 8, "x": "\xff"}'
        assert (await client.post("/hook", data=latin, headers=headers)).status == 400
    await app.services.db.dispose()
    update = app.update_queue.get_nowait()
    assert isinstance(update, Update) and update.message is not None
    assert update.message.text == "你好\ufffd 😀"
    assert app.update_queue.empty()
