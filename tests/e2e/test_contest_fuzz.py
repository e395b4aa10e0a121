"""Forged and stale contest buttons where a contest is running, pressed by people with and
without a role: in a group with a round on, and in a private chat with an attempt on. Always
a short answer to the press, never an error."""

import logging

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from local_api import SentMessage
from storage.models import Volunteer
from tests.e2e.conftest import ADMIN_ID, Harness
from tests.e2e.contest_steps import join, open_contest

GROUP = -100_870
LEADER, MEMBER, PLAYER = 8751, 8752, 8753
PRESSERS = [LEADER, MEMBER, PLAYER, ADMIN_ID]


async def questions(bot: Harness) -> tuple[SentMessage, SentMessage]:
    """(a group round's question, a private attempt's question), the latest of each: set up
    once per bot, and moved on by the presses that happen to be real."""
    if not bot.api.messages_to(GROUP):
        async with bot.services.db.session() as session:
            session.add(Volunteer(telegram_id=LEADER, name="李志愿", town="示例县城关镇"))
        await open_contest(bot, 3)
        leader = bot.api.user(LEADER, "李")
        start = await bot.ask(leader, "/contest", chat=bot.api.group(GROUP))
        await bot.tap(leader, start, "▶️ 在本群开始")
        await join(bot, bot.api.user(PLAYER, "🎉" * 20))
    [*_, round_question] = [m for m in bot.sent_to(GROUP) if "题" in m.content and m.buttons()]
    [*_, own_question] = [m for m in bot.sent_to(PLAYER) if m.buttons()]
    return round_question, own_question


def near(data: str) -> st.SearchStrategy[str]:
    """`data` with one of its parts replaced, dropped or added to."""
    parts = data.split(":")
    part = st.text("0123456789abcdefgjnrsx", max_size=12)
    return st.builds(
        lambda i, new, how: ":".join(
            parts[:i] + ([] if how == "drop" else [new]) + parts[i + (how != "add") :]
        ),
        st.integers(2, len(parts) - 1),
        part,
        st.sampled_from(["replace", "drop", "add"]),
    )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    where=st.sampled_from(["group", "private"]), presser=st.sampled_from(PRESSERS), seed=st.data()
)
async def test_any_contest_press_is_answered_without_errors(
    bot_with_admins: Harness,
    caplog: pytest.LogCaptureFixture,
    where: str,
    presser: int,
    seed: st.DataObject,
) -> None:
    bot = bot_with_admins
    round_question, own_question = await questions(bot)
    message = round_question if where == "group" else own_question
    real = [b["callback_data"] for row in message.buttons() for b in row]
    data = seed.draw(st.sampled_from(real).flatmap(near) | st.sampled_from(real))
    if where == "private":
        presser = PLAYER  # nobody else can press in someone's private chat
    await bot.press(bot.api.user(presser), message, data)  # answered, whatever it was
    await bot.settle()
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
