"""The typed context every handler gets: `ctx.services`, built complete before any feature
registers (no `bot_data` look-ups, nothing filled in later)."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot, JobQueue

from content import dates
from content.loader import Library
from content.search import SearchIndex
from content.ui import UiTexts
from scheduler.service import Broadcasting
from scheduler.timeparse import Now, Once, When, describe, describe_weekly, examples
from storage.db import Database
from storage.models import Clock
from storage.people import Seen
from storage.questions import LoggedAnswer
from storage.reports import StoredReport
from storage.volunteers import Erasure
from storage.write_behind import WriteBehind

if TYPE_CHECKING:
    from handlers.kit.conversation import Conversations


@dataclass(frozen=True)
class VolunteerSettings:
    """Volunteers' reporting rules, from `bot.settings.Settings`."""

    edit_window_days: int = 7
    max_report_age_days: int = 60
    notify: str = "each"  # "each" report, a daily "digest", or "off"
    digest_hour: int = 18
    timeout_minutes: int = 120
    invite_valid_days: int = 30
    chart_font: Path | None = None


@dataclass(frozen=True)
class DashboardSettings:
    """The coordinators' web dashboard, from `bot.settings.Settings`: the address its links
    point to (PUFA_PUBLIC_URL, or this machine's web port; None when the web app listens on
    every address and PUFA_PUBLIC_URL is not set: no link can be sent), whether that address
    was set, how long a login link and a session last, and the content folder its edits are
    written to (None: the shipped content)."""

    public_url: str | None = "http://127.0.0.1:8080"
    link_minutes: int = 10
    session_hours: int = 8
    content_dir: Path | None = None
    public: bool = False  # PUFA_PUBLIC_URL was set: messages may link to the dashboard's pages

    def page(self, path: str) -> str | None:
        """A dashboard page's address for the bot's messages (the reports' notifications),
        or None without PUFA_PUBLIC_URL: the default address is only reachable on this
        machine. A login link (/dashboard) is sent whenever an address is known."""
        return f"{self.public_url}{path}" if self.public and self.public_url else None

    @property
    def secure(self) -> bool:
        """Cookies only over TLS when the public address is https."""
        return (self.public_url or "").startswith("https://")


@dataclass
class Hooks:
    """What one feature tells another without importing it (features never import each
    other): each list is filled by the features' `register`."""

    # A volunteer submitted report `id` (the coordinators' notifications listen).
    report_submitted: list[Callable[[PufaContext, int], Awaitable[None]]] = field(
        default_factory=list
    )
    # A volunteer corrected a report: (before, after); the coordinators are told what changed.
    report_corrected: list[
        Callable[[PufaContext, StoredReport, StoredReport], Awaitable[None]]
    ] = field(default_factory=list)
    # A volunteer withdrew report `id`: the coordinators' copies of its notification lose
    # their review buttons and say so.
    report_withdrawn: list[Callable[[PufaContext, int], Awaitable[None]]] = field(
        default_factory=list
    )
    # A message replying to one of the bot's messages, before any guided chat or question
    # handler sees it: a feature that knows that message takes it (True) or passes (False).
    reply_to_bot: list[Callable[[Update, PufaContext], Awaitable[bool]]] = field(
        default_factory=list
    )
    # A person was erased (/deleteme, committed): what a feature posted about them in other
    # chats is withdrawn (the tickets feature: its messages in the desks' chats).
    person_erased: list[Callable[[PufaContext, Erasure], Awaitable[None]]] = field(
        default_factory=list
    )
    # /cancel with no guided chat open: a feature ends what the person has running (a
    # practice quiz) and says so (True), or passes (False).
    cancel: list[Callable[[Update, PufaContext], Awaitable[bool]]] = field(default_factory=list)
    # A group became a supergroup: (old chat id, new chat id), told once for each of
    # Telegram's two service messages (the old group's and the new one's).
    chat_migrated: list[Callable[[PufaContext, int, int], Awaitable[None]]] = field(
        default_factory=list
    )
    # The bot was removed from a group (left or kicked): its chat id.
    chat_left: list[Callable[[PufaContext, int], Awaitable[None]]] = field(default_factory=list)


@dataclass
class Services:
    """Everything handlers need, built once by `bot.app.build_application` and handed to every
    feature's `register`. `library` and `index` are replaced together when content reloads."""

    library: Library
    index: SearchIndex
    db: Database
    tz: ZoneInfo
    clock: Clock
    admin_ids: frozenset[int]
    volunteering: VolunteerSettings
    broadcasting: Broadcasting
    chats: Conversations
    question_log: WriteBehind[LoggedAnswer]  # residents' questions, written off the reply's path
    people_seen: WriteBehind[Seen]  # when each person was last seen (the guard's notes)
    hooks: Hooks = field(default_factory=Hooks)
    ticket_check_seconds: float = 60.0  # how often unanswered tickets are looked for
    dashboard: DashboardSettings = field(default_factory=DashboardSettings)
    # `pufa demo`'s web chat (its address), where its start links lead: it has no Telegram.
    chat_url: str | None = None
    # What content becomes before the bot uses it, at the start and after every reload
    # (`swap_content`): `pufa demo` staffs its sample desks (bot.demo.staffed_desks).
    adjust_content: Callable[[Library], Library] | None = None

    def start_link(self, bot_username: str, payload: str = "") -> str:
        """The link that opens the bot's private chat with `/start <payload>` (an invite, an
        event's poster, a card shared, a group's way to the private chat): Telegram's, or in
        the demo its own web chat (`chat_url`), which opens with that /start. Without a
        payload: what a payload is appended to."""
        if self.chat_url:
            return f"{self.chat_url}/?start={payload}"
        return f"https://t.me/{bot_username}?start={payload}"

    def swap_content(self, library: Library, index: SearchIndex) -> None:
        """Use new content from the next update on (an edit made in the dashboard). Both are
        replaced together, with no await between, so no update sees one without the other;
        days are written with the new content's words from then on (content.dates). The
        library is adjusted first (`adjust_content`), as at the start."""
        if self.adjust_content is not None:
            library = self.adjust_content(library)
        self.library, self.index = library, index
        self.broadcasting.library = library
        dates.use(library.ui.dates)

    @property
    def ui(self) -> UiTexts:
        return self.library.ui

    def now(self) -> datetime:
        """The current instant (aware, UTC) from the injected clock."""
        return self.clock()

    def local_now(self) -> datetime:
        return self.clock().astimezone(self.tz)

    def today(self) -> date:
        """Today's date in PUFA_TIMEZONE."""
        return self.local_now().date()

    def when_examples(self) -> str:
        """The examples of times a coordinator may write, with real dates filled in: the one
        way the chat and the dashboard show them."""
        return self.ui.broadcasts.when_examples.format(**examples(self.local_now()))

    def describe_when(self, when: When) -> str:
        """A broadcast's time as the chat's and the dashboard's confirmations say it, with
        "no date was written, the next one is taken" when the day was chosen for the user."""
        ui = self.ui.broadcasts
        if isinstance(when, Now):
            return ui.when_now
        if isinstance(when, Once):
            said = describe(when.at.astimezone(self.tz))
            if when.evening:
                return ui.when_evening.format(when=said)
            return ui.when_guessed.format(when=said) if when.guessed else said
        return ui.when_weekly.format(slot=describe_weekly(when))


class PufaContext(CallbackContext[ExtBot[None], dict[str, Any], dict[str, Any], dict[str, Any]]):
    @property
    def services(self) -> Services:
        application = self.application
        assert isinstance(application, PufaApplication)
        return application.services


class PufaApplication(
    Application[
        ExtBot[None],
        PufaContext,
        dict[str, Any],
        dict[str, Any],
        dict[str, Any],
        JobQueue[PufaContext],
    ]
):
    """The Application, carrying the services its handlers use."""

    def __init__(self, *, services: Services, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.services = services
        # Told of each update once every handler is done with it, and how long that took
        # (seconds): the web app's metrics and health listen.
        self.update_observers: list[Callable[[object, float], None]] = []

    async def process_update(self, update: object) -> None:
        started = time.perf_counter()
        try:
            await super().process_update(update)
        finally:
            took = time.perf_counter() - started
            for observe in self.update_observers:
                observe(update, took)

    async def replay_update(self, update: object) -> None:
        """Handles `update` again inside the turn of the update being handled (a request
        stored while a question was asked, answered after it): its handlers run, but the
        observers hear of the one update the person sent, not of two."""
        await super().process_update(update)

    async def start(self) -> None:
        await super().start()
        self.services.question_log.start()
        self.services.people_seen.start()
        await self.services.broadcasting.start()

    async def stop(self) -> None:
        await self.services.broadcasting.stop()
        await super().stop()
        await self.services.question_log.stop()
        await self.services.people_seen.stop()
