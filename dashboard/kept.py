"""Figures a dashboard page shares between coordinators, computed once at a time.

The overview and the content gaps read a year (or 90 days) of reports and questions: on a
district's data that takes about a second, too long to wait for at every page view. So a
page's figures are kept: younger than `fresh`, they are served as they are; older, they are
still served at once while they are computed again in the background (each page says when its
figures were computed). Only the first view after a start, or after `drop`, waits.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Generic, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


class Kept(Generic[T]):
    def __init__(self, fresh: timedelta) -> None:
        self.fresh = fresh
        self._kept: tuple[T, datetime] | None = None  # the figures and when they were computed
        self._computing: asyncio.Task[None] | None = None
        self._generation = 0  # moved on by `drop`: what was computing then is not kept

    async def get(self, now: datetime, compute: Callable[[], Awaitable[T]]) -> tuple[T, datetime]:
        """The figures and when they were computed."""
        while True:
            idle = self._computing is None or self._computing.done()
            if idle and not self._young(now):
                computing = self._compute(now, compute, self._generation)
                self._computing = asyncio.create_task(computing)
            if self._kept is not None:
                return self._kept
            assert self._computing is not None
            # Waits for the figures (shielded: a view that gives up does not stop them); a
            # drop meanwhile leaves none, and the loop computes them again.
            await asyncio.shield(self._computing)

    def drop(self) -> None:
        """Forgets the figures (a decision changed them): the next view waits for new ones."""
        self._kept = None
        self._generation += 1

    async def close(self) -> None:
        """Stops a computation still running (the web app is shutting down)."""
        if self._computing is not None:
            self._computing.cancel()
            await asyncio.gather(self._computing, return_exceptions=True)

    def _young(self, now: datetime) -> bool:
        return self._kept is not None and timedelta(0) <= now - self._kept[1] < self.fresh

    async def _compute(
        self, now: datetime, compute: Callable[[], Awaitable[T]], generation: int
    ) -> None:
        try:
            value = await compute()
        except Exception:
            if self._kept is None:
                raise  # the waiting views fail with it
            log.exception("dashboard figures not refreshed; the older ones stay")
            return
        if generation == self._generation:
            self._kept = value, now
