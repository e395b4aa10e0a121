"""Time as an input: the instants tests run at, and a clock the tests control.

Nothing in the suite reads today's date: the bot, the scheduler and the storage functions
are given `ControlledClock` (or a fixed instant), so a run on the eve of 国家宪法日 or at
midnight on New Year's Eve behaves exactly like one on any other day.
"""

import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")
# 2026-03-10 10:00 in Shanghai, a Tuesday: no campaign day, reminder or month end nearby.
QUIET = datetime(2026, 3, 10, 10, 0, tzinfo=TZ).astimezone(UTC)


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An instant given as Shanghai wall-clock time, as an aware UTC datetime."""
    return datetime(year, month, day, hour, minute, tzinfo=TZ).astimezone(UTC)


class ControlledClock:
    """Starts at `start` and moves on with the monotonic clock (so timeouts and retries still
    pass), or stands still when `flowing` is False; tests move it with `set` and `advance`."""

    def __init__(self, start: datetime = QUIET, *, flowing: bool = True) -> None:
        assert start.tzinfo is not None
        self._start = start
        self._since = time.monotonic()
        self.flowing = flowing

    def __call__(self) -> datetime:
        elapsed = time.monotonic() - self._since if self.flowing else 0.0
        return self._start + timedelta(seconds=elapsed)

    def set(self, instant: datetime) -> None:
        assert instant.tzinfo is not None
        self._start, self._since = instant, time.monotonic()

    def advance(self, delta: timedelta) -> None:
        self.set(self() + delta)
