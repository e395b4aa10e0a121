"""Wiring of broadcasts: one rate limiter shared by every request of the bot, and the
broadcasting service (timing, calendar, delivery engine) with its Telegram edge."""

import os
from datetime import time, timedelta

from telegram.ext import ExtBot

from bot.settings import Settings
from content.loader import Library
from handlers.broadcasts.progress import TelegramReporter
from handlers.broadcasts.render import BroadcastRenderer
from scheduler.config import BroadcastConfig
from scheduler.engine import DeliveryEngine, EngineConfig
from scheduler.ratelimit import Pacer, RateLimiter
from scheduler.sender import SharedRateLimiter, TelegramSender
from scheduler.service import Broadcasting
from storage.db import Database
from storage.models import Clock


def timedelta_retry_after() -> None:
    """PTB 22 reads RetryAfter.retry_after as a timedelta only with this set (else it warns)."""
    os.environ.setdefault("PTB_TIMEDELTA", "true")


def rate_limiter(settings: Settings) -> tuple[Pacer, SharedRateLimiter]:
    limiter = RateLimiter(
        settings.broadcast_rate_per_second,
        private_per_second=settings.broadcast_private_per_second,
        group_per_minute=settings.broadcast_group_per_minute,
    )
    pacer = Pacer(limiter)
    return pacer, SharedRateLimiter(pacer, pace_private_replies=settings.pace_private_replies)


def build_broadcasting(
    settings: Settings,
    bot: ExtBot[None],
    pacer: Pacer,
    library: Library,
    db: Database,
    clock: Clock,
) -> Broadcasting:
    config = BroadcastConfig(
        grace=timedelta(minutes=settings.broadcast_grace_minutes),
        poll_seconds=settings.broadcast_poll_seconds,
        volunteer_reminder_day=settings.volunteer_reminder_day,
        volunteer_reminder_time=time(settings.volunteer_reminder_hour, 0),
        weekly_case_day=settings.weekly_case_day,
        weekly_case_time=time(settings.weekly_case_hour, 0),
    )
    reporter = TelegramReporter(
        bot, library, settings.tz, settings.admin_ids, settings.broadcast_grace_minutes
    )
    every = settings.broadcast_progress_seconds
    engine = DeliveryEngine(
        db,
        TelegramSender(bot, rate=settings.broadcast_rate_per_second),
        BroadcastRenderer(library),
        reporter,
        pacer,
        config=EngineConfig(
            progress_seconds=every,
            progress_after=every,
            max_in_flight=settings.broadcast_max_in_flight,
            outage_max_seconds=settings.broadcast_outage_max_seconds,
        ),
        now=clock,
    )
    return Broadcasting(db, library, settings.tz, engine, config, clock=clock)
