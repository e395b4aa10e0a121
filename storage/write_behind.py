"""Rows written a moment later, in batches, off the path of the update that made them (the
question log, when people were last seen): a reply never waits for them, and a database that
is down for a while costs none of them. On a clean stop what is waiting is written; while the
database is unreachable they wait, up to `limit` (beyond that the oldest are dropped and
counted)."""

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.db import Database, unavailable

log = logging.getLogger(__name__)
T = TypeVar("T")
BATCH = 500
_PAUSE_MAX = 30.0
# At a stop, the database busy: tried again after each pause, then given up (None).
_STOP_PAUSES: tuple[float | None, ...] = (0.5, 1.0, 2.0, None)


class WriteBehind(Generic[T]):
    def __init__(
        self,
        db: Database,
        write: Callable[[AsyncSession, list[T]], Awaitable[None]],
        *,
        name: str,
        interval: float = 0.1,
        limit: int = 10_000,
    ) -> None:
        self.db, self.write, self.name = db, write, name
        self.interval, self.limit = interval, limit
        self.dropped = 0
        self._waiting: deque[T] = deque()
        self._added = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._flushing = asyncio.Lock()

    def add(self, item: T) -> None:
        if len(self._waiting) >= self.limit:
            self._waiting.popleft()
            self.dropped += 1
            if self.dropped % 1000 == 1:
                log.warning(
                    "%s: database unreachable for long, %d dropped", self.name, self.dropped
                )
        self._waiting.append(item)
        self._added.set()

    @property
    def waiting(self) -> int:
        return len(self._waiting)

    def start(self) -> None:
        if self._task is None:
            self._stopping.clear()
            self._task = asyncio.create_task(self._run(), name=f"pufa-{self.name}")

    async def stop(self) -> None:
        """Ends the loop (a batch being written is finished, never cut off midway: that
        would leave its transaction open, holding SQLite's lock) and writes what is
        waiting, trying again for a while if the database is busy."""
        if self._task is not None:
            self._stopping.set()
            self._added.set()
            await self._task
            self._task = None
        for pause in _STOP_PAUSES:
            try:
                await self.flush()
                return
            except Exception as exc:
                if not unavailable(exc) or pause is None:
                    log.warning(
                        "%s: %d not written at stop (%r)", self.name, len(self._waiting), exc
                    )
                    return
            await asyncio.sleep(pause)

    async def flush(self) -> None:
        """Writes everything waiting now, batch by batch (raises if the database fails).
        Returns only once what was waiting is written, also what a flush already under way
        (the loop's, or another update's) had taken: a handler that flushes to read its own
        row back then finds it."""
        async with self._flushing:
            while self._waiting:
                batch = [self._waiting.popleft() for _ in range(min(BATCH, len(self._waiting)))]
                try:
                    async with self.db.session() as session:
                        await self.write(session, batch)
                except Exception:
                    self._waiting.extendleft(reversed(batch))
                    raise

    async def _run(self) -> None:
        pause = self.interval
        while not self._stopping.is_set():
            await self._added.wait()
            self._added.clear()
            await self._pause(self.interval)  # gather what comes meanwhile into one batch
            try:
                await self.flush()
                pause = self.interval
            except Exception as exc:
                if not unavailable(exc):
                    log.exception("%s: a batch could not be written; dropped", self.name)
                    self._waiting.clear()
                    continue
                log.warning("%s: database unreachable, %d waiting", self.name, self.waiting)
                pause = min(pause * 2, _PAUSE_MAX)
                await self._pause(pause)
                self._added.set()

    async def _pause(self, seconds: float) -> None:
        """Sleeps `seconds`, less if a stop comes."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)
