"""/myreports: a volunteer's own reports and totals (this month, this year); recent ones can
be corrected (handled by the /report conversation) or withdrawn within the edit window."""

import html
from datetime import date, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from content.ui_volunteers import VolunteerTexts
from handlers import callbacks
from handlers.context import PufaApp, PufaContext
from handlers.replies import acknowledge, reply_html
from storage.reports import Change, StoredReport, Totals, own_reports, own_totals, withdraw_report
from storage.volunteers import get_volunteer

SHOWN = 10


def _button(label: str, action: str, report_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        label, callback_data=callbacks.make(callbacks.MYREPORTS, action, report_id)
    )


def _totals(texts: VolunteerTexts, label: str, totals: Totals) -> str:
    return texts.totals_line.format(
        label=label,
        activities=totals.activities,
        audience=totals.audience,
        hours=f"{totals.hours:g}",
    )


def _line(texts: VolunteerTexts, report: StoredReport) -> str:
    data = report.data
    line = texts.my_report_line.format(
        id=report.id,
        date=data.activity_date.isoformat(),
        type=html.escape(texts.activity_types.get(data.activity_type, data.activity_type)),
        place=html.escape(data.place),
        audience=data.audience,
        hours=f"{data.hours:g}",
    )
    return line + (texts.withdrawn_mark if report.status == "withdrawn" else "")


async def on_myreports(update: Update, ctx: PufaContext) -> None:
    texts, services = ctx.services.ui.volunteers, ctx.services
    assert update.effective_user is not None
    user_id = update.effective_user.id
    now = services.local_now()
    today = now.date()
    async with services.db.session() as session:
        volunteer = await get_volunteer(session=session, telegram_id=user_id)
        reports = await own_reports(session=session, volunteer_id=user_id, limit=SHOWN)
        month = await own_totals(
            session=session, volunteer_id=user_id, start=today.replace(day=1), end=today
        )
        year = await own_totals(
            session=session, volunteer_id=user_id, start=date(today.year, 1, 1), end=today
        )
    if volunteer is None and not reports:
        await reply_html(update, texts.not_volunteer)
        return
    lines = [
        texts.my_reports_title,
        _totals(texts, texts.this_month, month),
        _totals(texts, texts.this_year, year),
        "",
    ]
    lines += [_line(texts, r) for r in reports] or [texts.no_reports]
    window = timedelta(days=services.volunteering.edit_window_days)
    editable = [r for r in reports if r.editable(now, window)]
    buttons = [
        [
            _button(texts.edit_report_button.format(id=r.id), "edit", r.id),
            _button(texts.withdraw_button.format(id=r.id), "withdraw", r.id),
        ]
        for r in editable
    ]
    if editable:
        lines += ["", texts.edit_hint.format(days=services.volunteering.edit_window_days)]
    await reply_html(update, "\n".join(lines), InlineKeyboardMarkup(buttons) if buttons else None)


def _report_id(update: Update) -> int:
    parsed = callbacks.parse(update.callback_query.data if update.callback_query else None)
    args = parsed.args if parsed is not None else ()
    return int(args[1]) if len(args) == 2 and args[1].isdigit() else 0


async def on_withdraw(update: Update, ctx: PufaContext) -> None:
    """Ask first: withdrawing takes the report out of every count."""
    texts = ctx.services.ui.volunteers
    report_id = _report_id(update)
    await acknowledge(update)
    keyboard = InlineKeyboardMarkup(
        [
            [
                _button(texts.confirm_yes, "withdraw_yes", report_id),
                _button(texts.confirm_no, "withdraw_no", report_id),
            ]
        ]
    )
    await reply_html(update, texts.withdraw_confirm.format(id=report_id), keyboard)


async def on_withdraw_answer(update: Update, ctx: PufaContext) -> None:
    texts, services = ctx.services.ui.volunteers, ctx.services
    assert update.effective_user is not None and update.callback_query is not None
    if update.callback_query.data and ":withdraw_no:" in update.callback_query.data:
        await acknowledge(update)
        await reply_html(update, texts.kept)
        return
    report_id = _report_id(update)
    async with services.db.session() as session:
        change = await withdraw_report(
            session=session,
            report_id=report_id,
            volunteer_id=update.effective_user.id,
            window=timedelta(days=services.volunteering.edit_window_days),
            now=services.now(),
        )
    if change is Change.NOT_FOUND:
        await acknowledge(update, services.ui.stale_button, alert=True)
        return
    await acknowledge(update)
    answer = texts.withdrawn if change in {Change.OK, Change.WITHDRAWN} else texts.report_locked
    await reply_html(update, answer.format(id=report_id))


async def on_edit_busy(update: Update, ctx: PufaContext) -> None:
    """修改 pressed while another report is open (the /report conversation did not take it)."""
    await acknowledge(update, ctx.services.ui.volunteers.report_finish_first, alert=True)


def register(app: PufaApp) -> None:
    """After the /report conversation, which takes 修改 presses when no report is open."""

    def on(action: str, callback: object) -> CallbackQueryHandler[PufaContext, None]:
        pattern = callbacks.pattern(callbacks.MYREPORTS, action)
        return CallbackQueryHandler(callback, pattern=pattern)  # type: ignore[arg-type]

    app.add_handlers(
        [
            CommandHandler("myreports", on_myreports),
            on("withdraw", on_withdraw),
            on("withdraw_yes", on_withdraw_answer),
            on("withdraw_no", on_withdraw_answer),
            on("edit", on_edit_busy),
        ]
    )
