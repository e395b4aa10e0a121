"""Telegram's flood limits for sending, enforced with sliding windows.

Telegram documents them loosely ("about 30 messages per second overall, one per second in
a chat, 20 per minute in a group") and answers 429 with ``retry_after`` when a bot goes
over. A send with ``allow_paid_broadcast`` pays (0.1 Star) to skip the overall limit and
may go up to 1000 per second instead; the per-chat limits still apply to it. Paid and free
sends are counted apart: a paid broadcast does not use up the free 30 per second.

The fake is strict about the documented numbers so the delivery engine is tested against
the worst case. Time comes from an injectable clock so tests never sleep.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from local_api.errors import too_many_requests

Clock = Callable[[], float]


class ManualClock:
    """A monotonic clock that moves only when told to, for tests of timing rules."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass(frozen=True)
class FloodLimits:
    """How many sends Telegram tolerates; a window's count is kept strictly."""

    global_per_second: int = 30
    private_per_second: int = 1
    group_per_minute: int = 20
    paid_per_second: int = 1000


class _Window:
    def __init__(self, capacity: int, seconds: float) -> None:
        self.capacity = capacity
        self.seconds = seconds
        self.stamps: deque[float] = deque()

    def wait_needed(self, now: float) -> float:
        """Seconds until one more event fits, 0 when it fits now."""
        while self.stamps and self.stamps[0] <= now - self.seconds:
            self.stamps.popleft()
        if len(self.stamps) < self.capacity:
            return 0.0
        return self.stamps[len(self.stamps) - self.capacity] + self.seconds - now


class FloodGate:
    """Admits or refuses (429) each send; ``errors`` counts the refusals."""

    def __init__(self, limits: FloodLimits, clock: Clock = time.monotonic) -> None:
        self.limits = limits
        self.clock = clock
        self.errors = 0
        self._global = _Window(limits.global_per_second, 1.0)
        self._paid = _Window(limits.paid_per_second, 1.0)
        self._chats: dict[int, _Window] = {}

    def acquire(self, chat_id: int, *, paid: bool = False) -> None:
        """Records a send to ``chat_id`` or raises the 429 Telegram would answer.

        ``paid``: the send carries ``allow_paid_broadcast``, so the paid limit replaces the
        overall one. A refused send is not recorded: Telegram does not count what it did
        not deliver.
        """
        now = self.clock()
        chat = self._chat_window(chat_id)
        overall = self._paid if paid else self._global
        wait = max(overall.wait_needed(now), chat.wait_needed(now))
        if wait > 0:
            self.errors += 1
            raise too_many_requests(max(1, math.ceil(wait)))
        overall.stamps.append(now)
        chat.stamps.append(now)

    def _chat_window(self, chat_id: int) -> _Window:
        window = self._chats.get(chat_id)
        if window is None:
            if chat_id < 0:
                window = _Window(self.limits.group_per_minute, 60.0)
            else:
                window = _Window(self.limits.private_per_second, 1.0)
            self._chats[chat_id] = window
        return window
