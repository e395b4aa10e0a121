"""Yes/no questions before an action (handlers.kit.confirm: /deleteme, /leave, /myreports'
撤回, /promote and /demote) are answered once: the first answer takes the buttons off, and a
later press — ✅ after ❌, a quick second ✅, a press after a restart or a day later — is told
so and changes nothing. Typed text while a question waits is an ordinary question.

/deleteme's question names what the person has (a resident hears nothing of volunteer records)
and warns of a message to staff not answered yet; its result counts the messages to staff."""

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from content.loader import Library
from content.search import SearchIndex
from local_api import FakeUser, SentMessage
from tests.e2e.conftest import Harness, RestartableBot
from tests.e2e.ticket_steps import desks_server, leave_message
from tests.e2e.volunteer_steps import answer_question, invite, press, register, report_to_card

RESIDENT = 8_700_001
VOLUNTEER = 8_700_002
WAGES = "老板拖欠工资怎么办"


@pytest.fixture
async def server(
    tmp_path: Path, library: Library, index: SearchIndex
) -> AsyncIterator[RestartableBot]:
    async with desks_server(tmp_path, library, index) as bot:
        yield bot


def harness(server: RestartableBot) -> Harness:
    assert server.harness is not None
    return server.harness


async def late_press(bot: Harness, user: FakeUser, question: SentMessage, label: str) -> None:
    """A press of the question's button as it was sent: refused, and nothing else happens."""
    before = len(bot.api.messages_to(user.id))
    pressed = await bot.press(user, question, question.find_button(label)["callback_data"])
    assert pressed["text"] == bot.ui.volunteers.confirm_answered and pressed["show_alert"]
    await bot.settle()
    assert [m.action for m in bot.api.messages_to(user.id)[before:]] in ([], ["edit"])


async def deleted_line(bot: Harness, user: FakeUser) -> str:
    """/deleteme → ✅: the result line."""
    question = await bot.ask(user, "/deleteme")
    return (
        await answer_question(bot, user, question, bot.ui.volunteers.confirm_yes)
    ).source_text or ""


async def test_deleteme_answered_no_then_yes_erases_nothing(server: RestartableBot) -> None:
    bot = harness(server)
    user = bot.api.user(RESIDENT, "王五")
    await bot.ask(user, WAGES)
    question = await bot.ask(user, "/deleteme")
    kept = await answer_question(bot, user, question, bot.ui.volunteers.confirm_no)
    assert kept.source_text == bot.ui.volunteers.kept
    await late_press(bot, user, question, bot.ui.volunteers.confirm_yes)
    await late_press(bot, user, question, bot.ui.volunteers.confirm_no)
    assert "1 条提问记录" in await deleted_line(bot, user)  # the question was still there


async def test_a_quick_second_yes_erases_once(server: RestartableBot) -> None:
    bot = harness(server)
    user = bot.api.user(RESIDENT, "王五")
    await bot.ask(user, WAGES)
    question = await bot.ask(user, "/deleteme")
    yes = question.find_button(bot.ui.volunteers.confirm_yes)["callback_data"]
    first, second = bot.api.press(user, question, yes), bot.api.press(user, question, yes)
    answers = [await bot.api.wait_for_answer(first), await bot.api.wait_for_answer(second)]
    assert answers[1]["text"] == bot.ui.volunteers.confirm_answered
    await bot.settle()
    done = [m for m in bot.sent_to(user.id) if (m.text or "").startswith("已删除")]
    assert len(done) == 1, [m.describe() for m in bot.sent_to(user.id)]


async def test_an_answer_survives_a_restart_and_so_does_a_question(
    server: RestartableBot,
) -> None:
    bot = harness(server)
    user = bot.api.user(RESIDENT, "王五")
    await bot.ask(user, WAGES)
    answered = await bot.ask(user, "/deleteme")
    await answer_question(bot, user, answered, bot.ui.volunteers.confirm_no)
    waiting = await bot.ask(user, "/deleteme")
    bot = await server.restart()
    await late_press(bot, user, answered, bot.ui.volunteers.confirm_yes)
    done = await answer_question(bot, user, waiting, bot.ui.volunteers.confirm_yes)
    assert "1 条提问记录" in (done.source_text or "")


async def test_a_question_lapses_after_a_day_and_a_new_one_replaces_it(
    server: RestartableBot,
) -> None:
    bot = harness(server)
    user = bot.api.user(RESIDENT, "王五")
    old = await bot.ask(user, "/deleteme")
    newer = await bot.ask(user, "/deleteme")
    await late_press(bot, user, old, bot.ui.volunteers.confirm_yes)  # asked again since
    bot.clock.advance(timedelta(days=1, minutes=1))
    await late_press(bot, user, newer, bot.ui.volunteers.confirm_yes)


async def test_typed_text_while_a_question_waits_is_a_question(server: RestartableBot) -> None:
    bot = harness(server)
    user, bystander = bot.api.user(RESIDENT, "王五"), bot.api.user(RESIDENT + 1)
    question = await bot.ask(user, "/deleteme")
    assert (await bot.ask(user, WAGES)).content == (await bot.ask(bystander, WAGES)).content
    assert (await bot.ask(user, "/cancel")).source_text == bot.ui.volunteers.nothing_to_cancel
    await answer_question(bot, user, question, bot.ui.volunteers.confirm_no)  # still open


async def test_withdraw_answered_once(server: RestartableBot) -> None:
    bot = harness(server)
    user = bot.api.user(VOLUNTEER, "张三")
    await register(bot, user, await invite(bot, "城关镇"))
    card = await report_to_card(bot, user)
    await press(bot, user, card, "提交", 2)
    mine = await bot.ask(user, "/myreports")
    [question] = await press(bot, user, mine, "撤回 #1")
    kept = await answer_question(bot, user, question, bot.ui.volunteers.confirm_no)
    assert kept.source_text == bot.ui.volunteers.kept
    await late_press(bot, user, question, bot.ui.volunteers.confirm_yes)
    assert "（已撤回）" not in (await bot.ask(user, "/myreports")).content
    [question] = await press(bot, user, mine, "撤回 #1")
    yes = question.find_button(bot.ui.volunteers.confirm_yes)["callback_data"]
    first, second = bot.api.press(user, question, yes), bot.api.press(user, question, yes)
    await bot.api.wait_for_answer(first)
    assert (await bot.api.wait_for_answer(second))["text"] == bot.ui.volunteers.confirm_answered
    await bot.settle()
    assert [m.text for m in bot.sent_to(user.id)].count("报告 #1 已撤回。") == 1
    assert "（已撤回）" in (await bot.ask(user, "/myreports")).content


async def test_deleteme_names_a_residents_questions_and_messages_and_warns_of_a_waiting_one(
    server: RestartableBot,
) -> None:
    bot = harness(server)
    texts, user = bot.ui.volunteers, bot.api.user(RESIDENT, "王五")
    await bot.ask(user, WAGES)
    await leave_message(bot, user, "公司拖欠我三个月工资，怎么办？")
    question = await bot.ask(user, "/deleteme")
    items = [
        texts.deleteme_questions.format(count=1),
        texts.deleteme_tickets.format(count=1),
        texts.deleteme_rest,
        texts.deleteme_waiting.format(count=1),
    ]
    assert question.source_text == texts.deleteme_confirm.format(items="\n".join(items))
    assert "志愿者" not in question.content and "活动报告" not in question.content
    done = await answer_question(bot, user, question, texts.confirm_yes)
    counted = f"{texts.deleted_questions.format(count=1)}、{texts.deleted_tickets.format(count=1)}"
    assert done.source_text == texts.deleted.format(items=counted)
    nothing = await bot.ask(user, "/deleteme")  # nothing left but the general line
    assert nothing.source_text == texts.deleteme_confirm.format(items=texts.deleteme_rest)


async def test_deleteme_names_a_volunteers_profile_and_reports(server: RestartableBot) -> None:
    bot = harness(server)
    texts, user = bot.ui.volunteers, bot.api.user(VOLUNTEER, "张三")
    await register(bot, user, await invite(bot, "城关镇"))
    await press(bot, user, await report_to_card(bot, user), "提交", 2)
    question = await bot.ask(user, "/deleteme")
    items = [texts.deleteme_profile, texts.deleteme_reports.format(count=1), texts.deleteme_rest]
    assert question.source_text == texts.deleteme_confirm.format(items="\n".join(items))
    done = await answer_question(bot, user, question, texts.confirm_yes)
    volunteer = f"{texts.deleted_volunteer}{texts.deleted_reports.format(count=1)}"
    assert done.source_text == f"{texts.deleted_rest}\n{volunteer}"  # no "0 条"
    assert "0 条" not in done.content
