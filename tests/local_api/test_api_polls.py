"""Native polls and quizzes: sendPoll and stopPoll through PTB, votes as poll updates."""

from __future__ import annotations

import asyncio
import datetime as dtm
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from telegram import Bot, Message, Update
from telegram.error import BadRequest
from telegram.ext import Application, ContextTypes, PollAnswerHandler, PollHandler

from local_api import LocalBotApi, ManualClock

StartApp = Callable[..., Awaitable[Application]]
OPTIONS = ["可以", "不可以", "要看合同"]


async def quiz(bot: Bot, chat_id: int = 1001, **kwargs: Any) -> Message:
    return await bot.send_poll(
        chat_id,
        "试用期可以不交社保吗？",
        OPTIONS,
        type="quiz",
        correct_option_ids=[1],
        explanation="试用期包含在劳动合同期限内，用人单位应当缴纳社保。",
        is_anonymous=False,
        **kwargs,
    )


async def test_send_poll_returns_a_poll_message(api: LocalBotApi, bot: Bot) -> None:
    sent = await bot.send_poll(-100500, "本周普法讲座选哪天？", ["周六", "周日"])

    poll = sent.poll
    assert poll is not None
    assert [option.text for option in poll.options] == ["周六", "周日"]
    assert [option.persistent_id for option in poll.options] == ["0", "1"]
    assert (poll.type, poll.is_anonymous, poll.is_closed) == ("regular", True, False)
    assert poll.allows_revoting
    assert not poll.allows_multiple_answers
    entry = api.last_message(-100500)
    assert (entry.kind, entry.method) == ("poll", "sendPoll")


async def test_quiz_carries_its_answer_explanation_and_period(
    api: LocalBotApi, bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # PTB 22 warns on int open_period otherwise

    sent = await quiz(bot, open_period=60)

    poll = sent.poll
    assert poll is not None
    assert poll.type == "quiz"
    assert poll.correct_option_ids == (1,)
    assert poll.explanation is not None
    assert poll.explanation.startswith("试用期包含")
    assert poll.open_period == dtm.timedelta(seconds=60)
    assert poll.close_date is not None
    assert not poll.allows_revoting


async def test_the_older_single_correct_option_id_is_accepted(api: LocalBotApi) -> None:
    body = {
        "chat_id": 1001,
        "question": "对吗？",
        "options": ["对", "错"],
        "type": "quiz",
        "correct_option_id": 0,
    }
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{api.base_url}{api.token}/sendPoll", json=body) as response,
    ):
        answer = await response.json()

    assert answer["result"]["poll"]["correct_option_ids"] == [0]


@pytest.mark.parametrize(
    ("question", "options", "extra", "reason"),
    [
        ("  ", OPTIONS, {}, "text must be non-empty"),
        ("问" * 301, OPTIONS, {}, "poll question length must not exceed 300"),
        ("问题", [], {}, "poll must have at least one answer option"),
        ("问题", [f"选项{n}" for n in range(13)], {}, "poll can't have more than 12 options"),
        ("问题", ["好", "\n"], {}, "text must be non-empty"),
        ("问题", ["好", "长" * 101], {}, "poll options length must not exceed 100"),
        ("问题", OPTIONS, {"type": "quiz", "correct_option_ids": [3]}, "wrong correct option ID"),
        ("问题", OPTIONS, {"type": "quiz"}, "wrong correct option ID"),
        (
            "问题",
            OPTIONS,
            {"type": "quiz", "correct_option_ids": [0], "explanation": "解" * 201},
            "explanation is too long",
        ),
        ("问题", OPTIONS, {"type": "survey"}, "unsupported poll type"),
    ],
)
async def test_invalid_polls_are_refused_like_telegram(
    api: LocalBotApi,
    bot: Bot,
    question: str,
    options: list[str],
    extra: dict[str, Any],
    reason: str,
) -> None:
    with pytest.raises(BadRequest, match=f"(?i){reason}"):
        await bot.send_poll(1001, question, options, **extra)

    assert api.messages_to(1001) == []
    assert api.state.polls == {}


async def test_votes_reach_the_bot_as_poll_answer_and_poll_updates(
    api: LocalBotApi, bot: Bot, start_app: StartApp
) -> None:
    seen: list[tuple[int, ...]] = []

    async def on_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        answer = update.poll_answer
        assert answer is not None
        assert answer.user is not None
        await context.bot.send_message(answer.user.id, f"你选了 {list(answer.option_ids)}")

    async def on_poll(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.poll is not None
        seen.append(tuple(option.voter_count for option in update.poll.options))

    sent = await quiz(bot)
    await start_app(PollAnswerHandler(on_answer), PollHandler(on_poll))
    user = api.user(1001, "李四")

    queued = api.answer_poll(user, sent, [2])
    [reply] = await api.wait_for_messages(user.id)

    assert [next(key for key in u if key != "update_id") for u in queued] == [
        "poll_answer",
        "poll",
    ]
    assert reply.text == "你选了 [2]"
    await api.wait_until(lambda: seen == [(0, 0, 1)], "the poll update")
    assert queued[0]["poll_answer"]["option_persistent_ids"] == ["2"]


async def test_anonymous_votes_only_change_the_counts(api: LocalBotApi, bot: Bot) -> None:
    sent = await bot.send_poll(
        -100500, "讲座时间？", ["上午", "下午"], allows_multiple_answers=True
    )

    api.answer_poll(1001, sent, [0, 1], chat=-100500)
    api.answer_poll(1002, sent, [1], chat=-100500)
    updates = await bot.get_updates()

    assert all(update.poll is not None for update in updates)
    last = updates[-1].poll
    assert last is not None
    assert [option.voter_count for option in last.options] == [1, 2]
    assert last.total_voter_count == 2


async def test_vote_rules(api: LocalBotApi, bot: Bot) -> None:
    regular = await bot.send_poll(1001, "去吗？", ["去", "不去"], is_anonymous=False)
    quizzed = await quiz(bot)

    api.answer_poll(1001, regular, [0])
    api.answer_poll(1001, regular, [1])  # regular polls allow changing the answer
    api.answer_poll(1001, regular, [])  # ... and retracting it
    with pytest.raises(ValueError, match="one answer only"):
        api.answer_poll(1001, regular, [0, 1])
    with pytest.raises(ValueError, match=r"in 0\.\.1"):
        api.answer_poll(1001, regular, [2])
    api.answer_poll(1001, quizzed, [1])
    with pytest.raises(ValueError, match="does not allow changing"):
        api.answer_poll(1001, quizzed, [0])
    with pytest.raises(ValueError, match="has no poll"):
        api.answer_poll(1001, (await bot.send_message(1001, "文字")).message_id, [0])


async def test_stop_poll_closes_it_with_the_final_counts(api: LocalBotApi, bot: Bot) -> None:
    sent = await bot.send_poll(-100500, "满意吗？", ["满意", "一般"])
    api.answer_poll(1001, sent, [0], chat=-100500)

    stopped = await bot.stop_poll(-100500, sent.message_id)

    assert stopped.is_closed
    assert [option.voter_count for option in stopped.options] == [1, 0]
    entry = api.last_message(-100500)
    assert (entry.action, entry.method, entry.message["poll"]["is_closed"]) == (
        "edit",
        "stopPoll",
        True,
    )
    updates = await bot.get_updates()
    assert updates[-1].poll is not None
    assert updates[-1].poll.is_closed
    with pytest.raises(ValueError, match="closed"):
        api.answer_poll(1001, sent, [1], chat=-100500)


async def test_stop_poll_errors(bot: Bot) -> None:
    sent = await bot.send_poll(1001, "问题", ["是", "否"])
    text = await bot.send_message(1001, "不是投票")
    await bot.stop_poll(1001, sent.message_id)

    with pytest.raises(BadRequest, match=r"(?i)poll has already been closed"):
        await bot.stop_poll(1001, sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message is not a poll"):
        await bot.stop_poll(1001, text.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message with poll to stop not found"):
        await bot.stop_poll(1001, 99)


@pytest.fixture
async def timed(clock: ManualClock) -> AsyncIterator[LocalBotApi]:
    async with LocalBotApi(clock=clock) as server:
        yield server


async def test_timed_poll_closes_by_the_server_clock(
    timed: LocalBotApi, clock: ManualClock
) -> None:
    async with Bot(timed.token, base_url=timed.base_url) as bot:
        sent = await bot.send_poll(1001, "限时问答", ["甲", "乙"], open_period=30)
        assert sent.poll is not None
        timed.answer_poll(1001, sent, [0])
        [voted] = await bot.get_updates()
        waiting = bot.get_updates(offset=voted.update_id + 1, timeout=30)
        poll = asyncio.create_task(waiting)
        await timed.wait_until_polling()

        clock.advance(29)
        timed.tick()
        assert not timed.state.polls[sent.poll.id].poll["is_closed"]
        clock.advance(1)
        timed.tick()  # wakes the held long poll, which answers with the closed poll
        [closed] = await asyncio.wait_for(poll, timeout=60)

    assert closed.poll is not None
    assert closed.poll.is_closed
    assert closed.poll.options[0].voter_count == 1
    with pytest.raises(ValueError, match="closed"):
        timed.answer_poll(1001, sent, [1])
