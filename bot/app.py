"""Composition root: the services, the PTB Application, and every feature in one ordered
registration block."""

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from telegram.ext import ApplicationBuilder, ContextTypes, ExtBot

from bot.broadcasting import build_broadcasting, rate_limiter, timedelta_retry_after
from bot.ordering import MAX_CONCURRENT_UPDATES, ChatOrderProcessor
from bot.settings import Settings
from bot.telegram_http import AiohttpRequest
from content import dates
from content.index_cache import cached_content
from content.loader import Library, build_index
from content.search import SearchIndex
from handlers import (
    broadcasts,
    coordinators,
    engagement,
    quiz,
    reports,
    residents,
    subscriptions,
    tickets,
    volunteers,
)
from handlers.kit import conversation, errors, fallback, guard, odd_messages
from handlers.kit.context import (
    DashboardSettings,
    PufaApplication,
    PufaContext,
    Services,
    VolunteerSettings,
)
from handlers.kit.conversation import Conversations
from handlers.kit.menus import refresh_menu, set_default_menu
from storage.db import Database
from storage.directory import add_points, count_points
from storage.models import Clock, utcnow
from storage.people import touch_people
from storage.questions import log_questions
from storage.residents import count_advisers, replace_advisers
from storage.volunteers import promoted_coordinators
from storage.write_behind import WriteBehind

log = logging.getLogger(__name__)


def build_application(
    settings: Settings,
    token: str,
    *,
    library: Library | None = None,
    index: SearchIndex | None = None,
    clock: Clock = utcnow,
    chat_url: str | None = None,
    adjust_content: Callable[[Library], Library] | None = None,
) -> PufaApplication:
    """The bot, ready to start. Content is loaded and validated and the search index built
    here, once (or both read from the cache, see content.index_cache); tests pass a
    prebuilt library and index (both read-only, so one serves many bots) and their clock.
    Days are written from here on with the library's words (content.dates). `chat_url`:
    `pufa demo`'s web chat, where the bot's start links lead instead of Telegram;
    `adjust_content`: what the content becomes before the bot uses it, now and after every
    reload (the demo's desks staffed by its coordinator; it must not change the cards)."""
    timedelta_retry_after()
    if library is None:
        library, index = cached_content(settings.content_dir, settings.cache_path)
    if adjust_content is not None:
        library = adjust_content(library)
    dates.use(library.ui.dates)
    pacer, limiter = rate_limiter(settings)
    bot: ExtBot[None] = ExtBot(
        token,
        base_url=settings.api_base_url,
        base_file_url=settings.api_file_url,
        rate_limiter=limiter,
        request=AiohttpRequest(MAX_CONCURRENT_UPDATES),
        get_updates_request=AiohttpRequest(1),
    )
    db = Database(settings.database_url, schema=settings.database_schema)
    writes = asyncio.Lock()  # the write-behinds take turns
    services = Services(
        library=library,
        index=index or build_index(library),
        db=db,
        tz=settings.tz,
        clock=clock,
        admin_ids=settings.admin_ids,
        volunteering=volunteer_settings(settings),
        broadcasting=build_broadcasting(settings, bot, pacer, library, db, clock),
        chats=Conversations(db, clock),
        question_log=WriteBehind(db, log_questions, name="question-log", turn=writes),
        people_seen=WriteBehind(db, touch_people, name="people-seen", turn=writes),
        ticket_check_seconds=settings.ticket_check_seconds,
        dashboard=DashboardSettings(
            public_url=settings.public_base(),
            link_minutes=settings.dashboard_link_minutes,
            session_hours=settings.dashboard_session_hours,
            content_dir=settings.content_dir,
            public=bool(settings.public_url),
        ),
        chat_url=chat_url,
        adjust_content=adjust_content,
    )
    builder: Any = (
        ApplicationBuilder()
        .bot(bot)
        .context_types(ContextTypes(context=PufaContext))
        .concurrent_updates(ChatOrderProcessor())
    )
    app: PufaApplication = builder.application_class(
        PufaApplication, kwargs={"services": services}
    ).build()
    _late_jobs_still_run(app)
    _register(app, services, settings)
    return app


def _late_jobs_still_run(app: PufaApplication) -> None:
    """APScheduler skips a job more than a second late, as it may be on a busy machine: the
    day's report digest, or the catch-up of reports a crash left unannounced, would be lost.
    Here a late job runs however late; a repeating one that missed several times runs once."""
    if app.job_queue is None:
        return
    app.job_queue.scheduler.configure(
        job_defaults={"misfire_grace_time": None, "coalesce": True},
        **app.job_queue.scheduler_configuration,
    )


def _register(app: PufaApplication, services: Services, settings: Settings) -> None:
    """Order matters. The guard runs first in its own group, then the guided chats take what
    belongs to them; in the features' group the first matching handler wins, so specific
    handlers come before the free-text question handler and the fallbacks come last."""
    odd_messages.register(app)  # albums' later photos before the guard, edited messages after
    guard.register(app, settings.user_rate_per_minute)
    conversation.register(app)  # the guided chats, and /cancel
    volunteers.register(app, services)  # `/start join_<code>` before residents' /start
    reports.register(app, services)
    coordinators.register(app, services)
    broadcasts.register(app, services)
    subscriptions.register(app, services)
    quiz.register(app, services)
    tickets.register(app, services)  # messages to duty staff
    engagement.register(app, services)  # `/start ev_<code>` before residents' /start
    residents.register(app, services)  # ends with the free-text question handler
    fallback.register(app)
    errors.register(app)


def volunteer_settings(settings: Settings) -> VolunteerSettings:
    return VolunteerSettings(
        edit_window_days=settings.report_edit_window_days,
        max_report_age_days=settings.report_max_age_days,
        notify=settings.report_notify,
        digest_hour=settings.report_digest_hour,
        timeout_minutes=settings.report_timeout_minutes,
        invite_valid_days=settings.invite_valid_days,
        chart_font=settings.chart_font,
    )


async def prepare_database(services: Services) -> None:
    """Migrate the schema and, on a fresh database, load the content's directory (sample
    service points) and village advisers."""
    await services.db.upgrade()
    async with services.db.session() as session:
        if await count_points(session=session) == 0:
            samples = services.library.directory
            await add_points(session=session, entries=(e.model_dump() for e in samples))
            log.info("loaded %d sample legal service points", len(samples))
        if await count_advisers(session=session) == 0:
            advisers = services.library.advisers
            await replace_advisers(session=session, entries=(a.model_dump() for a in advisers))


async def on_startup(app: PufaApplication) -> None:
    """Run once after `app.initialize()`, before the first update: migrate, tidy what the
    last run left in flight (tickets), then set the command menus (residents' by default,
    coordinators' for each coordinator; volunteers get theirs on joining)."""
    services = app.services
    await prepare_database(services)
    await tickets.after_restart(app.bot, services)
    await set_default_menu(app.bot, services.ui.commands)
    async with services.db.session() as session:
        coordinators_now = {*services.admin_ids, *await promoted_coordinators(session=session)}
    for telegram_id in sorted(coordinators_now):
        await refresh_menu(app.bot, services, telegram_id)
