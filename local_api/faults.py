"""Trouble on Telegram's side, on purpose: outages, stalled requests and network latency.

Outages are windows on the server's clock (``LocalBotApi(clock=...)``), so a test opens
one, advances a :class:`~local_api.limits.ManualClock` past it and sees calls succeed again.

Stalls and latency hold HTTP requests for real (event-loop) seconds instead: they exist to
race the client's own timeouts, which run on real time. A stall ends early when
:meth:`FaultPlan.end_stalls` is called, so tests never wait for a long one.

Where a stall holds the request matters, and the two choices model different failures:

``"before"``
    The request is stuck on its way to Telegram (a congested link, a proxy). If the
    client gives up meanwhile, the request never arrives: nothing is processed, and the
    call is recorded with status 499 ("client closed request", nginx's convention).
    Telegram's own Bot API server, once a request reached it, processes it whatever the
    client does; that case is ``"after"``.
``"after"``
    Telegram processed the request (the message is delivered and journaled at once) and
    only the answer is late, so a client that times out cannot know the send went
    through: the case that makes retries send duplicates.
``"queued"``
    The request reached Telegram and waits there (a busy server): it is processed when
    the hold ends, whether or not its client is still waiting, so a client that timed out
    meanwhile sees its call take effect later, after whatever it did next.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from local_api.errors import ApiError
from local_api.limits import Clock
from local_api.state import BotState, Signal

StallPoint = Literal["before", "after", "queued"]
OUTAGE_STATUSES = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}
ABANDONED = ApiError(499, "Client Closed Request: the client gave up before Telegram got it")


@dataclass(frozen=True)
class _Outage:
    until: float  # on the server's clock
    methods: frozenset[str]
    error: ApiError


@dataclass
class Stall:
    """Hold matching requests ``seconds`` at ``when``; ``remaining`` None: until ended;
    ``chat_ids`` None: calls to any chat."""

    seconds: float
    methods: frozenset[str]
    when: StallPoint
    remaining: int | None
    chat_ids: frozenset[int] | None = None


class FaultPlan:
    """The faults in force; the server asks it about every request."""

    def __init__(self, clock: Clock, sending: Iterable[str]) -> None:
        self.clock = clock
        self.sending = frozenset(name.lower() for name in sending)
        self.released = Signal()  # fired by end_stalls: held requests go on at once
        self.held = 0  # requests being held by a stall right now
        self.delayed = 0  # requests waiting out their latency right now
        self.most_delayed = 0  # the most at once since the latency was last set
        self._outages: list[_Outage] = []
        self._stalls: list[Stall] = []
        self._latency = 0.0
        self._latency_by_method: dict[str, float] = {}

    def _names(self, methods: Iterable[str] | None) -> frozenset[str]:
        return self.sending if methods is None else frozenset(m.lower() for m in methods)

    # outages

    def fail_for(
        self,
        seconds: float,
        methods: Iterable[str] | None,
        status: int,
        description: str | None,
    ) -> None:
        if status not in OUTAGE_STATUSES:
            raise ValueError(f"status must be one of {sorted(OUTAGE_STATUSES)}")
        error = ApiError(status, description or OUTAGE_STATUSES[status])
        self._outages.append(_Outage(self.clock() + seconds, self._names(methods), error))

    def clear_outages(self) -> None:
        self._outages.clear()

    def outage(self, method: str) -> ApiError | None:
        """The error a call of ``method`` gets now, inside a :meth:`fail_for` window."""
        now = self.clock()
        self._outages = [outage for outage in self._outages if now < outage.until]
        name = method.lower()
        return next((o.error for o in self._outages if name in o.methods), None)

    # stalls

    def stall(
        self,
        seconds: float,
        methods: Iterable[str] | None,
        when: StallPoint,
        times: int | None,
        chat_ids: Iterable[int] | None = None,
    ) -> None:
        if when not in ("before", "after", "queued"):
            raise ValueError('when must be "before", "after" or "queued"')
        chats = frozenset(chat_ids) if chat_ids is not None else None
        self._stalls.append(Stall(seconds, self._names(methods), when, times, chats))

    def take_stall(
        self, method: str, aimed_at: Callable[[frozenset[int] | None], bool]
    ) -> Stall | None:
        """The stall this call gets (counted against its ``times``), if any; ``aimed_at``
        tells whether the call is one to a stall's chats."""
        name = method.lower()
        for stall in self._stalls:
            if name in stall.methods and aimed_at(stall.chat_ids):
                if stall.remaining is not None:
                    stall.remaining -= 1
                    if stall.remaining <= 0:
                        self._stalls.remove(stall)
                return stall
        return None

    def end_stalls(self) -> None:
        self._stalls.clear()
        self.released.fire()

    # latency

    def set_latency(self, seconds: float, methods: Iterable[str] | None) -> None:
        if seconds < 0:
            raise ValueError("latency cannot be negative")
        self.most_delayed = self.delayed
        if methods is None:
            self._latency = seconds
            self._latency_by_method.clear()
        else:
            self._latency_by_method.update({m.lower(): seconds for m in methods})

    def latency(self, method: str) -> float:
        return self._latency_by_method.get(method.lower(), self._latency)

    async def delay(self, method: str) -> None:
        """Waits the method's latency, counting the calls waiting at once."""
        seconds = self.latency(method)
        if not seconds:
            return
        self.delayed += 1
        self.most_delayed = max(self.most_delayed, self.delayed)
        try:
            await asyncio.sleep(seconds)
        finally:
            self.delayed -= 1


class FaultControls:
    """Mixin for :class:`~local_api.server.LocalBotApi`: Telegram having a bad day."""

    state: BotState
    faults: FaultPlan

    def fail_for(
        self,
        seconds: float,
        *,
        methods: Iterable[str] | None = None,
        status: int = 502,
        description: str | None = None,
    ) -> None:
        """Matching calls answer ``status`` (500, 502 or 503) for ``seconds`` of server clock.

        ``methods`` None means every sending method (sendMessage, sendPhoto, copyMessage...).
        """
        self.faults.fail_for(seconds, methods, status, description)

    def go_down(self) -> None:
        """Every method, getUpdates included, answers 502 until :meth:`come_back`;
        long polls being held end with 502 at once."""
        self.state.down = True
        self.state.changed.fire()

    def come_back(self) -> None:
        self.state.down = False
        self.state.changed.fire()

    def stall(
        self,
        seconds: float,
        *,
        methods: Iterable[str] | None = None,
        when: StallPoint = "before",
        times: int | None = None,
        chat_ids: Iterable[int] | None = None,
    ) -> None:
        """Holds each matching request ``seconds`` (real time) before processing it (dropped
        if its client gives up meanwhile, or processed anyway: ``"queued"``) or before
        answering it; see the module docstring for what each models.

        ``methods`` None means every sending method; ``times`` None stalls every matching
        call until :meth:`end_stalls`; with ``chat_ids``, only calls to those chats match
        (others go through and count nothing), e.g. to hold one chat's edit in flight
        while the bot goes on elsewhere.
        """
        self.faults.stall(seconds, methods, when, times, chat_ids)

    def end_stalls(self) -> None:
        """Held requests go on now, and no more are held."""
        self.faults.end_stalls()

    @property
    def held_requests(self) -> int:
        """How many requests a stall is holding now (``wait_until`` can wait for one)."""
        return self.faults.held

    @property
    def most_delayed_at_once(self) -> int:
        """The most calls waiting out their latency at the same time since it was last set:
        more than one shows the bot's calls overlapping, whatever the machine's speed."""
        return self.faults.most_delayed

    def latency(self, seconds: float, *, methods: Iterable[str] | None = None) -> None:
        """Adds ``seconds`` (real time) to each matching call before it is processed.

        ``methods`` None sets the delay of every method (dropping per-method ones); named
        methods get their own. Each request waits on its own, so concurrent calls overlap
        as over a real network. ``latency(0)`` removes it.
        """
        self.faults.set_latency(seconds, methods)
