"""A contest round in a group chat: a volunteer starts it and moves it on; every member
answers the question shown with their own press (checked against the server's clock, once a
person and question). The group shows first names only, as Telegram shows them; the scores
count for the group's town."""

import html
import secrets
from datetime import timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType, ParseMode

from domain.quiz import mark, person_ranks, question_at, seconds_text, split_ids
from handlers.kit import callbacks
from handlers.kit.context import PufaContext, Services
from handlers.kit.conversation import expired
from handlers.kit.replies import acknowledge, edit
from handlers.kit.roles import role_of
from handlers.quiz.buttons import TOKEN_LENGTH, QuizButton, make, press
from handlers.quiz.render import answer_rows, letters, question_html
from storage import quiz as repo
from storage import quiz_rounds as rounds
from storage.models import QuizAttempt, QuizContest, QuizRound, Role
from storage.quiz_rounds import GroupOutcome

# A round left this long on one question no longer stops a new one starting in its group.
ROUND_IDLE = timedelta(minutes=30)


async def can_lead(services: Services, telegram_id: int) -> bool:
    """Volunteers (and coordinators) run rounds; residents answer."""
    return await role_of(services, telegram_id) is not Role.RESIDENT


async def on_round(update: Update, ctx: PufaContext, args: tuple[str, ...]) -> None:
    """▶️ 在本群开始: a new round of the contest in this group."""
    user, chat, services = update.effective_user, update.effective_chat, ctx.services
    contest_id = callbacks.number(args[0]) if args else None
    if user is None or chat is None or contest_id is None or chat.type == ChatType.PRIVATE:
        await expired(update, ctx)
        return
    if not await can_lead(services, user.id):
        await acknowledge(update, services.ui.volunteers.not_volunteer, alert=True)
        return
    now, round_, running = services.now(), None, None
    async with services.db.session() as session:
        contest = await repo.get_contest(session=session, contest_id=contest_id)
        if contest is not None and contest.opens_at <= now < contest.closes_at:
            # A double tap, or the list pressed again mid-round: one round at a time (a
            # chat's updates are handled in order, so the second press sees the first's).
            running = await rounds.running_round(
                session=session, contest_id=contest_id, chat_id=chat.id, since=now - ROUND_IDLE
            )
            if running is None:
                town = await rounds.group_town(session=session, chat_id=chat.id, leader_id=user.id)
                round_ = await rounds.start_round(
                    session=session,
                    round_=QuizRound(
                        contest_id=contest_id,
                        chat_id=chat.id,
                        town=town,
                        started_by=user.id,
                        token=secrets.token_hex(TOKEN_LENGTH // 2),
                        question_ids=contest.question_ids,
                        asked_at=now,
                    ),
                )
    if running is not None:
        await acknowledge(update, services.ui.quiz.round_running, alert=True)
        return
    if contest is None or round_ is None:
        await acknowledge(update, services.ui.quiz.contest_not_open, alert=True)
        return
    await acknowledge(update)
    await _send_question(ctx, round_, contest)


async def _send_question(ctx: PufaContext, round_: QuizRound, contest: QuizContest) -> None:
    ui = ctx.services.ui.quiz
    question = question_at(ctx.services.library.quiz, round_.question_ids, round_.position)
    assert question is not None and round_.id is not None
    total = len(split_ids(round_.question_ids))
    ids = (round_.id, round_.position, round_.token)
    rows = answer_rows(ui, question, QuizButton.GROUP_ANSWER, ids)
    label = ui.finish_button if round_.position + 1 >= total else ui.next_button
    rows.append([InlineKeyboardButton(label, callback_data=make(QuizButton.NEXT, *ids))])
    text = question_html(ui, question, round_.position + 1, total, contest.seconds)
    await ctx.bot.send_message(
        round_.chat_id,
        f"{text}\n\n<i>{html.escape(ui.group_footer)}</i>",
        parse_mode=ParseMode.HTML,
        reply_markup=InlineKeyboardMarkup(rows),
    )


async def _current(
    update: Update, ctx: PufaContext, args: tuple[str, ...]
) -> tuple[QuizRound, QuizContest, tuple[str, ...]] | None:
    """The round a press is for, if it is still at the pressed question; else None after
    saying why (forged, another round's, an older question's)."""
    services = ctx.services
    parsed = press(args)
    round_ = contest = None
    if parsed is not None:
        async with services.db.session() as session:
            round_ = await rounds.get_round(session=session, round_id=parsed[0])
            if round_ is not None:
                contest = await repo.get_contest(session=session, contest_id=round_.contest_id)
    chat = update.effective_chat
    if (
        parsed is None
        or round_ is None
        or contest is None
        or chat is None
        or round_.chat_id != chat.id
        or not secrets.compare_digest(round_.token, parsed[2])
    ):
        await expired(update, ctx)
        return None
    if round_.finished_at is not None or round_.position != parsed[1]:
        await acknowledge(update, services.ui.quiz.question_over, alert=True)
        return None
    return round_, contest, parsed[3]


async def on_answer(update: Update, ctx: PufaContext, args: tuple[str, ...]) -> None:
    """A member's own answer to the round's question."""
    services, user = ctx.services, update.effective_user
    ui, now = services.ui.quiz, services.now()
    found = await _current(update, ctx, args)
    if found is None or user is None:
        return
    round_, contest, rest = found
    if now >= contest.closes_at:
        await acknowledge(update, ui.contest_closed, alert=True)
        return
    question = question_at(services.library.quiz, round_.question_ids, round_.position)
    option = callbacks.index(rest[0], len(question.options)) if question and rest else None
    if question is None or option is None or len(rest) != 1:
        await expired(update, ctx)
        return
    limit = timedelta(seconds=contest.seconds)
    marked = mark(question, [option], asked_at=round_.asked_at, now=now, limit=limit)
    member = QuizAttempt(
        contest_id=contest.id,
        round_id=round_.id,
        telegram_id=user.id,
        chat_id=round_.chat_id,
        first_name=user.first_name[:64],
        town=round_.town,
        token=round_.token,
        question_ids=round_.question_ids,
        started_at=now,
    )
    given = repo.Given(question.id, str(option), marked.correct, marked.points, marked.elapsed_ms)
    async with services.db.session() as session:
        outcome = await rounds.group_answer(
            session=session, round_=round_, member=member, given=given, now=now
        )
    if outcome is GroupOutcome.TWICE:
        text = ui.group_twice
    elif outcome is GroupOutcome.ELSEWHERE:
        text = ui.group_elsewhere
    elif marked.late:
        text = ui.recorded_late
    else:
        text = ui.recorded_right if marked.correct else ui.recorded_wrong
    await acknowledge(update, text, alert=True)


async def on_next(update: Update, ctx: PufaContext, args: tuple[str, ...]) -> None:
    """The volunteer closes the question (its answer and explanation shown) and shows the
    next, or the round's scores after the last (or once the contest has closed)."""
    services, user = ctx.services, update.effective_user
    if user is None or not await can_lead(services, user.id):
        await acknowledge(update, services.ui.volunteers.not_volunteer, alert=True)
        return
    found = await _current(update, ctx, args)
    if found is None:
        return
    round_, contest, _ = found
    assert round_.id is not None
    total = len(split_ids(round_.question_ids))
    now = services.now()
    # After the contest's close nobody may answer a next question: the round ends here.
    closed = now >= contest.closes_at and round_.position + 1 < total
    last = closed or round_.position + 1 >= total
    async with services.db.session() as session:
        moved = await rounds.advance_round(
            session=session, round_id=round_.id, position=round_.position, now=now, last=last
        )
        answered = await rounds.answers_at(
            session=session, round_id=round_.id, position=round_.position
        )
        board = await rounds.round_board(session=session, round_id=round_.id) if last else []
    if not moved:
        await acknowledge(update, services.ui.quiz.question_over, alert=True)
        return
    await acknowledge(update)
    question = question_at(services.library.quiz, round_.question_ids, round_.position)
    assert question is not None
    ui = services.ui.quiz
    await edit(
        update,
        ui.question_closed.format(
            n=round_.position + 1,
            total=total,
            answered=answered,
            question=html.escape(question.question),
            answer=letters(question.answer),
            explanation=html.escape(question.explanation),
        ),
    )
    if not last:
        round_.position, round_.asked_at = round_.position + 1, now
        await _send_question(ctx, round_, contest)
        return
    lines = [ui.round_closed_early] if closed else []
    lines.append(
        ui.round_board_title.format(town=html.escape(round_.town or services.ui.unknown_town))
    )
    lines += [
        ui.round_board_line.format(
            rank=rank,
            name=html.escape(entry.first_name or ui.someone),
            score=entry.score,
            seconds=seconds_text(entry.total_ms),
        )
        for rank, entry in zip(person_ranks(board), board, strict=True)
    ] or [ui.round_board_empty]
    await ctx.bot.send_message(round_.chat_id, "\n".join(lines), parse_mode=ParseMode.HTML)
