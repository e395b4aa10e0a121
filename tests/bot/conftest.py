"""Fixtures shared by the tests of `pufa demo`."""

import asyncio
from collections.abc import AsyncIterator

import pytest

from bot.demo import demo_bot
from bot.runners import poll_until
from bot.settings import Settings
from content.loader import Library
from content.search import SearchIndex
from handlers.kit.context import PufaApplication
from local_api import LocalBotApi
from tests.clock import ControlledClock


@pytest.fixture
async def demo_running(
    library: Library, index: SearchIndex
) -> AsyncIterator[tuple[LocalBotApi, PufaApplication]]:
    """`pufa demo`'s bot polling its own local Bot API server, on a free port of 127.0.0.1:
    the server and the bot."""
    settings = Settings(_env_file=None, web_host="127.0.0.1")
    stop = asyncio.Event()
    async with demo_bot(settings, 0, clock=ControlledClock(), content=(library, index)) as (
        api,
        app,
    ):
        polling = asyncio.create_task(poll_until(app, stop))
        try:
            await api.wait_until_polling()
            yield api, app
        finally:
            stop.set()
            await polling


@pytest.fixture
def demo(demo_running: tuple[LocalBotApi, PufaApplication]) -> LocalBotApi:
    """`pufa demo`'s local Bot API server, its bot polling it (`demo_running`)."""
    return demo_running[0]
