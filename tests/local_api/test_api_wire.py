"""The HTTP surface as Telegram defines it, spoken to without PTB."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import aiohttp
import pytest

from local_api import LocalBotApi


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def post(
    http: aiohttp.ClientSession, url: str, **kwargs: object
) -> tuple[int, dict[str, object]]:
    async with http.post(url, **kwargs) as response:  # type: ignore[arg-type]
        return response.status, await response.json()


async def test_unknown_method_is_404(api: LocalBotApi, http: aiohttp.ClientSession) -> None:
    status, body = await post(http, f"{api.base_url}{api.token}/sendTelepathy")

    assert status == 404
    assert body == {"ok": False, "error_code": 404, "description": "Not Found"}
    assert api.calls[-1].status == 404


async def test_wrong_token_is_401(api: LocalBotApi, http: aiohttp.ClientSession) -> None:
    status, body = await post(http, f"{api.base_url}999:WRONG/getMe")

    assert status == 401
    assert body == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    assert api.calls == []


async def test_form_values_keep_free_text_as_strings(
    api: LocalBotApi, http: aiohttp.ClientSession
) -> None:
    data = {"chat_id": "1001", "text": "123", "reply_markup": '{"remove_keyboard": true}'}

    status, body = await post(http, f"{api.base_url}{api.token}/sendMessage", data=data)

    assert status == 200
    assert body["ok"] is True
    assert api.calls[-1].params == {
        "chat_id": 1001,
        "text": "123",
        "reply_markup": {"remove_keyboard": True},
    }
    assert api.last_message(1001).text == "123"


async def test_json_bodies_and_method_names_in_any_case(
    api: LocalBotApi, http: aiohttp.ClientSession
) -> None:
    url = f"{api.base_url}{api.token}/SENDMESSAGE"

    status, _ = await post(http, url, json={"chat_id": -100600, "text": "true"})

    assert status == 200
    assert api.last_message(-100600).text == "true"


async def test_multipart_attach_reference_is_resolved(
    api: LocalBotApi, http: aiohttp.ClientSession
) -> None:
    form = aiohttp.FormData()
    form.add_field("chat_id", "1001")
    form.add_field("document", "attach://upload1")
    form.add_field("upload1", b"%PDF-1.4", filename="rules.pdf", content_type="application/pdf")

    status, body = await post(http, f"{api.base_url}{api.token}/sendDocument", data=form)

    assert status == 200, body
    entry = api.last_message(1001)
    assert (entry.kind, entry.file, entry.file_name) == ("document", b"%PDF-1.4", "rules.pdf")


async def test_bad_reply_markup_json_is_refused(
    api: LocalBotApi, http: aiohttp.ClientSession
) -> None:
    data = {"chat_id": "1", "text": "x", "reply_markup": "{not json"}

    status, body = await post(http, f"{api.base_url}{api.token}/sendMessage", data=data)

    assert status == 400
    assert body["description"] == "Bad Request: can't parse reply_markup JSON object"


async def test_files_need_the_token(api: LocalBotApi, http: aiohttp.ClientSession) -> None:
    update = api.send_document(api.user(1001), "a.pdf", data=b"%PDF")
    path = api.state.files[update["message"]["document"]["file_id"]].file_path

    async with http.get(f"{api.base_file_url}{api.token}/{path}") as response:
        assert (response.status, await response.read()) == (200, b"%PDF")
    async with http.get(f"{api.base_file_url}1:X/{path}") as response:
        assert response.status == 401
    async with http.get(f"{api.base_file_url}{api.token}/documents/none") as response:
        assert response.status == 404


async def test_stop_ends_pending_long_polls(http: aiohttp.ClientSession) -> None:
    api = LocalBotApi()
    await api.start()
    url = f"{api.base_url}{api.token}/getUpdates"
    poll = asyncio.create_task(post(http, url, data={"timeout": "30"}))
    await api.wait_until_polling()

    await api.stop()  # must answer the pending poll rather than wait 30 s

    assert await asyncio.wait_for(poll, timeout=2) == (200, {"ok": True, "result": []})


async def test_strings_utf8_cannot_carry_are_refused_as_telegram_does(
    api: LocalBotApi, http: aiohttp.ClientSession
) -> None:
    """A bot that sends a lone surrogate (escaped in JSON, as json.dumps writes it) gets
    Telegram's 400, not a message nobody can read."""
    for body in ({"chat_id": 1001, "text": "hi \ud83d"}, {"chat_id": 1001, "text": "\udc00"}):
        status, answer = await post(
            http,
            f"{api.base_url}{api.token}/sendMessage",
            data=json.dumps(body),
            headers={"Content-Type": "application/json"},
        )

        assert status == 400
        assert answer["description"] == "Bad Request: strings must be encoded in UTF-8"
    assert api.messages_to(1001) == []
