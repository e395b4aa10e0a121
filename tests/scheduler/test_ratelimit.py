"""The rate limiter with a manual clock (only the clock is fake), checked against the local
Bot API's own flood gate driven by the same clock."""

import contextlib
import math

import pytest

from local_api import FloodGate, FloodLimits, ManualClock
from local_api.errors import ApiError
from scheduler.ratelimit import RateLimiter, Window


def test_window_admits_capacity_then_waits_for_the_oldest_finish() -> None:
    window = Window(3, 1.0)
    for now in (0.0, 0.1, 0.2):
        assert window.delay(now) == 0
        window.in_flight += 1
    assert window.delay(0.3) == math.inf  # all three still on the wire
    for finished in (0.05, 0.15, 0.25):
        window.in_flight -= 1
        window.stamps.append(finished)
    assert window.delay(0.3) == pytest.approx(0.75)  # 0.05 + 1.0 - 0.3
    assert window.delay(1.05) == 0


def test_sends_are_spread_at_the_global_rate() -> None:
    limiter = RateLimiter(10)
    ticket = limiter.begin(1, 0.0)
    assert limiter.global_delay(0.0) == pytest.approx(0.1)
    limiter.finish(ticket, 0.01)
    assert limiter.delay(2, 0.1) == 0
    assert limiter.chat_delay(1, 0.1) == pytest.approx(0.91)  # one a second to one chat


def test_groups_get_twenty_a_minute() -> None:
    limiter = RateLimiter(1000)
    for i in range(20):
        limiter.finish(limiter.begin(-100, i * 0.01), i * 0.01 + 0.001)
    assert limiter.chat_delay(-100, 1.0) == pytest.approx(59.001)
    assert limiter.chat_delay(-200, 1.0) == 0


def test_retry_after_pauses_everything() -> None:
    limiter = RateLimiter(30)
    limiter.pause(3, 10.0)
    assert limiter.delay(5, 11.0) == pytest.approx(2.0)


def test_refused_sends_do_not_count() -> None:
    limiter = RateLimiter(30)
    limiter.finish(limiter.begin(7, 0.0), 0.01, counted=False)
    assert limiter.chat_delay(7, 0.02) == 0


def simulate(sends: list[int], latency: float, rate: float = 30) -> tuple[FloodGate, float]:
    """Sends to `sends` (chat ids, in order) as fast as the limiter allows, each request
    arriving at the gate `latency` after it starts and answered `latency` later."""
    clock = ManualClock(0.0)
    gate = FloodGate(FloodLimits(30, 1, 20), clock)
    limiter = RateLimiter(rate)
    queue = list(sends)
    while queue:
        chat = next((c for c in queue if limiter.chat_delay(c, clock()) == 0), None)
        wait = limiter.global_delay(clock()) if chat is not None else 0.05
        if chat is None or wait > 0:
            clock.advance(max(wait, 1e-6))
            continue
        queue.remove(chat)
        ticket = limiter.begin(chat, clock())
        clock.advance(latency)
        with contextlib.suppress(ApiError):  # counted in gate.errors
            gate.acquire(chat)
        clock.advance(latency)
        limiter.finish(ticket, clock())
    return gate, clock()


def test_a_thousand_sends_never_trip_telegrams_limits_and_use_them_fully() -> None:
    gate, elapsed = simulate(list(range(1, 1001)), latency=0.002)
    assert gate.errors == 0
    assert 1000 / elapsed / 30 >= 0.95


def test_repeated_chats_and_groups_respect_their_own_limits() -> None:
    sends = [1, 2, 1, 1, -5, -5, 3] * 12  # many to one user, 24 to one group
    gate, _ = simulate(sends, latency=0.01)
    assert gate.errors == 0
