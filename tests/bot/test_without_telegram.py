"""`python -m local_api` as the README's "Without Telegram" paragraph uses it: the server
starts, prints (in English, a developer's tool) the PUFA_API_BASE_URL to set and how to write
and read through its JSON API, answers getMe, and a `pufa run` pointed at it answers a user
who writes through that API."""

import asyncio
import os
import re
import signal
import sys
from pathlib import Path

import aiohttp
import pytest

from local_api.__main__ import main
from tests.conftest import content_without_calendar, sqlite_url
from tests.processes import free_port
from tests.waiting import CEILING_SECONDS, INDEX_BUILD_SECONDS, eventually

TOKEN = "424242:ENTRY-POINT"


async def test_the_entry_point_serves_a_bot_that_pufa_run_talks_to(tmp_path: Path) -> None:
    port = free_port()
    server = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "local_api",
        "--port",
        str(port),
        "--token",
        TOKEN,
        stdout=asyncio.subprocess.PIPE,
    )
    bot: asyncio.subprocess.Process | None = None
    try:
        assert server.stdout is not None
        first = await asyncio.wait_for(server.stdout.readline(), CEILING_SECONDS)
        found = re.search(r"PUFA_API_BASE_URL=(\S+)", first.decode())
        assert found, first
        base = found[1]
        assert base == f"http://127.0.0.1:{port}/bot"
        rest = [
            (await asyncio.wait_for(server.stdout.readline(), CEILING_SECONDS)).decode()
            for _ in range(4)
        ]
        assert rest[0] == f"PUFA_BOT_TOKEN={TOKEN}\n"
        assert f"POST http://127.0.0.1:{port}/demo/api/send" in rest[1]
        assert f"GET http://127.0.0.1:{port}/demo/api/messages" in rest[2]
        assert "Ctrl+C" in rest[3]
        assert all(line.isascii() for line in [first.decode(), *rest]), rest
        async with aiohttp.ClientSession() as client:
            async with client.get(f"{base}{TOKEN}/getMe") as response:
                me = await response.json()
            assert me["ok"] and me["result"]["id"] == 424242 and me["result"]["is_bot"]

            env = {k: v for k, v in os.environ.items() if not k.startswith("PUFA_")} | {
                "PUFA_BOT_TOKEN": TOKEN,
                "PUFA_API_BASE_URL": base,
                "PUFA_DATABASE_URL": sqlite_url(tmp_path),
                "PUFA_WEB_PORT": str(free_port()),
                "PUFA_CONTENT_DIR": str(content_without_calendar(tmp_path)),
            }
            with (tmp_path / "bot.log").open("wb") as log:
                bot = await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "bot.cli", "run", env=env, stdout=log, stderr=log
                )
            api = f"http://127.0.0.1:{port}/demo/api"
            sent = await client.post(f"{api}/send", json={"user_id": 7001, "text": "/start"})
            assert (await sent.json())["ok"]
            messages: list[dict[str, object]] = []

            async def answered() -> bool:  # long polls of a second while the bot starts
                query = {"chat_id": "7001", "timeout": "1"}
                async with client.get(f"{api}/messages", params=query) as response:
                    messages.extend((await response.json())["messages"])
                return bool(messages)

            await eventually(answered, INDEX_BUILD_SECONDS)
            assert messages[0]["text"]
    finally:
        for process in (bot, server):
            if process is not None and process.returncode is None:
                process.send_signal(signal.SIGTERM)
                await asyncio.wait_for(process.wait(), CEILING_SECONDS)
    assert server.returncode == 0


def test_the_help_is_english_and_names_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    shown = capsys.readouterr().out
    assert shown.isascii() and "Bot API" in shown and "PUFA_API_BASE_URL" in shown
    for option in ("--host", "--port", "--token", "--username"):
        assert option in shown
