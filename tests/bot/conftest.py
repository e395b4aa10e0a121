"""Fixtures shared by the tests of `pufa demo`."""

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.demo import demo_bot
from bot.runners import poll_until
from bot.settings import Settings
from content.loader import Library
from local_api import LocalBotApi
from tests.clock import ControlledClock


@pytest.fixture
async def demo(library: Library) -> AsyncIterator[LocalBotApi]:
    """`pufa demo`'s bot polling its own local Bot API server, on a free port of 127.0.0.1."""
    settings = Settings(_env_file=None, web_host="127.0.0.1")
    stop = asyncio.Event()
    async with demo_bot(settings, 0, clock=ControlledClock(), library=library) as (api, app):
        polling = asyncio.create_task(poll_until(app, stop))
        try:
            await api.wait_until_polling()
            yield api
        finally:
            stop.set()
            await polling
