"""Composition root: build the services and the PTB `Application` with every handler."""

import logging
from typing import cast

from telegram import BotCommand
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes

from bot.settings import Settings
from content.directory import load_sample_directory
from content.loader import Library, load_library
from content.search import SearchIndex
from handlers import errors, fallback, guard, inline, legal_aid, questions, start, topics
from handlers.context import PufaApp, PufaContext, Services
from handlers.throttle import Throttle
from storage.db import Database
from storage.directory import add_points, count_points

log = logging.getLogger(__name__)


def build_services(settings: Settings, library: Library | None = None) -> Services:
    """Load and validate content and build the search index (once, at start-up)."""
    library = library or load_library(settings.content_dir)
    return Services(
        library=library,
        index=SearchIndex(library.cards.values(), library.lexicon),
        db=Database(settings.database_url),
        tz=settings.tz,
        admin_ids=settings.admin_ids,
        throttle=Throttle(settings.user_rate_per_minute),
    )


def build_application(settings: Settings, services: Services, token: str) -> PufaApp:
    builder = (
        Application.builder()
        .token(token)
        .base_url(settings.api_base_url)
        .base_file_url(settings.api_file_url)
        .context_types(ContextTypes(context=PufaContext))
    )
    app = cast(PufaApp, builder.build())
    app.bot_data["services"] = services
    # Order matters. The guard runs first in its own group; then the first matching handler
    # of group 0 wins, so specific handlers come before the free-text question handler and
    # the fallbacks come last.
    guard.register(app)
    start.register(app)
    topics.register(app)
    legal_aid.register(app)
    inline.register(app)
    questions.register(app)
    fallback.register(app)
    errors.register(app)
    return app


async def prepare_database(services: Services) -> None:
    """Migrate the schema and, on a fresh database, load the sample directory."""
    await services.db.upgrade()
    async with services.db.session() as session:
        if await count_points(session=session) == 0:
            samples = load_sample_directory()
            await add_points(session=session, entries=(e.model_dump() for e in samples))
            log.info("loaded %d sample legal service points", len(samples))


async def on_startup(app: PufaApp) -> None:
    """Run once after `app.initialize()`: migrate, then register the command menu."""
    services: Services = app.bot_data["services"]
    await prepare_database(services)
    names = services.ui.commands.model_dump()
    try:
        await app.bot.set_my_commands([BotCommand(name, text) for name, text in names.items()])
    except TelegramError as exc:
        log.warning("setMyCommands failed, continuing without a command menu: %s", exc)
