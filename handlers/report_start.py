"""Opening the /report chat: a new draft, a stored report reopened from /myreports, or the
open draft picked up again."""

import secrets
from datetime import timedelta

from telegram import Update

from handlers import guided
from handlers.context import PufaContext
from handlers.guided import END, Draft, State, volunteer_texts
from handlers.replies import acknowledge, reply_html
from handlers.report_chat import current_draft, show
from handlers.report_view import (
    AUDIENCE,
    CONFIRM,
    DATE,
    HOURS,
    MATERIALS,
    PHOTOS,
    PLACE,
    SUMMARY,
    TOPICS,
    TYPE,
    Data,
)
from storage.reports import StoredReport, get_report


async def on_report(update: Update, ctx: PufaContext) -> State:
    texts = volunteer_texts(ctx)
    if update.effective_chat is None or update.effective_chat.type != "private":
        await reply_html(update, texts.private_only)
        return END
    if await guided.registered_volunteer(update, ctx) is None:
        return END
    draft = Draft(guided.user_id(update), TYPE, {"key": secrets.token_hex(8)})
    return await show(update, ctx, draft, TYPE, texts.report_intro)


async def on_edit_report(update: Update, ctx: PufaContext) -> State:
    """From /myreports: reopen a recent report at its summary card."""
    args, texts = guided.callback_args(update), volunteer_texts(ctx)
    report_id = int(args[1]) if len(args) == 2 and args[1].isdigit() else 0
    async with ctx.services.db.session() as session:
        report = await get_report(session=session, report_id=report_id)
    window = timedelta(days=ctx.services.volunteering.edit_window_days)
    now = ctx.services.local_now()
    if report is None or report.volunteer_id != guided.user_id(update):
        await acknowledge(update, ctx.services.ui.stale_button, alert=True)
        return END
    if not report.editable(now, window):
        await acknowledge(update, texts.report_locked.format(id=report_id), alert=True)
        return END
    await acknowledge(update)
    draft = Draft(guided.user_id(update), CONFIRM, draft_data(report))
    return await show(update, ctx, draft, CONFIRM)


def draft_data(report: StoredReport) -> Data:
    data = report.data
    values: Data = {
        "key": secrets.token_hex(8),
        "report_id": report.id,
        TYPE: data.activity_type,
        TOPICS: list(data.topics),
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
    return values


async def on_resume(update: Update, ctx: PufaContext) -> State:
    """/report while a draft is open: carry on where it stands."""
    draft = await current_draft(update, ctx)
    if draft is None:
        return END
    return await show(update, ctx, draft, draft.step, volunteer_texts(ctx).report_in_progress)
