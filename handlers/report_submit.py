"""提交 on the /report summary card: the report is stored (or corrected) in one transaction
with the draft's removal, at most once per draft (its submission key is UNIQUE)."""

import logging
from datetime import date, timedelta

from telegram import Update
from telegram.error import TelegramError

from handlers import guided, notify
from handlers.context import PufaContext
from handlers.guided import END, Draft, State, volunteer_texts
from handlers.replies import acknowledge, reply_html
from handlers.report_chat import FLOW
from handlers.report_view import (
    AUDIENCE,
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
from storage.drafts import delete_draft
from storage.reports import Change, ReportData, edit_report, report_by_key, submit_report
from storage.volunteers import get_volunteer

log = logging.getLogger(__name__)


def report_data(data: Data, town: str) -> ReportData | None:
    """The draft as a report, or None while a required answer is missing."""
    try:
        return ReportData(
            activity_type=str(data[TYPE]),
            activity_date=date.fromisoformat(data[DATE]),
            place=str(data[PLACE]),
            audience=int(data[AUDIENCE]),
            hours=float(data[HOURS]),
            summary=str(data[SUMMARY]),
            town=town,
            topics=tuple(data.get(TOPICS, [])),
            lat=data.get("lat"),
            lon=data.get("lon"),
            materials=data.get(MATERIALS),
            photo_file_ids=tuple(data.get(PHOTOS, [])),
        )
    except (KeyError, TypeError, ValueError):
        return None


async def on_submit(update: Update, ctx: PufaContext) -> State:
    args = guided.callback_args(update)
    draft = await guided.load(ctx, FLOW, guided.user_id(update))
    if draft is None or len(args) != 2 or draft.data.get("key") != args[1]:
        return await on_submit_again(update, ctx)
    text, new_report = await _store(ctx, draft)
    await acknowledge(update)
    await _drop_buttons(update)
    await reply_html(update, text)
    if new_report is not None:
        await notify.report_submitted(ctx, new_report)
    return END


async def _store(ctx: PufaContext, draft: Draft) -> tuple[str, int | None]:
    """One transaction: the report goes in (or is corrected) and the draft goes away.
    Returns the answer for the volunteer and the new report's id."""
    texts = volunteer_texts(ctx)
    async with ctx.services.db.session() as session:
        await delete_draft(session=session, flow=FLOW, telegram_id=draft.user_id)
        volunteer = await get_volunteer(session=session, telegram_id=draft.user_id)
        data = report_data(draft.data, volunteer.town) if volunteer else None
        if volunteer is None or data is None:
            return (texts.not_volunteer if volunteer is None else texts.report_none), None
        if "report_id" in draft.data:
            report_id = int(draft.data["report_id"])
            change = await edit_report(
                session=session,
                report_id=report_id,
                volunteer_id=draft.user_id,
                data=data,
                window=timedelta(days=ctx.services.volunteering.edit_window_days),
                now=ctx.services.now(),
            )
            done = texts.report_updated if change is Change.OK else texts.report_locked
            return done.format(id=report_id), None
        result = await submit_report(
            session=session,
            volunteer_id=draft.user_id,
            data=data,
            submission_key=str(draft.data["key"]),
            now=ctx.services.now(),
        )
        return texts.report_submitted.format(id=result.report_id), result.report_id


async def on_submit_again(update: Update, ctx: PufaContext) -> State:
    """提交 pressed again after the report went in (or a stale card's button)."""
    args = guided.callback_args(update)
    async with ctx.services.db.session() as session:
        report = await report_by_key(session=session, submission_key=args[-1] if args else "")
    if report is not None and report.volunteer_id == guided.user_id(update):
        await acknowledge(
            update, volunteer_texts(ctx).report_already_submitted.format(id=report.id)
        )
    else:
        await acknowledge(update, ctx.services.ui.stale_button, alert=True)
    return None


async def _drop_buttons(update: Update) -> None:
    if update.callback_query is not None:
        try:
            await update.callback_query.edit_message_reply_markup(None)
        except TelegramError:
            log.debug("could not remove the summary card's buttons", exc_info=True)
