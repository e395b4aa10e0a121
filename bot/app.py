"""Composition root: build the services and the PTB `Application` with every handler."""

import logging
from datetime import timedelta
from typing import cast

from telegram.ext import Application, ContextTypes

from bot.broadcasting import (
    PufaApplication,
    attach_broadcasting,
    rate_limiter,
    timedelta_retry_after,
)
from bot.settings import Settings
from content.directory import load_sample_directory
from content.loader import Library, load_library
from content.search import SearchIndex
from handlers import (
    broadcasts,
    coordinator,
    errors,
    fallback,
    guard,
    inline,
    legal_aid,
    myreports,
    questions,
    reports,
    start,
    subscriptions,
    topics,
    volunteers,
)
from handlers.context import PufaApp, PufaContext, Services, VolunteerSettings
from handlers.drafts import DraftPersistence
from handlers.menus import refresh_menu, set_default_menu
from handlers.throttle import Throttle
from storage.db import Database
from storage.directory import add_points, count_points
from storage.models import Clock, utcnow
from storage.volunteers import promoted_coordinators

log = logging.getLogger(__name__)


def build_services(
    settings: Settings,
    library: Library | None = None,
    index: SearchIndex | None = None,
    *,
    clock: Clock = utcnow,
) -> Services:
    """Load and validate content and build the search index (once, at start-up). Tests pass
    a prebuilt library and index (both read-only, so one serves many bots) and their clock."""
    library = library or load_library(settings.content_dir)
    return Services(
        library=library,
        index=index or SearchIndex(library.cards.values(), library.lexicon),
        db=Database(settings.database_url),
        tz=settings.tz,
        admin_ids=settings.admin_ids,
        throttle=Throttle(settings.user_rate_per_minute),
        volunteering=volunteer_settings(settings),
        clock=clock,
    )


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


def build_application(settings: Settings, services: Services, token: str) -> PufaApp:
    builder = (
        Application.builder()
        .token(token)
        .base_url(settings.api_base_url)
        .base_file_url(settings.api_file_url)
        .context_types(ContextTypes(context=PufaContext))
        .persistence(draft_persistence(services))
    )
    # Broadcasts (issue 4): one rate limiter for every request; the broadcasting service
    # lives and dies with the Application (see bot.broadcasting).
    timedelta_retry_after()
    pacer, limiter = rate_limiter(settings)
    builder = builder.rate_limiter(limiter).application_class(PufaApplication)
    app = cast(PufaApp, builder.build())
    app.bot_data["services"] = services
    attach_broadcasting(settings, services, app.bot, pacer)
    # Order matters. The guard runs first in its own group; then the first matching handler
    # of group 0 wins, so specific handlers come before the free-text question handler and
    # the fallbacks come last.
    guard.register(app)
    # Guided chats (registration, /report) first: while one is open its steps take the
    # messages, and /start join_<code> opens the registration before /start sees it.
    volunteers.register(app)
    reports.register(app)
    myreports.register(app)
    coordinator.register(app)
    start.register(app)
    topics.register(app)
    legal_aid.register(app)
    inline.register(app)
    subscriptions.register(app)
    broadcasts.register(app)  # also /scheduled and /campaigns; takes coordinators' typed input
    questions.register(app)
    fallback.register(app)
    errors.register(app)
    return app


def draft_persistence(services: Services) -> DraftPersistence:
    """Conversation state read back from the draft rows, so a restart loses no report,
    registration or broadcast draft."""
    idle = timedelta(minutes=services.volunteering.timeout_minutes)
    return DraftPersistence(
        services.db,
        {reports.FLOW: idle, volunteers.FLOW: idle, broadcasts.FLOW: broadcasts.IDLE},
        services.clock,
    )


async def prepare_database(services: Services) -> None:
    """Migrate the schema and, on a fresh database, load the sample directory."""
    await services.db.upgrade()
    async with services.db.session() as session:
        if await count_points(session=session) == 0:
            samples = load_sample_directory()
            await add_points(session=session, entries=(e.model_dump() for e in samples))
            log.info("loaded %d sample legal service points", len(samples))


async def on_startup(app: PufaApp) -> None:
    """Run once after `app.initialize()`: migrate, then set the command menus (residents'
    by default, coordinators' for each coordinator; volunteers get theirs on joining)."""
    services: Services = app.bot_data["services"]
    await prepare_database(services)
    await services.desk.restore()
    await set_default_menu(app.bot, services.ui.commands)
    async with services.db.session() as session:
        coordinators = {*services.admin_ids, *await promoted_coordinators(session=session)}
    for telegram_id in sorted(coordinators):
        await refresh_menu(app.bot, services, telegram_id)
