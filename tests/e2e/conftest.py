"""End-to-end harness: the real Application polling a LocalBotApi over loopback HTTP."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.app import build_application, build_services, on_startup
from bot.local_api import LocalBotApi
from bot.settings import Settings
from content.loader import Library
from handlers.context import PufaApp, Services
from tests.conftest import sqlite_url


@dataclass
class Harness:
    api: LocalBotApi
    app: PufaApp
    services: Services


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    # PTB 22 warns when RetryAfter.retry_after is read as int; opt in to timedelta.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


def make_settings(tmp_path: Path, api: LocalBotApi, **overrides: object) -> Settings:
    return Settings(
        _env_file=None,
        api_base_url=api.base_url,
        database_url=sqlite_url(tmp_path),
        **overrides,  # type: ignore[arg-type]
    )


@pytest.fixture
async def bot(tmp_path: Path, library: Library) -> AsyncIterator[Harness]:
    async with LocalBotApi() as api:
        settings = make_settings(tmp_path, api)
        services = build_services(settings, library)
        app = build_application(settings, services, api.token)
        async with app:
            await on_startup(app)
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0, timeout=1)
            await api.wait_until_polling()
            yield Harness(api, app, services)
            await app.updater.stop()
            await app.stop()
        await services.db.dispose()
