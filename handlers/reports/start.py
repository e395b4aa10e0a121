"""Opening the /report chat: a new draft, the open draft picked up again, or a stored report
reopened from /myreports at its summary card."""

from datetime import timedelta

from telegram import Update

from handlers.kit.callbacks import number, parse
from handlers.kit.context import PufaContext
from handlers.kit.conversation import begin, expired
from handlers.kit.replies import acknowledge, user_id
from handlers.kit.roles import require_private, require_volunteer
from handlers.reports.chat import FLOW, show
from handlers.reports.view import (
    AUDIENCE,
    CONFIRM,
    DATE,
    HOURS,
    INDICATORS,
    MATERIALS,
    PHOTOS,
    PLACE,
    REPORT_ID,
    RETURNED,
    SUMMARY,
    TOPICS,
    TOPICS_BEFORE,
    TYPE,
    Data,
)
from storage.models import ReviewState
from storage.reports import StoredReport, get_report


async def on_report(update: Update, ctx: PufaContext) -> None:
    """/report: carries on with the open draft, or starts one."""
    if not await require_private(update, ctx) or await require_volunteer(update, ctx) is None:
        return
    texts, chats = ctx.services.ui.volunteers, ctx.services.chats
    chat = await chats.get(FLOW, user_id(update))
    if chat is not None:
        await show(update, ctx, chat, chat.step, texts.report_in_progress)
        return
    chat = await begin(update, ctx, FLOW, TYPE, {})
    if chat is not None:
        await show(update, ctx, chat, TYPE, texts.report_intro)


async def on_edit_report(update: Update, ctx: PufaContext) -> None:
    """From /myreports (mr:edit:<id>): reopen a recent report at its summary card."""
    parsed = parse(update.callback_query.data if update.callback_query else None)
    texts, services = ctx.services.ui.volunteers, ctx.services
    report_id = number(parsed.args[1]) if parsed and len(parsed.args) == 2 else None
    report = None
    if report_id is not None:
        async with services.db.session() as session:
            report = await get_report(session=session, report_id=report_id)
    if report is None or report.volunteer_id != user_id(update):
        await expired(update, ctx)
        return
    if await require_volunteer(update, ctx) is None:  # a /myreports list drawn before /leave
        return
    if await services.chats.get(FLOW, user_id(update)) is not None:
        await acknowledge(update, texts.report_finish_first, alert=True)
        return
    window = timedelta(days=services.volunteering.edit_window_days)
    if not report.editable(services.local_now(), window):
        await acknowledge(update, texts.report_locked.format(id=report.id), alert=True)
        return
    await acknowledge(update)
    indicator_ids = {i.id for i in services.library.indicators}
    data = draft_data(report, indicator_ids)
    chat = await begin(update, ctx, FLOW, CONFIRM, data)
    if chat is not None:
        await show(update, ctx, chat, CONFIRM)


def draft_data(report: StoredReport, indicator_ids: set[str]) -> Data:
    """The stored report as a draft; the indicator tags among its topics (a volunteer's or a
    coordinator's) go to the indicators step, categories and campaigns stay topics."""
    data = report.data
    values: Data = {
        REPORT_ID: report.id,
        TOPICS_BEFORE: list(data.topics),
        TYPE: data.activity_type,
        TOPICS: [t for t in data.topics if t not in indicator_ids],
        INDICATORS: [t for t in data.topics if t in indicator_ids],
        DATE: data.activity_date.isoformat(),
        PLACE: data.place,
        AUDIENCE: data.audience,
        HOURS: data.hours,
        MATERIALS: data.materials,
        PHOTOS: list(data.photo_file_ids),
        SUMMARY: data.summary,
    }
    if data.lat is not None and data.lon is not None:
        values["lat"], values["lon"] = data.lat, data.lon
    if report.review == ReviewState.RETURNED.value:
        values[RETURNED] = report.review_reason or "—"
    return values
