"""/quiz end to end: five questions, an explanation and the card after each, multiple choice
ticked then submitted, the score; a replayed or someone else's press changes nothing; /cancel
(or a new /quiz) ends a quiz, whose buttons then say so."""

import logging
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import col, select

from content.loader import Library
from content.search import SearchIndex
from domain.quiz import join_ids
from local_api import FakeUser, SentMessage
from storage.models import QuizAttempt
from tests.e2e.conftest import Harness, bot_factory, running_bot
from tests.quizzing import option_data, shown, wrong_option

RESIDENT, OTHER = 8301, 8302
GROUP = -100_830


async def answer(
    bot: Harness, user: FakeUser, message: SentMessage, options: list[int]
) -> list[SentMessage]:
    """Presses the options (and 提交 for a multiple choice); returns what followed."""
    library = bot.services.library
    question = shown(library, message)
    if question.kind == "single":
        bot.api.press(user, message, option_data(message, options[0]))
    else:
        for index in options:
            bot.api.press(user, message, option_data(message, index))
            [ticked] = await bot.api.wait_for_messages(message.chat_id)
            assert ticked.action == "edit" and "☑" in str(ticked.reply_markup)
        bot.api.press_button(user, message, bot.ui.quiz.submit_button)
    return await bot.api.wait_for_messages(message.chat_id, 2)


async def use_questions(bot: Harness, user_id: int, ids: list[str]) -> None:
    """Arranges which questions come after the first (the draw is random)."""
    async with bot.services.db.session() as session:
        row = (
            await session.exec(select(QuizAttempt).where(col(QuizAttempt.telegram_id) == user_id))
        ).one()
        first = row.question_ids.split(",")[0]
        row.question_ids = join_ids([first, *[i for i in ids if i != first][:4]])
        session.add(row)


async def test_five_questions_with_explanations_cards_and_the_score(
    tmp_path: Path, library: Library, index: SearchIndex
) -> None:
    multiple = [q.id for q in library.quiz if q.kind == "multiple"][:2]
    single = [q.id for q in library.quiz if q.kind == "single"][:3]
    async with running_bot(tmp_path, bot_factory(library, index)) as bot:
        user = bot.api.user(RESIDENT, "小李")
        first = await bot.ask(user, "/quiz")
        assert "第 1/5 题" in first.content
        await use_questions(bot, RESIDENT, [*multiple, *single])
        question, current, right = shown(library, first), first, 0
        for n in range(1, 6):
            question = shown(library, current)
            choice = question.answer if n != 3 else [wrong_option(question)]
            edited, following = await answer(bot, user, current, choice)
            assert edited.action == "edit" and edited.message_id == current.message_id
            assert question.explanation in edited.content
            card = library.cards[question.card]
            assert edited.button_labels() == [bot.ui.quiz.card_button.format(title=card.title)]
            right += n != 3
            if n < 5:
                assert f"第 {n + 1}/5 题" in following.content
                current = following
        assert "☐" in str(first.reply_markup) or shown(library, first).kind == "single"
        assert f"{right}/5" in following.content
        # The card button opens the card; a replayed answer changes nothing.
        card_page = await bot.tap(user, edited, edited.button_labels()[0])
        assert card.title in card_page.content
        reply = await bot.press(user, first, option_data(first, 0))
        assert reply["text"] == bot.ui.quiz.already_answered


async def test_cancel_ends_a_practice_quiz_and_so_does_a_new_one(
    tmp_path: Path, library: Library, index: SearchIndex
) -> None:
    async with running_bot(tmp_path, bot_factory(library, index)) as bot:
        user, ui = bot.api.user(RESIDENT, "小李"), bot.ui
        first = await bot.ask(user, "/quiz")
        assert (await bot.ask(user, "/cancel")).source_text == ui.quiz.cancelled_practice
        assert (await bot.press(user, first, option_data(first, 0)))["text"] == ui.quiz.ended
        assert (await bot.ask(user, "/cancel")).source_text == ui.volunteers.nothing_to_cancel
        old = await bot.ask(user, "/quiz")
        new = await bot.ask(user, "/quiz")
        assert (await bot.press(user, old, option_data(old, 0)))["text"] == ui.quiz.ended
        if shown(library, new).kind == "single":
            bot.api.press(user, new, option_data(new, 0))
            edited, _next = await bot.api.wait_for_messages(user.id, 2)
            assert shown(library, new).explanation in edited.content  # the new one goes on


async def test_in_a_group_only_the_one_who_asked_answers(
    tmp_path: Path, library: Library, index: SearchIndex
) -> None:
    async with running_bot(tmp_path, bot_factory(library, index)) as bot:
        group = bot.api.group(GROUP)
        owner, other = bot.api.user(RESIDENT, "小李"), bot.api.user(OTHER, "小王")
        question_message = await bot.ask(owner, "/quiz", chat=group)
        reply = await bot.press(other, question_message, option_data(question_message, 0))
        assert reply["text"] == bot.ui.quiz.not_yours
        forged = option_data(question_message, 0).replace(":a:", ":a:9")
        assert (await bot.press(owner, question_message, forged))["text"] == bot.ui.stale_button
        question = shown(library, question_message)
        if question.kind == "single":
            bot.api.press(owner, question_message, option_data(question_message, 0))
            edited, _ = await bot.api.wait_for_messages(GROUP, 2)
            assert question.explanation in edited.content


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.builds(
        lambda kind, action, tail: f"1:{kind}:{action}{tail}",
        st.sampled_from(["q", "qc"]),
        st.sampled_from(["a", "s", "j", "g", "r", "n", "x", "new", "ok", "camp", ""]),
        st.text("0123456789abcdefxlsv:", max_size=40),
    )
)
async def test_any_quiz_button_press_is_answered_without_errors(
    bot: Harness, caplog: pytest.LogCaptureFixture, data: str
) -> None:
    """Forged or stale quiz and contest buttons: a polite answer, never an error."""
    owner = bot.api.user(8399, "小周")
    if not bot.api.messages_to(owner.id):
        await bot.ask(owner, "/quiz")
    message = bot.api.messages_to(owner.id)[0]
    update = bot.api.press(owner, message, data)
    answer = await bot.api.wait_for_answer(update)
    await bot.settle()
    assert answer["text"], data
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


async def test_no_right_answers_end_without_a_celebration(
    tmp_path: Path, library: Library, index: SearchIndex
) -> None:
    """Five wrong answers: the end says so kindly, without 🎉 (kept for a score above 0)."""
    single = [q.id for q in library.quiz if q.kind == "single"][:5]
    async with running_bot(tmp_path, bot_factory(library, index)) as bot:
        user = bot.api.user(RESIDENT, "小李")
        current = await bot.ask(user, "/quiz")
        await use_questions(bot, RESIDENT, single)
        for _ in range(5):
            question = shown(library, current)
            _edited, current = await answer(bot, user, current, [wrong_option(question)])
        assert current.source_text == bot.ui.quiz.practice_done_none.format(score=0, total=5)
        assert "🎉" not in current.content and "0/5" in current.content
