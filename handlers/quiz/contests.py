"""/contest: the contests open now (参加 in a private chat; in a group, a volunteer starts a
round), a coordinator's recent contests with their exports; and the close of each contest,
announced with its leaderboard through the broadcast engine."""

import html
import logging
from datetime import datetime

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.constants import ChatType

from documents.tables import Format
from domain.quiz import BOARD_LINES, board_html, contest_table, split_ids
from handlers.kit import callbacks
from handlers.kit.context import PufaContext, Services
from handlers.kit.conversation import expired
from handlers.kit.replies import acknowledge, drop_buttons_of, reply_html
from handlers.kit.roles import is_coordinator, require_coordinator, require_private
from handlers.quiz.buttons import QuizButton, make
from handlers.quiz.group import can_lead
from handlers.quiz.render import when
from scheduler.planning import Plan, PlanError
from scheduler.timeparse import Now
from storage import quiz as repo
from storage import quiz_rounds as rounds
from storage.audience import Audience
from storage.models import QuizContest

log = logging.getLogger(__name__)
RECENT = 5


async def on_contest(update: Update, ctx: PufaContext) -> None:
    user, chat, services = update.effective_user, update.effective_chat, ctx.services
    if user is None or chat is None:
        return
    async with services.db.session() as session:
        contests = await repo.open_contests(session=session, now=services.now())
        recent = await repo.recent_contests(session=session, limit=RECENT)
    if chat.type != ChatType.PRIVATE:
        await _group_list(update, ctx, user.id, contests)
        return
    ui = services.ui.quiz
    lines = (
        [ui.contests_title, *(_line(services, c) for c in contests)]
        if contests
        else [ui.no_contests]
    )
    rows = [
        [InlineKeyboardButton(ui.join_button.format(title=c.title), callback_data=_join(c))]
        for c in contests
    ]
    if await is_coordinator(services, user.id):
        lines += ["", ui.recent_title, *(_recent_line(services, c) for c in recent)]
        rows += [_export_row(services, c.id or 0) for c in recent]
        rows.append([InlineKeyboardButton(ui.new_button, callback_data=make(QuizButton.NEW))])
    await reply_html(update, "\n".join(lines), InlineKeyboardMarkup(rows) if rows else None)


def _export_row(services: Services, contest_id: int) -> list[InlineKeyboardButton]:
    ui = services.ui.quiz
    return [
        InlineKeyboardButton(
            ui.export_button.format(id=contest_id),
            callback_data=make(QuizButton.EXPORT, contest_id, "xlsx"),
        ),
        InlineKeyboardButton(
            ui.export_csv_button, callback_data=make(QuizButton.EXPORT, contest_id, "csv")
        ),
    ]


def _join(contest: QuizContest) -> str:
    return make(QuizButton.JOIN, contest.id or 0)


def _line(services: Services, contest: QuizContest) -> str:
    return services.ui.quiz.contest_line.format(
        title=html.escape(contest.title),
        questions=len(split_ids(contest.question_ids)),
        seconds=contest.seconds,
        close=when(contest.closes_at, services.tz),
    )


def _recent_line(services: Services, contest: QuizContest) -> str:
    ui, now = services.ui.quiz, services.now()
    if now < contest.opens_at:
        status = ui.status_waiting
    else:
        status = ui.status_open if now < contest.closes_at else ui.status_closed
    return ui.recent_line.format(
        id=contest.id,
        title=html.escape(contest.title),
        opens=when(contest.opens_at, services.tz),
        close=when(contest.closes_at, services.tz),
        status=status,
    )


async def _group_list(
    update: Update, ctx: PufaContext, user_id: int, contests: list[QuizContest]
) -> None:
    services = ctx.services
    ui = services.ui.quiz
    if not await can_lead(services, user_id):
        await reply_html(update, services.ui.volunteers.not_volunteer)
        return
    if not contests:
        await reply_html(update, ui.no_contests)
        return
    chat = update.effective_chat
    assert chat is not None
    async with services.db.session() as session:
        town = await rounds.group_town(session=session, chat_id=chat.id, leader_id=user_id)
    rows = [
        [
            InlineKeyboardButton(
                ui.group_button.format(title=c.title),
                callback_data=make(QuizButton.ROUND, c.id or 0),
            )
        ]
        for c in contests
    ]
    await reply_html(
        update,
        ui.group_title.format(town=html.escape(town or services.ui.unknown_town)),
        InlineKeyboardMarkup(rows),
    )


async def on_export(update: Update, ctx: PufaContext, args: tuple[str, ...]) -> None:
    """📊 导出: every attempt of a contest as a spreadsheet, to a coordinator in private."""
    services = ctx.services
    if not await require_coordinator(update, ctx, "quiz.export"):
        return
    if not await require_private(update, ctx):
        return
    contest_id = callbacks.number(args[0]) if args else None
    fmt: Format | None = None
    if len(args) == 2 and args[1] in ("xlsx", "csv"):
        fmt = "xlsx" if args[1] == "xlsx" else "csv"
    async with services.db.session() as session:
        contest = (
            await repo.get_contest(session=session, contest_id=contest_id) if contest_id else None
        )
        rows = await repo.results(session=session, contest_id=contest_id or 0)
    chat = update.effective_chat
    if contest is None or fmt is None or chat is None:
        await expired(update, ctx)
        return
    await acknowledge(update)
    data = contest_table(
        services.ui.quiz, contest, rows, fmt, services.tz, unknown_town=services.ui.unknown_town
    )
    caption = services.ui.quiz.export_caption.format(title=contest.title, people=len(rows))
    filename = f"contest_{contest.id}.{fmt}"
    await chat.send_document(InputFile(data, filename=filename), caption=caption)


async def announce_closed(bot: Bot, services: Services, now: datetime | None = None) -> list[int]:
    """At the close of each contest closed by `now` and not yet announced: the questions of
    the attempts it cut off lose their buttons, and its leaderboard goes to the broadcast
    engine, once (a restart or a second run changes nothing); returns their ids."""
    now = now or services.now()
    async with services.db.session() as session:
        due = await repo.closed_unannounced(session=session, now=now)
    announced = []
    for contest in due:
        assert contest.id is not None
        async with services.db.session() as session:
            open_questions = await repo.cut_off(session=session, contest_id=contest.id)
        for chat_id, message_id in open_questions:
            await drop_buttons_of(bot, chat_id, message_id)
        await _announce(services, contest, now)
        async with services.db.session() as session:
            if await repo.mark_announced(session=session, contest_id=contest.id, now=now):
                announced.append(contest.id)
    return announced


async def _announce(services: Services, contest: QuizContest, now: datetime) -> None:
    """The contest's leaderboard, to everyone who took part, through the broadcast engine."""
    assert contest.id is not None
    async with services.db.session() as session:
        board = await repo.board(session=session, contest_id=contest.id, limit=BOARD_LINES)
    plan = Plan(
        created_by=contest.created_by,
        key=f"contest-{contest.id}",
        audience=Audience.CONTEST,
        audience_value=str(contest.id),
        when=Now(),
        text=board_html(
            services.ui.quiz,
            contest.title,
            board,
            len(split_ids(contest.question_ids)),
            unknown_town=services.ui.unknown_town,
        ),
    )
    try:
        await services.broadcasting.create(plan, now)
    except PlanError as error:  # nobody took part, or announced before a crash
        log.info("contest %s: no announcement (%s)", contest.id, error.problem)
