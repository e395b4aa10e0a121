"""Typed handler context: `ctx.services` instead of casts from `bot_data`."""

from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from telegram.ext import Application, CallbackContext, ExtBot, JobQueue

from content.loader import Library
from content.search import SearchIndex
from content.ui import UiTexts
from handlers.throttle import Throttle
from storage.db import Database


@dataclass
class Services:
    """Everything handlers need, built once by `bot.app.build_application`."""

    library: Library
    index: SearchIndex
    db: Database
    tz: ZoneInfo
    admin_ids: frozenset[int] = frozenset()
    throttle: Throttle = field(default_factory=Throttle)
    # Monotonic time each user was last written to the database (see handlers.guard).
    last_touch: dict[int, float] = field(default_factory=dict)

    @property
    def ui(self) -> UiTexts:
        return self.library.ui


class PufaContext(CallbackContext[ExtBot[None], dict[str, Any], dict[str, Any], dict[str, Any]]):
    @property
    def services(self) -> Services:
        services = self.bot_data["services"]
        assert isinstance(services, Services)
        return services


PufaApp = Application[
    ExtBot[None],
    PufaContext,
    dict[str, Any],
    dict[str, Any],
    dict[str, Any],
    JobQueue[PufaContext],
]
