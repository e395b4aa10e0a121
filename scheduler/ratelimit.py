"""Telegram's sending limits, kept from our side so the server never has to refuse us.

About 30 messages a second overall, one a second to one private chat, 20 a minute to one
group. Each limit is a sliding window of `capacity` sends per `seconds`. A send occupies its
slot from the moment it starts; when it finishes the slot is stamped with the *finish* time.
The server counted the send somewhere between the two, so a window measured from the finish
is never shorter than the server's, however the request was delayed on the way: this is what
keeps a busy process (or a slow network) from provoking 429s. The cost is one round trip per
window, about 0.5% of the rate on a local network.

`RateLimiter` is pure: every method takes `now`, so tests drive it with a fake clock.
`Pacer` waits for it on the event loop.
"""

import asyncio
import contextlib
import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

Clock = Callable[[], float]
_FOREVER = math.inf


class Window:
    def __init__(self, capacity: int, seconds: float) -> None:
        if capacity < 1 or seconds <= 0:
            raise ValueError("a window needs a capacity and a length")
        self.capacity = capacity
        self.seconds = seconds
        self.stamps: deque[float] = deque()  # finish times, ascending
        self.in_flight = 0

    def delay(self, now: float) -> float:
        """Seconds until one more send fits; infinite while only running sends block it."""
        while self.stamps and self.stamps[0] <= now - self.seconds:
            self.stamps.popleft()
        used = len(self.stamps) + self.in_flight
        if used < self.capacity:
            return 0.0
        expiring = used - self.capacity  # this stamp must leave the window first
        if expiring < len(self.stamps):
            return self.stamps[expiring] + self.seconds - now
        return _FOREVER

    def idle(self, now: float) -> bool:
        return self.in_flight == 0 and (not self.stamps or self.stamps[-1] <= now - self.seconds)


@dataclass
class Ticket:
    chat_id: int
    windows: list[Window] = field(default_factory=list)
    done: bool = False


class RateLimiter:
    """Global, per-private-chat and per-group windows, plus a pause after a 429."""

    def __init__(
        self,
        per_second: float = 30,
        *,
        private_per_second: int = 1,
        group_per_minute: int = 20,
    ) -> None:
        capacity = max(1, math.floor(per_second))
        self.per_second = per_second
        self.global_window = Window(capacity, capacity / per_second)
        self.spacing = 1.0 / per_second  # spread sends evenly instead of in bursts
        self.private_per_second = private_per_second
        self.group_per_minute = group_per_minute
        self.paused_until = 0.0
        self._last_start = -_FOREVER
        self._chats: dict[int, Window] = {}

    def chat_window(self, chat_id: int) -> Window:
        window = self._chats.get(chat_id)
        if window is None:
            if chat_id < 0:
                window = Window(self.group_per_minute, 60.0)
            else:
                window = Window(self.private_per_second, 1.0)
            self._chats[chat_id] = window
        return window

    def chat_delay(self, chat_id: int, now: float) -> float:
        return self.chat_window(chat_id).delay(now)

    def global_delay(self, now: float) -> float:
        return max(
            self.global_window.delay(now),
            self.paused_until - now,
            self._last_start + self.spacing - now,
            0.0,
        )

    def delay(self, chat_id: int, now: float) -> float:
        return max(self.global_delay(now), self.chat_delay(chat_id, now))

    def begin(self, chat_id: int, now: float) -> Ticket:
        """Takes the slots. Call when `delay` is 0 (or `global_delay`, for a reply that does
        not wait for its chat): the chat window counts the send either way."""
        windows = [self.global_window, self.chat_window(chat_id)]
        for window in windows:
            window.in_flight += 1
        self._last_start = now
        return Ticket(chat_id, windows)

    def finish(self, ticket: Ticket, now: float, *, counted: bool = True) -> None:
        """The send got its answer. `counted=False`: Telegram refused it before delivering
        (429, 5xx, no connection), so it does not count against the limits."""
        if ticket.done:
            return
        ticket.done = True
        for window in ticket.windows:
            window.in_flight -= 1
            if counted:
                window.stamps.append(now)

    def pause(self, seconds: float, now: float) -> None:
        """Telegram said "retry after": nothing is sent until then."""
        self.paused_until = max(self.paused_until, now + seconds)

    def forget_idle_chats(self, now: float) -> None:
        """Drops windows of chats not written to recently (memory stays bounded)."""
        for chat_id in [c for c, w in self._chats.items() if w.idle(now)]:
            del self._chats[chat_id]


class Pacer:
    """Waits on the event loop until the `RateLimiter` admits a send."""

    def __init__(self, limiter: RateLimiter, clock: Clock = time.monotonic) -> None:
        self.limiter = limiter
        self.clock = clock
        self._changed = asyncio.Event()
        self._finished = 0

    async def acquire(
        self, chat_id: int, *, wait_for_chat: bool = True, defer_busy_chat: bool = False
    ) -> Ticket | None:
        """A ticket once a send to `chat_id` may start; None if `defer_busy_chat` and the chat
        itself is what blocks (the caller sends to someone else meanwhile)."""
        while True:
            now = self.clock()
            chat_delay = self.limiter.chat_delay(chat_id, now) if wait_for_chat else 0.0
            if defer_busy_chat and chat_delay > 0:
                return None
            wait = max(self.limiter.global_delay(now), chat_delay)
            if wait <= 0:
                return self.limiter.begin(chat_id, now)
            await self._wait(wait)

    def finish(self, ticket: Ticket, *, counted: bool = True) -> None:
        self.limiter.finish(ticket, self.clock(), counted=counted)
        self._finished += 1
        if self._finished % 1000 == 0:
            self.limiter.forget_idle_chats(self.clock())
        self._changed.set()

    def pause(self, seconds: float) -> None:
        self.limiter.pause(seconds, self.clock())

    def busy_chat_delay(self, chat_id: int) -> float:
        return self.limiter.chat_delay(chat_id, self.clock())

    async def _wait(self, seconds: float) -> None:
        """Until `seconds` pass or a running send finishes (which may free a slot)."""
        self._changed.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), min(seconds, 1.0))
