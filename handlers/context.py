"""Typed handler context: `ctx.services` instead of casts from `bot_data`."""

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from telegram.ext import Application, CallbackContext, ExtBot, JobQueue

from content.loader import Library
from content.search import SearchIndex
from content.ui import UiTexts
from handlers.desk import Desk
from handlers.throttle import Throttle
from scheduler.service import Broadcasting
from storage.db import Database
from storage.models import Clock, utcnow


@dataclass(frozen=True)
class VolunteerSettings:
    """Volunteers' reporting rules (issue 3), from `bot.settings.Settings`."""

    edit_window_days: int = 7
    max_report_age_days: int = 60
    notify: str = "each"  # "each" report, a daily "digest", or "off"
    digest_hour: int = 18
    timeout_minutes: int = 120
    invite_valid_days: int = 30
    chart_font: Path | None = None


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
    volunteering: VolunteerSettings = field(default_factory=VolunteerSettings)
    # Broadcasts, reminders and the delivery engine (issue 4): built with the Application,
    # since it sends through the bot.
    broadcasting: Broadcasting | None = None
    clock: Clock = utcnow
    # The /scheduled and /campaigns typed-input prompts, kept in `db`.
    desk: Desk = field(init=False)

    def __post_init__(self) -> None:
        self.desk = Desk(self.db, self.clock)

    def now(self) -> datetime:
        """The current instant (aware, UTC) from the injected clock."""
        return self.clock()

    def local_now(self) -> datetime:
        return self.clock().astimezone(self.tz)

    def today(self) -> date:
        """Today's date in PUFA_TIMEZONE."""
        return self.local_now().date()

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
