"""One active instance per bot: the rest stand by.

Every `pufa run` / `pufa webhook` process of a bot tries the bot's instance lock
(storage.locks). The holder is the active instance: it alone polls or takes webhooks, runs the
scheduler, the delivery engine (and its crash recovery), digests and reminders. Any other
waits as a standby: it sends nothing, takes no updates, answers /healthz with 503, and tries
the lock again every `lock_check_seconds`, so it takes over within seconds of the active one
dying or stopping. An active instance that loses the lock (its database connection dropped)
stops acting as active at once and exits, for the service manager to start it again as a
standby.
"""

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from storage.db import unavailable
from storage.locks import InstanceLock

log = logging.getLogger(__name__)


class InstanceRole(StrEnum):
    STARTING = "starting"
    STANDBY = "standby"
    ACTIVE = "active"
    STOPPING = "stopping"


class LostLock(Exception):
    """The active instance's lock is gone: another instance may be active by now."""


@dataclass
class Instance:
    """What this process is doing, as the web app tells it."""

    role: InstanceRole = InstanceRole.STARTING
    last_update_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.role == InstanceRole.ACTIVE

    def handled(self, at: datetime) -> None:
        self.last_update_at = at


def bot_id(token: str) -> str:
    """The bot's id: the token's part before the colon (public, unlike the rest)."""
    head = token.split(":", 1)[0]
    return head if head.isdigit() else "unknown"


async def wait_for_lock(
    lock: InstanceLock, instance: Instance, stop: asyncio.Event, every: float
) -> bool:
    """Waits until this instance holds the lock (True) or is told to stop (False)."""
    said = tried = False
    while not stop.is_set():
        try:
            acquired = await lock.try_acquire()
        except Exception as exc:
            if not tried or not unavailable(exc):  # a wrong PUFA_DATABASE_URL: say so at once
                raise
            log.warning("instance lock: database unreachable (%s)", type(exc).__name__)
            acquired = False
        tried = True
        if acquired:
            if said:
                log.warning("the active instance is gone: taking over")
            return True
        if not said:
            log.warning("another instance of this bot is active: standing by")
            instance.role, said = InstanceRole.STANDBY, True
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every)
    return False


async def hold_until_stopped(lock: InstanceLock, stop: asyncio.Event, every: float) -> None:
    """Returns when told to stop; raises LostLock as soon as the lock is found gone."""
    while not stop.is_set():
        if not await lock.still_held():
            raise LostLock
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every)
