"""/myreports: a volunteer's own reports, each with its review (待审核 / 已核实 / 已退回 and
why), and totals (this month, this year; returned reports left out, and said so); recent ones can
be corrected (the /report chat reopens at the summary card) or withdrawn within the edit
window; each submitted one can have its event's QR code (handled by the engagement feature)."""

import html
from datetime import timedelta
from enum import StrEnum

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from content.ui_volunteers import VolunteerTexts
from domain.reach import volunteer_reach_html
from domain.reports import record_page
from handlers.kit import confirm
from handlers.kit.callbacks import Kind, make, number, parse
from handlers.kit.context import PufaContext
from handlers.kit.conversation import expired
from handlers.kit.events import report_qr_button
from handlers.kit.replies import acknowledge, reply_html, user_id
from handlers.kit.roles import require_private, require_volunteer
from storage.attribution import reach
from storage.models import ReportStatus, ReviewState
from storage.reports import Change, StoredReport, Totals, get_report, withdraw_report


class MyReportsButton(StrEnum):
    """mr:<action>:<report id>; the question's buttons (handlers.kit.confirm):
    mr:withdraw_answer:<token>:<y|n>:<report id>"""

    EDIT = "edit"
    WITHDRAW = "withdraw"
    WITHDRAW_ANSWER = "withdraw_answer"


def _button(label: str, action: MyReportsButton, report_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=make(Kind.MYREPORTS, action, report_id))


def _totals(texts: VolunteerTexts, label: str, totals: Totals) -> str:
    """A period's figures, saying how many reports returned are left out of them."""
    line = texts.totals_line.format(
        label=label,
        activities=totals.activities,
        audience=totals.audience,
        hours=f"{totals.hours:g}",
    )
    return line + (texts.totals_returned.format(count=totals.returned) if totals.returned else "")


def _line(texts: VolunteerTexts, states: dict[str, str], report: StoredReport) -> str:
    """A report's line: what, and where its review stands (withdrawn: only that); a returned
    one's reason on the line below."""
    data = report.data
    line = texts.my_report_line.format(
        id=report.id,
        date=data.activity_date.isoformat(),
        type=html.escape(texts.activity_types.get(data.activity_type, data.activity_type)),
        place=html.escape(data.place),
        audience=data.audience,
        hours=f"{data.hours:g}",
    )
    if report.status == ReportStatus.WITHDRAWN.value:
        return line + texts.withdrawn_mark
    line += texts.my_report_state.format(state=states.get(report.review, report.review))
    if report.review == ReviewState.RETURNED.value and report.review_reason:
        line += "\n" + texts.my_report_reason.format(reason=html.escape(report.review_reason))
    return line


async def on_myreports(update: Update, ctx: PufaContext) -> None:
    if not await require_private(update, ctx):
        return
    texts, services = ctx.services.ui.volunteers, ctx.services
    window_days = services.volunteering.edit_window_days
    async with services.db.session() as session:
        page = await record_page(
            session=session,
            volunteer_id=user_id(update),
            now=services.now(),
            today=services.today(),
            window=timedelta(days=window_days),
        )
    if page.volunteer is None and not page.reports:
        await reply_html(update, texts.not_volunteer)
        return
    lines = [
        texts.my_reports_title,
        _totals(texts, texts.this_month, page.month),
        _totals(texts, texts.this_year, page.year),
        "",
    ]
    states = services.ui.review.states
    lines += [_line(texts, states, r) for r in page.reports] or [texts.no_reports]
    async with services.db.session() as session:
        codes = await reach(session=session, volunteer_id=user_id(update))
    lines += ["", volunteer_reach_html(codes, services.library)]
    buttons = []
    if page.volunteer is None:
        # Someone who left keeps their record to read: correcting, withdrawing and a report's
        # QR code are a volunteer's (the report chat would refuse them only at 提交).
        lines += ["", texts.left_record]
    else:
        buttons = [_report_buttons(ctx, r, r in page.editable) for r in page.reports]
        buttons = [row for row in buttons if row]
        if page.editable:
            lines += ["", texts.edit_hint.format(days=window_days)]
    await reply_html(update, "\n".join(lines), InlineKeyboardMarkup(buttons) if buttons else None)


def _report_buttons(
    ctx: PufaContext, report: StoredReport, editable: bool
) -> list[InlineKeyboardButton]:
    """A shown report's row: its event's QR code while submitted, 修改 / 撤回 while editable."""
    texts, ui = ctx.services.ui.volunteers, ctx.services.ui.engagement
    rid, row = report.id, []
    if editable:
        row += [
            _button(texts.edit_report_button.format(id=rid), MyReportsButton.EDIT, rid),
            _button(texts.withdraw_button.format(id=rid), MyReportsButton.WITHDRAW, rid),
        ]
    if report.status == ReportStatus.SUBMITTED.value:
        row.append(report_qr_button(ui.qr_report_list_button.format(id=rid), rid))
    return row


def _pressed(update: Update) -> tuple[MyReportsButton, int] | None:
    parsed = parse(update.callback_query.data if update.callback_query else None)
    chosen = parsed.action(MyReportsButton) if parsed else None
    if chosen is None or len(chosen[1]) != 1 or (report_id := number(chosen[1][0])) is None:
        return None
    return chosen[0], report_id


async def on_withdraw(update: Update, ctx: PufaContext) -> None:
    """Ask first: withdrawing takes the report out of every count. Someone else's report (or
    a forged id) gets the same answer as a stale button: no hint that it exists; one already
    withdrawn, or past its edit window (a list drawn before), is said so without asking."""
    pressed = _pressed(update)
    report = None
    if pressed is not None:
        async with ctx.services.db.session() as session:
            report = await get_report(session=session, report_id=pressed[1])
    if report is None or report.volunteer_id != user_id(update):
        await expired(update, ctx)
        return
    if await require_volunteer(update, ctx) is None:  # a list drawn before /leave
        return
    texts, services = ctx.services.ui.volunteers, ctx.services
    if report.status == ReportStatus.WITHDRAWN.value:  # a list drawn before it was withdrawn
        await acknowledge(update, texts.withdrawn.format(id=report.id), alert=True)
        return
    window = timedelta(days=services.volunteering.edit_window_days)
    if not report.editable(services.local_now(), window):
        await acknowledge(update, texts.report_locked.format(id=report.id), alert=True)
        return
    await acknowledge(update)
    question = texts.withdraw_confirm.format(id=report.id)
    await confirm.ask(
        update, ctx, question, Kind.MYREPORTS, MyReportsButton.WITHDRAW_ANSWER, report.id
    )


async def on_withdraw_answer(update: Update, ctx: PufaContext) -> None:
    """✅ or ❌ under the question: the first answer counts."""
    texts, services = ctx.services.ui.volunteers, ctx.services
    parsed = parse(update.callback_query.data if update.callback_query else None)
    chosen = parsed.action(MyReportsButton) if parsed else None
    args = chosen[1] if chosen else ()
    report_id = number(args[2]) if len(args) == 3 else None
    if chosen is None or report_id is None:
        await expired(update, ctx)
        return
    if await confirm.answer(update, ctx, chosen[0], args) is None:
        return
    if await require_volunteer(update, ctx) is None:  # asked before /leave
        return
    async with services.db.session() as session:
        change = await withdraw_report(
            session=session,
            report_id=report_id,
            volunteer_id=user_id(update),
            window=timedelta(days=services.volunteering.edit_window_days),
            now=services.now(),
        )
    if change is Change.NOT_FOUND:
        await reply_html(update, services.ui.stale_button)
        return
    answer = texts.withdrawn if change in {Change.OK, Change.WITHDRAWN} else texts.report_locked
    await reply_html(update, answer.format(id=report_id))
    if change is Change.OK:
        for withdrawn in services.hooks.report_withdrawn:
            await withdrawn(ctx, report_id)
