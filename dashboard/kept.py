"""Figures a dashboard page shares between coordinators, computed once at a time.

The overview and the content gaps read a year (or 90 days) of reports and questions: on a
district's data that takes about a second, too long to wait for at every page view. So a
page's figures are kept: younger than `fresh`, they are served as they are; older, they are
still served at once while they are computed again in the background (each page says when its
figures were computed). Only the first view after a start, or after `drop`, waits.
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Generic, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


class Kept(Generic[T]):
    def __init__(self, fresh: timedelta) -> None:
        self.fresh = fresh
        self._value: T | None = None
        self._at: datetime | None = None
        self._computing: asyncio.Task[None] | None = None

    async def get(self, now: datetime, compute: Callable[[], Awaitable[T]]) -> tuple[T, datetime]:
        """The figures and when they were computed."""
        idle = self._computing is None or self._computing.done()
        if idle and not self._young(now):
            self._computing = asyncio.create_task(self._compute(now, compute))
        if self._value is None and self._computing is not None:
            # The first view waits (shielded: a view that gives up does not stop it).
            await asyncio.shield(self._computing)
        if self._value is None or self._at is None:
            raise RuntimeError("the figures could not be computed")
        return self._value, self._at

    def drop(self) -> None:
        """Forgets the figures (a decision changed them): the next view waits for new ones."""
        self._value, self._at = None, None
        if self._computing is not None:
            self._computing.cancel()
            self._computing = None

    async def close(self) -> None:
        """Stops a computation still running (the web app is shutting down)."""
        if self._computing is not None:
            self._computing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._computing

    def _young(self, now: datetime) -> bool:
        return self._at is not None and timedelta(0) <= now - self._at < self.fresh

    async def _compute(self, now: datetime, compute: Callable[[], Awaitable[T]]) -> None:
        try:
            value = await compute()
        except Exception:
            if self._value is None:
                raise  # the waiting view fails with it
            log.exception("dashboard figures not refreshed; the older ones stay")
            return
        self._value, self._at = value, now
