"""Wiring of broadcasts: one rate limiter shared by every request of the bot, the delivery
engine and the timing service, started and stopped with the Application.

`PufaApplication` starts them in `start()` (after `on_startup` migrated the database) and
stops them in `stop()`, so the runners, the demo and the tests' harness need nothing extra.
"""

import os
from datetime import time, timedelta

from telegram.ext import ExtBot

from bot.settings import Settings
from handlers.broadcast_progress import TelegramReporter
from handlers.broadcast_render import BroadcastRenderer
from handlers.context import PufaApp, Services
from scheduler.config import BroadcastConfig
from scheduler.engine import DeliveryEngine, EngineConfig
from scheduler.ratelimit import Pacer, RateLimiter
from scheduler.sender import SharedRateLimiter, TelegramSender
from scheduler.service import Broadcasting


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


def attach_broadcasting(
    settings: Settings, services: Services, bot: ExtBot[None], pacer: Pacer
) -> Broadcasting:
    config = BroadcastConfig(
        grace=timedelta(minutes=settings.broadcast_grace_minutes),
        poll_seconds=settings.broadcast_poll_seconds,
        volunteer_reminder_day=settings.volunteer_reminder_day,
        volunteer_reminder_time=time(settings.volunteer_reminder_hour, 0),
    )
    reporter = TelegramReporter(
        bot,
        services.library,
        services.tz,
        services.admin_ids,
        settings.broadcast_grace_minutes,
    )
    every = settings.broadcast_progress_seconds
    engine = DeliveryEngine(
        services.db,
        TelegramSender(bot),
        BroadcastRenderer(services.library),
        reporter,
        pacer,
        config=EngineConfig(progress_seconds=every, progress_after=every),
        now=services.clock,
    )
    services.broadcasting = Broadcasting(
        services.db, services.library, services.tz, engine, config, clock=services.clock
    )
    return services.broadcasting


class PufaApplication(PufaApp):
    """The Application, plus the broadcasting service's lifetime."""

    async def start(self) -> None:
        await super().start()
        broadcasting = self._broadcasting()
        if broadcasting is not None:
            await broadcasting.start()

    async def stop(self) -> None:
        broadcasting = self._broadcasting()
        if broadcasting is not None:
            await broadcasting.stop()
        await super().stop()

    def _broadcasting(self) -> Broadcasting | None:
        services = self.bot_data.get("services")
        return services.broadcasting if isinstance(services, Services) else None
