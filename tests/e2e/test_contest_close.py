"""A contest's close cuts off the attempts still running: their question loses its buttons,
and a press made anyway (before that, or from a client that kept them) says the contest has
ended and what the person scored."""

from datetime import timedelta

from sqlmodel import select

from handlers.quiz.contests import announce_closed
from storage.audience import Audience
from storage.models import Broadcast, BroadcastStatus
from tests.e2e.conftest import ADMIN_ID, Harness
from tests.e2e.contest_steps import answer, join, open_contest
from tests.e2e.volunteer_steps import erase
from tests.quizzing import option_data
from tests.waiting import eventually

AMING, XIAOHONG = 8701, 8702


async def test_the_close_drops_the_buttons_of_a_question_still_open(
    bot_with_admins: Harness,
) -> None:
    bot, ui = bot_with_admins, bot_with_admins.ui.quiz
    contest = await open_contest(bot, 3, hours=1)
    aming, xiaohong = bot.api.user(AMING, "阿明"), bot.api.user(XIAOHONG, "小红")
    _, first = await join(bot, aming)
    _, second = await answer(bot, aming, first, right=True)
    _, other = await join(bot, xiaohong)
    assert second.buttons() and other.buttons()

    bot.clock.advance(timedelta(hours=2))
    # Pressed before the close was handled: said so, with the score, and the buttons go.
    late = await bot.press(xiaohong, other, option_data(other, 0))
    ended = ui.contest_ended_score.format(title=contest.title, score=0, total=3)
    assert late["text"] == ended and late["show_alert"], late
    await bot.api.wait_until(lambda: bot.as_now(other).buttons() == [])
    assert bot.as_now(other).content == other.content

    await announce_closed(bot.app.bot, bot.services)
    await bot.api.wait_until(lambda: bot.as_now(second).buttons() == [])
    assert bot.as_now(second).content == second.content  # the question stays to read
    replayed = await bot.press(aming, second, option_data(second, 0))
    assert replayed["text"] == ui.contest_ended_score.format(title=contest.title, score=1, total=3)


async def test_the_close_of_a_contest_whose_coordinator_left_reports_to_nobody(
    bot_with_admins: Harness,
) -> None:
    """Its coordinator erased by /deleteme: the leaderboard still goes out, and the summary
    of its sending goes to no chat 0 (as a calendar reminder's, to the admins if it
    mattered)."""
    bot = bot_with_admins
    await open_contest(bot, 3, hours=1)
    aming = bot.api.user(AMING, "阿明")
    _, first = await join(bot, aming)
    await answer(bot, aming, first, right=True)
    await erase(bot, ADMIN_ID)
    bot.clock.advance(timedelta(hours=2))
    await announce_closed(bot.app.bot, bot.services)
    await bot.api.wait_until(lambda: any("结果揭晓" in m.content for m in bot.sent_to(AMING)))

    async def sent() -> bool:
        async with bot.services.db.session() as session:
            found = select(Broadcast).where(Broadcast.audience == Audience.CONTEST.value)
            [board] = (await session.exec(found)).all()
        return board.status == BroadcastStatus.DONE.value

    await eventually(sent)
    await bot.settle()
    assert [c for c in bot.api.calls if c.params.get("chat_id") in (0, "0")] == []
