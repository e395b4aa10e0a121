"""A contest's close cuts off the attempts still running: their question loses its buttons,
and a press made anyway (before that, or from a client that kept them) says the contest has
ended and what the person scored."""

from datetime import timedelta

from handlers.quiz.contests import announce_closed
from tests.e2e.conftest import Harness
from tests.e2e.contest_steps import answer, join, open_contest
from tests.quizzing import option_data

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
