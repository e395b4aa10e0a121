"""Factories for subscribers and volunteers, and a broadcasting stack (engine, timing, real
PTB bot) talking to a LocalBotApi that enforces Telegram's limits."""

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from telegram.ext import ExtBot

from bot.ordering import MAX_CONCURRENT_UPDATES
from bot.telegram_http import AiohttpRequest
from content.loader import Library
from handlers.broadcasts.progress import TelegramReporter
from handlers.broadcasts.render import BroadcastRenderer
from local_api import LocalBotApi
from scheduler.config import BroadcastConfig
from scheduler.engine import DeliveryEngine, EngineConfig
from scheduler.planning import Plan
from scheduler.ratelimit import Pacer, RateLimiter
from scheduler.sender import SharedRateLimiter, TelegramSender
from scheduler.service import Broadcasting
from scheduler.timeparse import Now, When
from storage import broadcasts as repo
from storage.audience import Audience
from storage.db import Database
from storage.models import Broadcast, BroadcastStatus, Volunteer
from storage.subscriptions import ensure_recipient, set_town, toggle_category
from tests.clock import QUIET as NOW
from tests.clock import ControlledClock

TZ = ZoneInfo("Asia/Shanghai")
COORDINATOR = 900_001
TOWN = "示例县东山镇"


async def add_subscribers(
    db: Database, chat_ids: Iterable[int], *, category: str = "labor", town: str | None = None
) -> None:
    async with db.session() as session:
        for chat_id in chat_ids:
            kind = "private" if chat_id > 0 else "supergroup"
            await ensure_recipient(session=session, chat_id=chat_id, chat_type=kind, now=NOW)
            await toggle_category(session=session, chat_id=chat_id, category=category)
            if town is not None:
                await set_town(session=session, chat_id=chat_id, town=town)


async def add_volunteers(db: Database, ids: Iterable[int], *, town: str = TOWN) -> None:
    async with db.session() as session:
        for telegram_id in ids:
            session.add(Volunteer(telegram_id=telegram_id, name=f"志愿者{telegram_id}", town=town))


def draft(
    audience: Audience = Audience.ALL,
    value: str = "",
    *,
    when: When | None = None,
    text: str = "周六上午村委会有律师<b>免费</b>咨询",
    key: str = "k1",
) -> Plan:
    return Plan(
        created_by=COORDINATOR,
        key=key,
        audience=audience,
        audience_value=value,
        when=when or Now(),
        text=text,
    )


@dataclass
class Stack:
    api: LocalBotApi
    bot: ExtBot[None]
    service: Broadcasting
    db: Database

    async def broadcast(self, row_id: int, timeout: float = 120.0) -> Broadcast:  # noqa: ASYNC109
        """The broadcast once it has ended and its summary was given."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            async with self.db.session() as session:
                row = await repo.get_broadcast(session=session, broadcast_id=row_id)
            assert row is not None
            if row.reported_at is not None:
                return row
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"broadcast {row_id} still {row.status}")
            await asyncio.sleep(0.05)

    async def states(self, row_id: int) -> dict[int, str]:
        async with self.db.session() as session:
            return await repo.delivered_chats(session=session, broadcast_id=row_id)

    def received(self, chat_id: int) -> int:
        """Messages the bot sent (not edited) to `chat_id`."""
        return sum(1 for m in self.api.messages_to(chat_id) if m.action == "send")


@asynccontextmanager
async def broadcasting_stack(
    db: Database,
    library: Library,
    *,
    rate: float = 30,
    clock: Callable[[], datetime] | None = None,
    grace: timedelta = timedelta(minutes=30),
    reminder_day: int = 0,
    outage_max_seconds: float = 0.4,
    send_timeout: float = 30.0,
    max_in_flight: int = 16,
    progress_after: float = 1.0,
    poll_seconds: float = 30.0,
    **api_options: Any,
) -> AsyncIterator[Stack]:
    """Engine, timing service and a real bot against a LocalBotApi enforcing the limits."""
    async with LocalBotApi(enforce_limits=True, **api_options) as api:
        api.user(COORDINATOR, "协调员")
        pacer = Pacer(RateLimiter(rate))
        bot: ExtBot[None] = ExtBot(
            api.token,
            base_url=api.base_url,
            base_file_url=api.base_file_url,
            rate_limiter=SharedRateLimiter(pacer),
            request=AiohttpRequest(MAX_CONCURRENT_UPDATES),  # the production client
        )
        async with bot:
            reporter = TelegramReporter(bot, library, TZ, frozenset({COORDINATOR}), 30)
            config = EngineConfig(
                progress_seconds=0.2,
                progress_after=progress_after,
                backoff_seconds=0.05,
                outage_max_seconds=outage_max_seconds,
                database_retry_seconds=0.05,
                idle_seconds=0.2,
                max_in_flight=max_in_flight,
            )
            sender = TelegramSender(bot, timeout=send_timeout, rate=rate)
            clock = clock or ControlledClock()
            engine = DeliveryEngine(
                db, sender, BroadcastRenderer(library), reporter, pacer, config=config, now=clock
            )
            service = Broadcasting(
                db,
                library,
                TZ,
                engine,
                BroadcastConfig(
                    grace=grace, volunteer_reminder_day=reminder_day, poll_seconds=poll_seconds
                ),
                clock=clock,
            )
            await service.start()
            try:
                yield Stack(api, bot, service, db)
            finally:
                await service.stop()


async def scheduled_count(db: Database) -> int:
    async with db.session() as session:
        rows = await repo.with_status(session=session, status=BroadcastStatus.SCHEDULED)
    return len(rows)
