"""`python -m local_api` as the README's "Without Telegram" paragraph uses it: the server
starts, prints the PUFA_API_BASE_URL to set, answers getMe, and a `pufa run` pointed at it
answers a user who writes through its JSON API."""

import asyncio
import os
import re
import signal
import sys
from pathlib import Path

import aiohttp

from tests.conftest import content_without_calendar, sqlite_url
from tests.processes import free_port
from tests.waiting import CEILING_SECONDS, eventually

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

            await eventually(answered)
            assert messages[0]["text"]
    finally:
        for process in (bot, server):
            if process is not None and process.returncode is None:
                process.send_signal(signal.SIGTERM)
                await asyncio.wait_for(process.wait(), CEILING_SECONDS)
    assert server.returncode == 0
