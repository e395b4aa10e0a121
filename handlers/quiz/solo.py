"""One person answering: a practice /quiz (5 questions, no clock) or their one attempt at a
contest (the server's clock decides: an answer after the question's seconds scores 0)."""

import html
import random
import secrets
from datetime import datetime

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ParseMode

from content.ui import UiTexts
from domain.quiz import (
    PRACTICE_QUESTIONS,
    Answer,
    Refusal,
    Tick,
    draw,
    join_ids,
    judge,
    question_at,
    seconds_text,
    split_ids,
)
from handlers.kit import callbacks
from handlers.kit.context import PufaContext
from handlers.kit.conversation import expired
from handlers.kit.replies import acknowledge, drop_buttons, edit, reply_html
from handlers.kit.roles import require_private
from handlers.quiz.buttons import TOKEN_LENGTH, QuizButton, press
from handlers.quiz.render import (
    answer_rows,
    answered_html,
    card_keyboard,
    question_html,
    when,
)
from storage import quiz as repo
from storage.models import QuizAttempt


async def on_quiz(update: Update, ctx: PufaContext) -> None:
    """/quiz: five questions drawn from the whole bank."""
    user, chat, services = update.effective_user, update.effective_chat, ctx.services
    if user is None or chat is None:
        return
    ids = draw(services.library.quiz, PRACTICE_QUESTIONS, random.Random())
    if not ids:
        await reply_html(update, services.ui.quiz.no_questions)
        return
    attempt = _attempt(ctx, user.id, chat.id, user.first_name, ids=join_ids(ids))
    async with services.db.session() as session:
        await repo.start_attempt(session=session, attempt=attempt)
    await send_question(ctx, attempt, None)


async def on_join(update: Update, ctx: PufaContext, args: tuple[str, ...]) -> None:
    """A contest's 参加 button: the person's one attempt, in their private chat."""
    user, services = update.effective_user, ctx.services
    ui = services.ui.quiz
    contest_id = callbacks.number(args[0]) if args else None
    if user is None or contest_id is None:
        await expired(update, ctx)
        return
    if not await require_private(update, ctx):
        return
    attempt = _attempt(ctx, user.id, user.id, user.first_name, ids="")
    now, stored = attempt.started_at, None
    async with services.db.session() as session:
        contest = await repo.get_contest(session=session, contest_id=contest_id)
        if contest is not None and contest.opens_at <= now < contest.closes_at:
            attempt.contest_id, attempt.question_ids = contest.id, contest.question_ids
            attempt.town = await repo.town_of(session=session, chat_id=user.id)
            stored = await repo.start_attempt(session=session, attempt=attempt)
    if contest is None or stored is None:
        refusal = ui.contest_not_open
        if contest is not None and contest.opens_at <= now < contest.closes_at:
            refusal = ui.contest_once.format(title=contest.title)
        await acknowledge(update, refusal, alert=True)
        return
    await acknowledge(update)
    questions = len(split_ids(contest.question_ids))
    intro = ui.contest_intro.format(
        title=html.escape(contest.title), questions=questions, seconds=contest.seconds
    )
    await reply_html(update, intro)
    await send_question(ctx, stored, contest.seconds)


def _attempt(
    ctx: PufaContext, telegram_id: int, chat_id: int, first_name: str, *, ids: str
) -> QuizAttempt:
    now = ctx.services.now()
    return QuizAttempt(
        telegram_id=telegram_id,
        chat_id=chat_id,
        first_name=first_name[:64],
        token=secrets.token_hex(TOKEN_LENGTH // 2),
        question_ids=ids,
        asked_at=now,
        started_at=now,
    )


async def send_question(ctx: PufaContext, attempt: QuizAttempt, seconds: int | None) -> None:
    """The attempt's current question, with its buttons."""
    ui = ctx.services.ui.quiz
    question = question_at(ctx.services.library.quiz, attempt.question_ids, attempt.position)
    assert question is not None and attempt.id is not None
    total = len(split_ids(attempt.question_ids))
    ids = (attempt.id, attempt.position, attempt.token)
    sent = await ctx.bot.send_message(
        attempt.chat_id,
        question_html(ui, question, attempt.position + 1, total, seconds),
        parse_mode=ParseMode.HTML,
        reply_markup=InlineKeyboardMarkup(
            answer_rows(ui, question, QuizButton.ANSWER, ids, attempt.picked)
        ),
    )
    async with ctx.services.db.session() as session:
        await repo.shown_in(
            session=session,
            attempt_id=attempt.id,
            position=attempt.position,
            message_id=sent.message_id,
        )


async def on_answer(
    update: Update, ctx: PufaContext, args: tuple[str, ...], *, submit: bool
) -> None:
    """An option pressed (a single choice answers; a multiple choice ticks) or 提交: one
    read and one conditional write, in one transaction."""
    services, user = ctx.services, update.effective_user
    parsed = press(args)
    option = None if submit else (parsed[3][0] if parsed and len(parsed[3]) == 1 else "")
    if parsed is None or user is None or (submit and parsed[3]):
        await expired(update, ctx)
        return
    attempt_id, position, token, _ = parsed
    now = services.now()
    async with services.db.session() as session:
        state = await repo.press_state(session=session, attempt_id=attempt_id)
        verdict = judge(
            state,
            services.library.quiz,
            user_id=user.id,
            position=position,
            token=token,
            option=option,
            now=now,
        )
        done: bool | repo.Standing | None = None
        if isinstance(verdict, Tick):
            done = await repo.set_picked(
                session=session, attempt_id=attempt_id, position=position, picked=verdict.ticks
            )
        elif isinstance(verdict, Answer):
            done = await repo.record_answer(
                session=session,
                attempt_id=attempt_id,
                position=position,
                given=verdict.given(),
                now=now,
                last=position + 1 >= verdict.total,
            )
    if verdict is Refusal.CLOSED:
        assert state is not None  # judge calls a missing attempt stale
        await _closed(update, ctx, state)
        return
    if isinstance(verdict, Refusal) or not done or state is None:
        refusal = verdict if isinstance(verdict, Refusal) else Refusal.ALREADY
        await acknowledge(update, _refusal(services.ui, refusal), alert=True)
        return
    await acknowledge(update)
    if isinstance(verdict, Tick):
        await _show_ticks(update, ctx, state, position, verdict.ticks)
    elif isinstance(done, repo.Standing):
        await _answered(update, ctx, state, position, verdict, done)


async def on_cancel(update: Update, ctx: PufaContext) -> bool:
    """/cancel with no guided chat open ends the person's practice quiz, if one is running
    (a contest's attempt is theirs to finish: it is timed and taken once)."""
    services, user = ctx.services, update.effective_user
    if user is None:
        return False
    async with services.db.session() as session:
        ended = await repo.end_practice(session=session, telegram_id=user.id, now=services.now())
    if ended:
        await reply_html(update, services.ui.quiz.cancelled_practice)
    return ended


def _refusal(ui: UiTexts, refusal: Refusal) -> str:
    return {
        Refusal.STALE: ui.stale_button,
        Refusal.NOT_YOURS: ui.quiz.not_yours,
        Refusal.ALREADY: ui.quiz.already_answered,
        Refusal.ENDED: ui.quiz.ended,
        Refusal.PICK_FIRST: ui.quiz.pick_first,
    }[refusal]


async def _closed(update: Update, ctx: PufaContext, state: repo.Press) -> None:
    """A press on one's question after the contest closed (before the close took its
    buttons off, or from a client that kept them): the score it ended with, and the buttons
    go."""
    text = ctx.services.ui.quiz.contest_ended_score.format(
        title=state.title or "", score=state.score, total=len(split_ids(state.question_ids))
    )
    await acknowledge(update, text, alert=True)
    await drop_buttons(update)


async def _show_ticks(
    update: Update, ctx: PufaContext, state: repo.Press, position: int, ticks: str
) -> None:
    question = question_at(ctx.services.library.quiz, state.question_ids, position)
    assert question is not None and update.callback_query is not None
    ids = (state.attempt_id, position, state.token)
    rows = answer_rows(ctx.services.ui.quiz, question, QuizButton.ANSWER, ids, ticks)
    await update.callback_query.edit_message_reply_markup(InlineKeyboardMarkup(rows))


async def _answered(
    update: Update,
    ctx: PufaContext,
    state: repo.Press,
    position: int,
    answer: Answer,
    standing: repo.Standing,
) -> None:
    """The question with its verdict and explanation, then the next question or the score."""
    services = ctx.services
    ui, question = services.ui.quiz, answer.question
    late = state.seconds if answer.marked.late else None
    text = answered_html(
        ui,
        question,
        position + 1,
        answer.total,
        chosen=answer.chosen,
        correct=answer.marked.correct,
        late_seconds=late,
    )
    await edit(update, text, card_keyboard(services.library, question))
    if position + 1 < answer.total:
        await send_question(ctx, _next(state, services.now()), state.seconds)
        return
    if state.closes_at is None:
        practice = ui.practice_done if standing.score else ui.practice_done_none
        await reply_html(update, practice.format(score=standing.score, total=answer.total))
        return
    contest = ui.contest_done if standing.score else ui.contest_done_none
    done = contest.format(
        title=html.escape(state.title or ""),
        score=standing.score,
        total=answer.total,
        seconds=seconds_text(standing.total_ms),
        close=when(state.closes_at, services.tz),
    )
    await reply_html(update, done)


def _next(state: repo.Press, now: datetime) -> QuizAttempt:
    """The attempt as it stands after the answer (for showing the next question)."""
    return QuizAttempt(
        id=state.attempt_id,
        telegram_id=state.telegram_id,
        chat_id=state.chat_id,
        token=state.token,
        question_ids=state.question_ids,
        position=state.position + 1,
        asked_at=now,
    )
