"""One person answering: a practice /quiz (5 questions, no clock) or their one attempt at a
contest (the server's clock decides: an answer after the question's seconds scores 0)."""

import random
import secrets
from datetime import timedelta

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ParseMode

from domain.quiz import PRACTICE_QUESTIONS, draw, join_ids, mark, picked, split_ids, toggle
from handlers.kit import callbacks
from handlers.kit.context import PufaContext
from handlers.kit.replies import acknowledge, edit, reply_html
from handlers.kit.roles import require_private
from handlers.quiz.buttons import TOKEN_LENGTH, QuizButton, press
from handlers.quiz.render import (
    answer_rows,
    answered_html,
    card_keyboard,
    question_at,
    question_html,
    when,
)
from storage import quiz as repo
from storage.models import QuizAttempt, QuizContest


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
    if user is None or contest_id is None or not await require_private(update, ctx):
        return
    now = services.now()
    async with services.db.session() as session:
        contest = await repo.get_contest(session=session, contest_id=contest_id)
        if contest is None or not contest.opens_at <= now < contest.closes_at:
            await acknowledge(update, ui.contest_not_open, alert=True)
            return
        attempt = _attempt(ctx, user.id, user.id, user.first_name, ids=contest.question_ids)
        attempt.contest_id = contest.id
        attempt.town = await repo.town_of(session=session, chat_id=user.id)
        stored = await repo.start_attempt(session=session, attempt=attempt)
    if stored is None:
        await acknowledge(update, ui.contest_once.format(title=contest.title), alert=True)
        return
    await acknowledge(update)
    questions = len(split_ids(contest.question_ids))
    await reply_html(
        update,
        ui.contest_intro.format(title=contest.title, questions=questions, seconds=contest.seconds),
    )
    await send_question(ctx, attempt, contest)


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


async def send_question(
    ctx: PufaContext, attempt: QuizAttempt, contest: QuizContest | None
) -> None:
    """The attempt's current question, with its buttons."""
    ui = ctx.services.ui.quiz
    question = question_at(ctx.services.library, attempt.question_ids, attempt.position)
    assert question is not None and attempt.id is not None
    total = len(split_ids(attempt.question_ids))
    seconds = contest.seconds if contest else None
    ids = (attempt.id, attempt.position, attempt.token)
    await ctx.bot.send_message(
        attempt.chat_id,
        question_html(ui, question, attempt.position + 1, total, seconds),
        parse_mode=ParseMode.HTML,
        reply_markup=InlineKeyboardMarkup(answer_rows(ui, question, QuizButton.ANSWER, ids)),
    )


async def on_answer(
    update: Update, ctx: PufaContext, args: tuple[str, ...], *, submit: bool
) -> None:
    """An option pressed (a single choice answers; a multiple choice ticks) or 提交."""
    services, user = ctx.services, update.effective_user
    ui = services.ui.quiz
    parsed = press(args)
    if parsed is None or user is None:
        await acknowledge(update, services.ui.stale_button, alert=True)
        return
    attempt_id, position, token, rest = parsed
    async with services.db.session() as session:
        attempt = await repo.get_attempt(session=session, attempt_id=attempt_id)
        contest = None
        if attempt is not None and attempt.contest_id is not None:
            contest = await repo.get_contest(session=session, contest_id=attempt.contest_id)
    if attempt is None or not secrets.compare_digest(attempt.token, token):
        await acknowledge(update, services.ui.stale_button, alert=True)
        return
    if attempt.telegram_id != user.id:
        await acknowledge(update, ui.not_yours, alert=True)
        return
    question = question_at(services.library, attempt.question_ids, position)
    if attempt.finished_at is not None or attempt.position != position or question is None:
        await acknowledge(update, ui.already_answered, alert=True)
        return
    if contest is not None and services.now() >= contest.closes_at:
        await acknowledge(update, ui.contest_closed, alert=True)
        return
    count = len(question.options)
    if submit:
        chosen = picked(attempt.picked, count)
        if not chosen:
            await acknowledge(update, ui.pick_first, alert=True)
            return
    else:
        option = callbacks.index(rest[0], count) if len(rest) == 1 else None
        if option is None:
            await acknowledge(update, services.ui.stale_button, alert=True)
            return
        if question.kind == "multiple":
            await _tick(update, ctx, attempt, toggle(attempt.picked, option, count))
            return
        chosen = [option]
    await _answer(update, ctx, attempt, contest, chosen)


async def _tick(update: Update, ctx: PufaContext, attempt: QuizAttempt, ticks: str) -> None:
    services = ctx.services
    async with services.db.session() as session:
        moved = await repo.set_picked(
            session=session, attempt=attempt, position=attempt.position, picked=ticks
        )
    if not moved:
        await acknowledge(update, services.ui.quiz.already_answered, alert=True)
        return
    await acknowledge(update)
    question = question_at(services.library, attempt.question_ids, attempt.position)
    assert question is not None and attempt.id is not None and update.callback_query
    ids = (attempt.id, attempt.position, attempt.token)
    rows = answer_rows(services.ui.quiz, question, QuizButton.ANSWER, ids, ticks)
    await update.callback_query.edit_message_reply_markup(InlineKeyboardMarkup(rows))


async def _answer(
    update: Update,
    ctx: PufaContext,
    attempt: QuizAttempt,
    contest: QuizContest | None,
    chosen: list[int],
) -> None:
    services = ctx.services
    ui, now, position = services.ui.quiz, services.now(), attempt.position
    question = question_at(services.library, attempt.question_ids, position)
    assert question is not None
    limit = timedelta(seconds=contest.seconds) if contest else None
    marked = mark(question, chosen, asked_at=attempt.asked_at or now, now=now, limit=limit)
    total = len(split_ids(attempt.question_ids))
    last = position + 1 >= total
    given = repo.Given(
        question.id, ",".join(map(str, chosen)), marked.correct, marked.points, marked.elapsed_ms
    )
    async with services.db.session() as session:
        recorded = await repo.record_answer(
            session=session, attempt=attempt, position=position, given=given, now=now, last=last
        )
        fresh = await repo.get_attempt(session=session, attempt_id=attempt.id or 0)
    if not recorded or fresh is None:
        await acknowledge(update, ui.already_answered, alert=True)
        return
    await acknowledge(update)
    text = answered_html(
        ui,
        question,
        position + 1,
        total,
        chosen=chosen,
        correct=marked.correct,
        late_seconds=contest.seconds if contest and marked.late else None,
    )
    await edit(update, text, card_keyboard(services.library, question))
    if not last:
        await send_question(ctx, fresh, contest)
    elif contest is None:
        await reply_html(update, ui.practice_done.format(score=fresh.score, total=total))
    else:
        await reply_html(
            update,
            ui.contest_done.format(
                title=contest.title,
                score=fresh.score,
                total=total,
                seconds=f"{fresh.total_ms / 1000:.1f}",
                close=when(contest.closes_at, services.tz),
            ),
        )
