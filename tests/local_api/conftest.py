"""Factories for the local Bot API tests: the server, a real PTB Bot, a polling Application."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from telegram import Bot
from telegram.ext import Application, BaseHandler

from local_api import LocalBotApi, ManualClock

StartApp = Callable[..., Awaitable[Application]]


@pytest.fixture
async def api() -> AsyncIterator[LocalBotApi]:
    async with LocalBotApi() as server:
        yield server


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def bot(api: LocalBotApi) -> AsyncIterator[Bot]:
    async with Bot(api.token, base_url=api.base_url, base_file_url=api.base_file_url) as client:
        yield client


@pytest.fixture
async def start_app(api: LocalBotApi) -> AsyncIterator[StartApp]:
    """Builds, starts and polls a real ``Application`` with the given handlers."""
    running: list[Application] = []

    async def start(*handlers: BaseHandler) -> Application:
        app = (
            Application.builder()
            .token(api.token)
            .base_url(api.base_url)
            .base_file_url(api.base_file_url)
            .build()
        )
        for handler in handlers:
            app.add_handler(handler)
        await app.initialize()
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0)
        running.append(app)
        return app

    yield start
    for app in running:
        assert app.updater is not None
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
