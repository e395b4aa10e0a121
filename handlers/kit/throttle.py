"""Per-user flood protection: a sliding one-minute window of weighted actions per user.

A typed message costs 1; a button press costs less (BUTTON_COST), because a guided chat such
as /report is mostly buttons and a volunteer tapping through it is not flooding.
"""

import time
from collections import deque
from collections.abc import Callable

BUTTON_COST = 0.25


class Throttle:
    def __init__(self, per_minute: int = 20, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._recent: dict[int, deque[tuple[float, float]]] = {}
        self._warned: set[int] = set()

    def allow(self, user_id: int, cost: float = 1.0) -> bool:
        now = self._clock()
        window = self._recent.setdefault(user_id, deque())
        while window and now - window[0][0] >= 60:
            window.popleft()
        if sum(c for _, c in window) + cost > self.per_minute:
            return False
        window.append((now, cost))
        self._warned.discard(user_id)
        if len(self._recent) > 10_000:
            self._forget_idle(now)
        return True

    def should_warn(self, user_id: int) -> bool:
        """True once per throttled streak, so a flooding user gets one polite reply, not 100."""
        if user_id in self._warned:
            return False
        self._warned.add(user_id)
        return True

    def _forget_idle(self, now: float) -> None:
        idle = [uid for uid, w in self._recent.items() if not w or now - w[-1][0] >= 60]
        for uid in idle:
            del self._recent[uid]
