"""Telegram's flood limits: the gate itself, and 429 -> RetryAfter through PTB."""

from __future__ import annotations

import datetime as dtm
from collections.abc import AsyncIterator

import pytest
from telegram import Bot
from telegram.error import RetryAfter

from local_api import ApiError, FloodGate, FloodLimits, LocalBotApi, ManualClock


def refusal(gate: FloodGate, chat_id: int, *, paid: bool = False) -> int | None:
    """The retry_after of a refused send, None when admitted."""
    try:
        gate.acquire(chat_id, paid=paid)
    except ApiError as error:
        return error.retry_after if error.error_code == 429 else -1
    return None


def test_private_chat_gets_one_message_per_second(clock: ManualClock) -> None:
    gate = FloodGate(FloodLimits(), clock)

    assert refusal(gate, 1) is None
    clock.advance(0.4)
    assert refusal(gate, 1) == 1
    assert refusal(gate, 2) is None  # other chats are not affected
    clock.advance(0.6)
    assert refusal(gate, 1) is None
    assert gate.errors == 1


def test_global_limit_is_thirty_per_second(clock: ManualClock) -> None:
    gate = FloodGate(FloodLimits(), clock)

    assert [refusal(gate, chat_id) for chat_id in range(1, 31)] == [None] * 30
    assert refusal(gate, 31) == 1
    clock.advance(1.0)
    assert refusal(gate, 31) is None


def test_group_limit_is_twenty_per_minute(clock: ManualClock) -> None:
    gate = FloodGate(FloodLimits(), clock)
    for _ in range(20):
        assert refusal(gate, -100500) is None
        clock.advance(1.0)

    assert refusal(gate, -100500) == 40  # the first of the 20 leaves the window at t=60
    clock.advance(40.0)
    assert refusal(gate, -100500) is None


@pytest.fixture
async def limited(clock: ManualClock) -> AsyncIterator[LocalBotApi]:
    async with LocalBotApi(enforce_limits=True, clock=clock, global_per_second=30) as server:
        yield server


async def test_flood_answers_429_which_ptb_raises_as_retry_after(
    limited: LocalBotApi, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # PTB 22 warns on int retry_after otherwise
    async with Bot(limited.token, base_url=limited.base_url) as bot:
        await bot.send_message(1001, "第一条")
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(1001, "第二条")
        clock.advance(1.0)
        await bot.send_message(1001, "第二条")

    assert caught.value.retry_after == dtm.timedelta(seconds=1)
    assert limited.flood_errors == 1
    assert [entry.text for entry in limited.messages_to(1001)] == ["第一条", "第二条"]
    [refused] = [call for call in limited.calls if call.status == 429]
    assert refused.response["parameters"] == {"retry_after": 1}


async def test_limits_are_off_by_default(api: LocalBotApi, bot: Bot) -> None:
    for number in range(5):
        await bot.send_message(1001, f"第{number}条")

    assert api.flood_errors == 0


def test_paid_sends_have_their_own_overall_limit(clock: ManualClock) -> None:
    gate = FloodGate(FloodLimits(global_per_second=2, paid_per_second=3), clock)

    assert [refusal(gate, chat_id) for chat_id in (1, 2, 3)] == [None, None, 1]
    assert [refusal(gate, chat_id, paid=True) for chat_id in (3, 4, 5, 6)] == [None] * 3 + [1]
    assert refusal(gate, 3, paid=True) == 1  # the chat's own limit applies to paid sends too
    clock.advance(1.0)
    assert refusal(gate, 6, paid=True) is None


async def test_allow_paid_broadcast_lifts_the_overall_limit(
    clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    server = LocalBotApi(enforce_limits=True, clock=clock, global_per_second=3, paid_per_second=5)
    async with server, Bot(server.token, base_url=server.base_url) as bot:
        for chat_id in range(1, 4):
            await bot.send_message(chat_id, "免费")
        with pytest.raises(RetryAfter):
            await bot.send_message(4, "免费")
        for chat_id in range(4, 9):
            await bot.send_message(chat_id, "付费", allow_paid_broadcast=True)
        with pytest.raises(RetryAfter):
            await bot.send_message(9, "付费", allow_paid_broadcast=True)

        assert server.paid_sends == 5
        assert server.flood_errors == 2
        assert server.calls[-1].params["allow_paid_broadcast"] is True


async def test_paid_sends_are_counted_without_limits(api: LocalBotApi, bot: Bot) -> None:
    await bot.send_message(1, "一", allow_paid_broadcast=True)
    await bot.send_photo(1, b"\xff\xd8", allow_paid_broadcast=True)
    await bot.send_message(1, "二")

    assert api.paid_sends == 2
