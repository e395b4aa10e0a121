"""End-to-end harness: the real Application polling a LocalBotApi over loopback HTTP."""

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from itertools import count
from pathlib import Path
from typing import Any

import pytest

from bot.app import build_application, on_startup
from bot.ordering import ChatOrderProcessor
from bot.settings import Settings
from content.loader import Library
from content.search import SearchIndex
from content.ui import UiTexts
from handlers.kit.context import PufaApplication, Services
from local_api import FakeChat, FakeUser, LocalBotApi, SentMessage
from storage import broadcasts as repo
from storage.models import Broadcast
from tests.broadcasting import COORDINATOR, add_subscribers, add_volunteers
from tests.clock import ControlledClock
from tests.conftest import migrated_sqlite_url, sqlite_url

THROTTLED_RATE = 5  # questions a minute, for `throttled_bot`
# Users the harness itself acts as (see `Harness.settle`), far from the tests' own ids.
_SETTLER_IDS = count(9_000_001)


@dataclass
class Harness:
    api: LocalBotApi
    app: PufaApplication

    @property
    def services(self) -> Services:
        return self.app.services

    @property
    def clock(self) -> ControlledClock:
        """The bot's clock (every harness gets a ControlledClock: tests never see today)."""
        assert isinstance(self.services.clock, ControlledClock)
        return self.services.clock

    @property
    def ui(self) -> UiTexts:
        return self.services.ui

    async def ask(self, user: FakeUser, text: str, *, chat: FakeChat | None = None) -> SentMessage:
        """Sends `text` and returns the bot's single reply in that chat (`replies`: a guided
        chat's question above losing its buttons is not one)."""
        self.api.send_text(user, text, chat=chat)
        [reply] = await self.replies(chat.id if chat else user.id, 1)
        return reply

    async def replies(self, chat_id: int, count: int) -> list[SentMessage]:
        """The bot's first `count` messages to `chat_id` since the last action there, not
        counting the edits that only take the buttons off a guided chat's question above
        (its next question, or the same again, is asked: handlers.kit.conversation.ask):
        each is checked to leave the question's text as it was (`buttons_dropped`), and is
        left out. Tests of that edit itself read it with `next_question`."""
        wanted = count
        while True:
            found = await self.api.wait_for_messages(chat_id, wanted)
            said = [m for m in found if not self.buttons_dropped(m)]
            if len(said) >= count:
                return said
            wanted = len(found) + count - len(said)

    def buttons_dropped(self, entry: SentMessage) -> bool:
        """Whether `entry` only took the buttons off one of the bot's messages, its text as
        it was (a question answered, or asked again below)."""
        if entry.action != "edit" or entry.buttons():
            return False
        sent = self.api.messages_to(entry.chat_id)
        before = [m for m in sent if m.message_id == entry.message_id and m.index < entry.index]
        return bool(before) and bool(before[-1].buttons()) and before[-1].content == entry.content

    async def press(self, user: FakeUser, message: SentMessage, data: str) -> dict[str, Any]:
        """Presses a button carrying `data` (real or forged); returns the callback answer."""
        update = self.api.press(user, message, data)
        return await self.api.wait_for_answer(update)

    async def tap(self, user: FakeUser, message: SentMessage, label: str) -> SentMessage:
        """Presses the button labelled `label`; returns what the bot did next in that chat."""
        self.api.press_button(user, message, label)
        [reaction] = await self.api.wait_for_messages(message.chat_id)
        return reaction

    async def next_question(
        self, user: FakeUser, earlier: SentMessage, *, said: int = 0
    ) -> list[SentMessage]:
        """What follows once a guided chat's question `earlier` is answered, or asked again
        (handlers.kit.conversation.ask): `said` messages first, then `earlier` keeps its text
        but loses its buttons (only the question asked last can be pressed), then the
        question asked now. Returns the messages said and that question."""
        *lines, dropped, asked = await self.api.wait_for_messages(user.id, said + 2)
        assert dropped.action == "edit" and dropped.message_id == earlier.message_id
        assert dropped.buttons() == [] and dropped.content == earlier.content
        assert asked.action == "send", asked
        return [*lines, asked]

    async def answer(self, user: FakeUser, question: SentMessage, label: str) -> SentMessage:
        """Presses `label` under a guided chat's question: it loses its buttons and the next
        question follows (`next_question`), which is returned."""
        self.api.press_button(user, question, label)
        [asked] = await self.next_question(user, question)
        return asked

    async def last_answer(self, user: FakeUser, question: SentMessage, label: str) -> SentMessage:
        """Presses `label` under the question a guided chat ends on: it keeps its text but
        loses its buttons, then what follows is said (returned)."""
        self.api.press_button(user, question, label)
        dropped, said = await self.api.wait_for_messages(user.id, 2)
        assert dropped.action == "edit" and dropped.message_id == question.message_id, dropped
        assert dropped.buttons() == [] and dropped.content == question.content
        return said

    def as_now(self, message: SentMessage) -> SentMessage:
        """`message` as its chat shows it now (after any edits)."""
        sent = self.api.messages_to(message.chat_id)
        return [m for m in sent if m.message_id == message.message_id][-1]

    def sent_to(self, chat_id: int) -> list[SentMessage]:
        """New messages (not edits or deletions) the bot sent to `chat_id`."""
        return [m for m in self.api.messages_to(chat_id) if m.action == "send"]

    async def settle(self) -> None:
        """Returns once the bot has handled every update queued so far.

        Updates are fetched in order and each takes its place in line when it starts, so
        once a fresh user's /start is answered every earlier update has started; the bot
        is settled when none of them is in progress any more.
        """
        settler = self.api.user(next(_SETTLER_IDS))
        self.api.send_command(settler, "/start")
        await self.api.wait_for_messages(settler.id)
        processor = self.app.update_processor
        assert isinstance(processor, ChatOrderProcessor)
        await asyncio.wait_for(processor.wait_idle(), 60)


def reply_keyboard(entry: SentMessage) -> dict[str, Any]:
    """The reply keyboard (or its removal) sent with a message: Telegram does not echo it."""
    markup = entry.params.get("reply_markup")
    assert isinstance(markup, dict) and "inline_keyboard" not in markup, markup
    return markup


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    # PTB 22 warns when RetryAfter.retry_after is read as int; opt in to timedelta.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


def make_settings(tmp_path: Path, api: LocalBotApi, **overrides: object) -> Settings:
    """The bot's settings for a test; its database is `tmp_path`'s SQLite file, the one the
    test left there or else a new one already migrated."""
    if "database_url" not in overrides:
        made = (tmp_path / "pufa.db").exists()
        overrides["database_url"] = sqlite_url(tmp_path) if made else migrated_sqlite_url(tmp_path)
    return Settings(_env_file=None, api_base_url=api.base_url, **overrides)  # type: ignore[arg-type]


BotFactory = Callable[[Settings, str], PufaApplication]


def bot_factory(
    library: Library, index: SearchIndex | None = None, clock: ControlledClock | None = None
) -> BotFactory:
    """The bot as `pufa run` builds it, on the shared content and a controlled clock."""
    return lambda settings, token: build_application(
        settings, token, library=library, index=index, clock=clock or ControlledClock()
    )


@asynccontextmanager
async def running_bot(
    tmp_path: Path,
    make_bot: BotFactory,
    *,
    before_start: Callable[[LocalBotApi], None] | None = None,
    enforce_limits: bool = False,
    **overrides: object,
) -> AsyncIterator[Harness]:
    """Starts the server and the real Application polling it; `before_start` may arrange
    failures the bot meets from its very first request; `enforce_limits` makes the server
    answer 429 like Telegram (30/s, 1/s a chat, 20/min a group)."""
    async with LocalBotApi(enforce_limits=enforce_limits) as api:
        if before_start is not None:
            before_start(api)
        settings = make_settings(tmp_path, api, **overrides)
        app = make_bot(settings, api.token)
        async with app:
            await on_startup(app)
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0, timeout=1)
            try:
                await api.wait_until_polling()
                yield Harness(api, app)
            finally:  # also when the test fails: a bot left running spoils the worker's next
                await app.updater.stop()
                await app.stop()
        await app.services.db.dispose()


@pytest.fixture
async def desks_bot(
    tmp_path: Path, library: Library, index: SearchIndex
) -> AsyncIterator[Harness]:
    """The bot with the desks' staff chats of tests.e2e.ticket_steps, as it runs now (a module
    that needs it restartable or set up otherwise defines its own)."""
    from tests.e2e.ticket_steps import desks_running  # (it is built on this module)

    async with desks_running(tmp_path, library, index) as bot:
        yield bot


@pytest.fixture
async def bot(tmp_path: Path, library: Library, index: SearchIndex) -> AsyncIterator[Harness]:
    async with running_bot(tmp_path, bot_factory(library, index)) as harness:
        yield harness


@pytest.fixture
async def throttled_bot(
    tmp_path: Path, library: Library, index: SearchIndex
) -> AsyncIterator[Harness]:
    """A bot that lets each user ask only THROTTLED_RATE questions a minute."""
    async with running_bot(
        tmp_path,
        bot_factory(library, index),
        user_rate_per_minute=THROTTLED_RATE,
    ) as harness:
        yield harness


@pytest.fixture
async def bot_without_command_menu(tmp_path: Path, library: Library) -> AsyncIterator[Harness]:
    """Built exactly as in production (`build_services`), with setMyCommands always failing."""

    def fail_commands(api: LocalBotApi) -> None:
        api.fail_method("setMyCommands", error_code=400, description="Bad Request: injected")

    async with running_bot(tmp_path, bot_factory(library), before_start=fail_commands) as harness:
        yield harness


# --- volunteers and coordinators (issue 3) -------------------------------------------------

ADMIN_ID = 7_000_001  # the coordinator from PUFA_ADMIN_IDS in `bot_with_admins`


@dataclass
class RestartableBot:
    """One local Bot API server and database; the Application on it can be replaced, as
    when the bot process restarts (the users and their chats stay)."""

    api: LocalBotApi
    settings: Settings
    library: Library
    index: SearchIndex
    clock: ControlledClock = field(default_factory=ControlledClock)
    harness: Harness | None = None

    async def start(self) -> Harness:
        app = build_application(
            self.settings, self.api.token, library=self.library, index=self.index, clock=self.clock
        )
        await app.initialize()
        await on_startup(app)
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        await self.api.wait_until_polling()
        self.harness = Harness(self.api, app)
        return self.harness

    async def stop(self) -> None:
        """Stops the Application as `pufa run` does on SIGTERM."""
        if self.harness is None:
            return
        app, self.harness = self.harness.app, None
        assert app.updater is not None
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        await app.services.db.dispose()

    async def restart(self) -> Harness:
        await self.stop()
        return await self.start()


@asynccontextmanager
async def restartable_bot(
    tmp_path: Path, library: Library, index: SearchIndex, **overrides: object
) -> AsyncIterator[RestartableBot]:
    async with LocalBotApi() as api:
        settings = make_settings(tmp_path, api, admin_ids=frozenset({ADMIN_ID}), **overrides)
        bot = RestartableBot(api, settings, library, index)
        await bot.start()
        try:
            yield bot
        finally:
            await bot.stop()


@pytest.fixture
async def bot_with_admins(
    tmp_path: Path, library: Library, index: SearchIndex
) -> AsyncIterator[Harness]:
    """A bot whose PUFA_ADMIN_IDS holds ADMIN_ID. The question throttle is lifted: these
    tests register and report at machine speed, far beyond 20 messages a minute."""
    async with running_bot(
        tmp_path,
        bot_factory(library, index),
        admin_ids=frozenset({ADMIN_ID}),
        user_rate_per_minute=10_000,
    ) as harness:
        yield harness


# --- campaign reminders (/campaigns) -------------------------------------------------------


@asynccontextmanager
async def campaign_bot(
    tmp_path: Path,
    library: Library,
    index: SearchIndex,
    *,
    now: datetime,
    category: str,
    resident: int,
    volunteer: int,
) -> AsyncIterator[Harness]:
    """A bot whose clock stands at `now`, with COORDINATOR in PUFA_ADMIN_IDS and both audiences
    of a campaign's reminders: a resident subscribed to `category` and a volunteer."""
    clock = ControlledClock(now)
    async with running_bot(
        tmp_path, bot_factory(library, index, clock), admin_ids=frozenset({COORDINATOR})
    ) as harness:
        harness.api.user(COORDINATOR, "协调员")
        await add_subscribers(harness.services.db, [resident], category=category)
        await add_volunteers(harness.services.db, [volunteer])
        yield harness


async def campaign_reminders(bot: Harness, campaign_id: str, year: int) -> list[Broadcast]:
    """The stored reminders of one year of a campaign, by time."""
    async with bot.services.db.session() as session:
        return await repo.campaign_reminders(session=session, campaign_id=campaign_id, year=year)


async def campaign_detail(bot: Harness, label: str) -> SentMessage:
    """The coordinator's /campaigns, then the campaign's button `label` (e.g. "12·4国家宪法日
    2027"): the campaign's detail with its reminders' buttons."""
    coordinator = bot.api.user(COORDINATOR)
    overview = await bot.ask(coordinator, "/campaigns")
    return await bot.tap(coordinator, overview, label)
