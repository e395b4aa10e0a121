"""Telegram having a bad day: outages, stalled requests and latency, through PTB's ``Bot``."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest
from telegram import Bot
from telegram.error import NetworkError, TimedOut

from local_api import LocalBotApi, ManualClock


@pytest.fixture
async def timed(clock: ManualClock) -> AsyncIterator[LocalBotApi]:
    """A server on a manual clock, for the fail_for windows."""
    async with LocalBotApi(clock=clock) as server:
        yield server


@pytest.fixture
async def timed_bot(timed: LocalBotApi) -> AsyncIterator[Bot]:
    async with Bot(timed.token, base_url=timed.base_url) as client:
        yield client


async def test_fail_for_fails_sends_until_the_window_ends(
    timed: LocalBotApi, timed_bot: Bot, clock: ManualClock
) -> None:
    timed.fail_for(10, status=503)

    with pytest.raises(NetworkError, match="Service Unavailable"):
        await timed_bot.send_message(1, "通知")
    assert (await timed_bot.get_me()).username == "pufa_demo_bot"  # not a sending method
    clock.advance(9.9)
    with pytest.raises(NetworkError):
        await timed_bot.send_photo(1, b"\xff\xd8 photo")
    clock.advance(0.1)
    assert (await timed_bot.send_message(1, "通知")).text == "通知"

    refused = [call for call in timed.calls if not call.ok]
    assert [(call.method, call.status) for call in refused] == [
        ("sendMessage", 503),
        ("sendPhoto", 503),
    ]
    assert refused[0].response == {
        "ok": False,
        "error_code": 503,
        "description": "Service Unavailable",
    }
    assert [entry.text for entry in timed.messages_to(1)] == ["通知"]


async def test_fail_for_named_methods_with_a_description(
    timed: LocalBotApi, timed_bot: Bot
) -> None:
    timed.fail_for(
        60, methods={"sendDocument"}, status=500, description="Internal Server Error: disk"
    )

    assert (await timed_bot.send_message(1, "文字")).text == "文字"
    with pytest.raises(NetworkError, match="Internal Server Error: disk"):
        await timed_bot.send_document(1, b"%PDF", filename="a.pdf")
    timed.clear_failures()
    assert await timed_bot.send_document(1, b"%PDF", filename="a.pdf")


def test_fail_for_takes_only_server_error_statuses(api: LocalBotApi) -> None:
    with pytest.raises(ValueError, match="status"):
        api.fail_for(1, status=429)


async def test_going_down_ends_long_polls_and_refuses_everything(
    api: LocalBotApi, bot: Bot
) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await api.wait_until_polling()

    api.go_down()

    with pytest.raises(NetworkError, match="Bad Gateway"):
        await asyncio.wait_for(poll, timeout=60)
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.get_me()
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.get_updates()
    api.come_back()
    api.send_text(api.user(1001), "回来了")
    [update] = await bot.get_updates()
    assert update.message is not None
    assert update.message.text == "回来了"
    assert [call.status for call in api.calls if call.method == "getUpdates"] == [502, 502, 200]


async def test_stall_before_drops_a_request_its_client_gave_up_on(
    api: LocalBotApi, bot: Bot
) -> None:
    api.stall(600, when="before")

    with pytest.raises(TimedOut):
        await bot.send_message(1001, "提醒", read_timeout=0.2)

    dropped = await api.wait_for_call("sendMessage", predicate=lambda call: call.status == 499)
    assert dropped.params["text"] == "提醒"
    assert api.messages_to(1001) == []
    assert not api.was_delivered(1001, "提醒")
    api.end_stalls()
    assert (await bot.send_message(1001, "提醒")).text == "提醒"


async def test_stall_before_goes_on_for_a_patient_client(api: LocalBotApi, bot: Bot) -> None:
    api.stall(600, when="before", times=1)
    send = asyncio.create_task(bot.send_message(1001, "慢慢来"))
    await api.wait_until(lambda: api.held_requests == 1, "the send to be held")
    assert api.messages_to(1001) == []

    api.end_stalls()

    assert (await asyncio.wait_for(send, timeout=60)).text == "慢慢来"
    assert api.was_delivered(1001, "慢慢来")


async def test_a_stall_aimed_at_a_chat_holds_only_calls_to_it(api: LocalBotApi, bot: Bot) -> None:
    first = await bot.send_message(1001, "旧")
    other = await bot.send_message(1002, "旧")
    api.stall(600, methods={"editMessageText"}, times=1, chat_ids={1001})

    await bot.edit_message_text("别处", 1002, other.message_id)  # goes by, counts nothing
    await bot.send_message(1001, "发送")  # another method
    held = asyncio.create_task(bot.edit_message_text("先改", 1001, first.message_id))
    await api.wait_until(lambda: api.held_requests == 1, "the edit to be held")
    assert [m.text for m in api.messages_to(1001)] == ["旧", "发送"]
    api.end_stalls()

    await asyncio.wait_for(held, timeout=60)
    await bot.edit_message_text("再改", 1001, first.message_id)  # the stall was used up
    assert [m.text for m in api.messages_to(1001)] == ["旧", "发送", "先改", "再改"]
    assert [m.text for m in api.messages_to(1002)] == ["旧", "别处"]


async def test_a_queued_request_is_served_after_its_client_gave_up(
    api: LocalBotApi, bot: Bot
) -> None:
    first = await bot.send_message(1001, "旧")
    api.stall(600, methods={"editMessageText"}, when="queued", times=1)

    with pytest.raises(TimedOut):
        await bot.edit_message_text("晚到", 1001, first.message_id, read_timeout=0.2)
    await bot.edit_message_text("新", 1001, first.message_id)  # the stall was used up
    assert api.held_requests == 1 and [m.text for m in api.messages_to(1001)] == ["旧", "新"]
    api.end_stalls()

    late = await api.wait_for_call(
        "editMessageText", predicate=lambda c: c.params["text"] == "晚到"
    )
    assert late.ok
    assert [m.text for m in api.messages_to(1001)] == ["旧", "新", "晚到"]


async def test_stall_after_delivers_but_the_client_cannot_know(api: LocalBotApi, bot: Bot) -> None:
    api.stall(600, methods={"sendMessage"}, when="after", times=1)

    with pytest.raises(TimedOut):
        await bot.send_message(1001, "已送达", read_timeout=0.2)

    assert api.was_delivered(1001, "已送达")
    assert api.calls[-1].ok
    assert (await bot.send_message(1001, "第二条")).message_id == 2  # the stall was used up
    api.end_stalls()


async def test_stalls_end_after_their_seconds(api: LocalBotApi, bot: Bot) -> None:
    api.stall(0.2, when="after", times=1)
    loop = asyncio.get_running_loop()
    started = loop.time()

    sent = await bot.send_message(1001, "稍等")

    assert loop.time() - started >= 0.2
    assert sent.text == "稍等"


async def test_latency_delays_each_call_without_serialising_them(
    api: LocalBotApi, bot: Bot
) -> None:
    api.latency(0.5)
    loop = asyncio.get_running_loop()
    started = loop.time()

    await asyncio.gather(*(bot.get_me() for _ in range(10)))

    elapsed = loop.time() - started
    assert 0.5 <= elapsed < 2.5  # one after another it would take 5 s
    api.latency(0)


async def test_latency_for_named_methods(api: LocalBotApi) -> None:
    api.latency(0.3, methods={"sendMessage"})
    loop = asyncio.get_running_loop()
    url = f"{api.base_url}{api.token}"

    async with aiohttp.ClientSession() as http:
        started = loop.time()
        async with http.post(f"{url}/getMe") as response:
            assert response.status == 200
        quick = loop.time() - started
        started = loop.time()
        async with http.post(f"{url}/sendMessage", json={"chat_id": 1, "text": "x"}) as response:
            assert response.status == 200
        slow = loop.time() - started

    assert slow >= 0.3
    assert quick < slow
