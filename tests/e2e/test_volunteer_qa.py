"""A QA pass over volunteers' engagement features as they are used on a phone: a double tap
on a group round's start, a round moved on after its contest closed, and a /myreports list
after /leave."""

from datetime import timedelta
from pathlib import Path

from sqlmodel import select

from content.loader import Library
from content.search import SearchIndex
from storage.models import QuizContest, QuizRound, Volunteer
from tests.e2e.conftest import Harness, restartable_bot
from tests.e2e.contest_steps import open_contest
from tests.e2e.volunteer_steps import answer_question, invite, register
from tests.quizzing import option_data, shown
from tests.reporting import add_report

LEADER, MEMBER = 9701, 9702
GROUP = -100_970
CENTRE = "示例县城关镇"
START = "▶️ 在本群开始"


async def open_contest_with_leader(bot: Harness) -> QuizContest:
    """A contest of three single-choice questions, open now for an hour, and a volunteer."""
    async with bot.services.db.session() as session:
        session.add(Volunteer(telegram_id=LEADER, name="李志愿", town=CENTRE))
        await session.commit()
    return await open_contest(bot, 3, hours=1)


async def test_a_double_tap_on_start_opens_one_round_in_the_group(
    tmp_path: Path, library: Library, index: SearchIndex
) -> None:
    """▶️ 在本群开始 pressed twice (a double tap, or the list pressed again mid-round) posted
    the first question twice, as two rounds: members answering one could not answer the
    other. The round under way is said instead; once it is over a new one may start."""
    async with restartable_bot(tmp_path, library, index, user_rate_per_minute=10_000) as server:
        bot = server.harness
        assert bot is not None
        ui = bot.ui.quiz
        await open_contest_with_leader(bot)
        group = bot.api.group(GROUP)
        leader = bot.api.user(LEADER, "李")
        start = await bot.ask(leader, "/contest", chat=group)
        data = start.find_button(START)["callback_data"]
        first = await bot.tap(leader, start, START)
        assert (await bot.press(leader, start, data))["text"] == ui.round_running
        await bot.settle()
        questions = [m for m in bot.sent_to(GROUP) if m.buttons() and m is not start]
        assert [q.message_id for q in questions] == [first.message_id]
        async with bot.services.db.session() as session:
            assert len((await session.exec(select(QuizRound))).all()) == 1

        # The round played to its end: a new one may start.
        question = first
        for label in (ui.next_button, ui.next_button, ui.finish_button):
            bot.api.press_button(leader, question, label)
            _, question = await bot.api.wait_for_messages(GROUP, 2)
        again = await bot.tap(leader, start, START)
        assert "1/3" in again.content and again.buttons()


async def test_a_round_moved_on_after_the_close_ends_with_its_scores(
    tmp_path: Path, library: Library, index: SearchIndex
) -> None:
    """The contest closed while the group was on its first question: ⏭ 下一题 posted the
    second question, which nobody could answer any more. Now the round ends there, with
    its scores and the reason."""
    async with restartable_bot(tmp_path, library, index, user_rate_per_minute=10_000) as server:
        bot = server.harness
        assert bot is not None
        ui = bot.ui.quiz
        await open_contest_with_leader(bot)
        group = bot.api.group(GROUP)
        leader, member = bot.api.user(LEADER, "李"), bot.api.user(MEMBER, "阿强")
        start = await bot.ask(leader, "/contest", chat=group)
        question = await bot.tap(leader, start, START)
        right = shown(library, question).answer[0]
        assert (await bot.press(member, question, option_data(question, right)))[
            "text"
        ] == ui.recorded_right
        server.clock.advance(timedelta(hours=2))
        bot.api.press_button(leader, question, ui.next_button)
        closed, scores = await bot.api.wait_for_messages(GROUP, 2)
        assert closed.action == "edit" and "1 人作答" in closed.content
        assert closed.buttons() == []
        assert scores.action == "send" and "第 2/3 题" not in scores.content
        assert scores.content.startswith(ui.round_closed_early)
        assert "阿强 1 分" in scores.content
        async with bot.services.db.session() as session:
            [round_] = (await session.exec(select(QuizRound))).all()
        assert round_.finished_at is not None


async def test_a_record_after_leave_offers_no_correction_it_cannot_finish(
    bot_with_admins: Harness,
) -> None:
    """After /leave, /myreports still listed 修改 / 撤回 / 二维码: 修改 led through the report's
    card only to be refused at 提交, and 二维码 said the report was not theirs. Now the
    record is shown to read, saying why; an older list's buttons say they left."""
    bot = bot_with_admins
    texts = bot.ui.volunteers
    user = bot.api.user(9703)
    await register(bot, user, await invite(bot, "城关镇"), name="王五")
    await add_report(bot.services.db, user.id, activity_date=bot.services.today(), hours=3.0)
    before = await bot.ask(user, "/myreports")
    assert len(before.button_labels()) == 3
    confirm = await bot.ask(user, "/leave")
    await answer_question(bot, user, confirm, texts.confirm_yes)

    after = await bot.ask(user, "/myreports")
    assert "#1" in after.content and "3 小时" in after.content
    assert after.buttons() == []
    assert texts.edit_hint.format(days=7) not in after.content
    assert texts.left_record in after.content
    for label in before.button_labels():
        answer = await bot.press(user, before, before.find_button(label)["callback_data"])
        assert answer["text"] == texts.not_volunteer, label
    await bot.settle()
    assert await bot.services.chats.open(user.id) == []
