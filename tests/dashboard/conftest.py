"""The dashboard as it runs: the real bot polling a LocalBotApi, its web app (bot/server.py)
served on a free loopback port, and a browser-like HTTP client with a cookie jar."""

import re
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bot.server import build_web_app
from content.loader import Library
from content.search import SearchIndex
from tests.e2e.conftest import ADMIN_ID, Harness, bot_factory, running_bot

LINK = re.compile(r"(http://\S+/dashboard/login\?token=[\w-]+)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Board:
    harness: Harness
    base: str

    async def link(self, telegram_id: int = ADMIN_ID) -> str:
        """The one-time login link the bot sends for /dashboard."""
        user = self.harness.api.user(telegram_id)
        reply = await self.harness.ask(user, "/dashboard")
        found = LINK.search(reply.text or "")
        assert found, reply.text
        return found[1]

    def token(self, link: str) -> str:
        return link.split("token=", 1)[1]

    async def signed_in(self, client: aiohttp.ClientSession, telegram_id: int = ADMIN_ID) -> None:
        link = await self.link(telegram_id)
        async with client.post(
            f"{self.base}/dashboard/login", data={"token": self.token(link)}
        ) as response:
            assert response.status == 200, await response.text()

    async def csrf(self, client: aiohttp.ClientSession, path: str = "/dashboard/") -> str:
        async with client.get(self.base + path) as response:
            page = await response.text()
        found = re.search(r'name="csrf" value="([^"]+)"', page)
        assert found, page[:500]
        return found[1]


@asynccontextmanager
async def serving_board(
    tmp_path: Path, library: Library, index: SearchIndex, **overrides: Any
) -> AsyncIterator[Board]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    async with running_bot(
        tmp_path,
        bot_factory(library, index),
        admin_ids=frozenset({ADMIN_ID}),
        user_rate_per_minute=10_000,
        web_port=port,
        public_url=base,
        **overrides,
    ) as harness:
        runner = web.AppRunner(build_web_app(harness.app))
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        try:
            yield Board(harness, base)
        finally:
            await runner.cleanup()


@pytest.fixture
async def board(tmp_path: Path, library: Library, index: SearchIndex) -> AsyncIterator[Board]:
    async with serving_board(tmp_path, library, index) as served:
        yield served


@pytest.fixture
async def client() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        yield session
