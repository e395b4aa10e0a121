"""提交 on the /report summary card: the report is stored (or corrected) in one transaction
with the draft's removal, at most once per draft (its submission key is UNIQUE), and the
coordinators are told (of a correction: what changed). One naming no topic is refused
(domain.reports) and the draft kept."""

import logging
from datetime import date, timedelta

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError

from domain.reports import Outcome, submit
from handlers.kit.context import PufaContext
from handlers.kit.conversation import Conversation, expired, tidy
from handlers.kit.events import report_qr_button
from handlers.kit.replies import acknowledge, drop_buttons, reply_html, user_id
from handlers.reports.chat import ask_topic
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
    SUMMARY,
    TOPICS,
    TOPICS_BEFORE,
    TYPE,
    Data,
    ReportButton,
    card,
)
from storage.reports import ReportData, report_by_key

log = logging.getLogger(__name__)


def submission_key(telegram_id: int, token: str) -> str:
    """The report's UNIQUE key: one report per draft, however often 提交 is pressed."""
    return f"{telegram_id}-{token}"


def report_data(data: Data) -> ReportData | None:
    """The draft as a report (the volunteer's town is added on submission), or None while a
    required answer is missing. The indicators picked are stored among the topics, as a
    coordinator's /tag stores them (domain.evidence counts them)."""
    try:
        return ReportData(
            activity_type=str(data[TYPE]),
            activity_date=date.fromisoformat(data[DATE]),
            place=str(data[PLACE]),
            audience=int(data[AUDIENCE]),
            hours=float(data[HOURS]),
            summary=str(data[SUMMARY]),
            town="",
            topics=tuple(dict.fromkeys([*data.get(TOPICS, []), *data.get(INDICATORS, [])])),
            lat=data.get("lat"),
            lon=data.get("lon"),
            materials=data.get(MATERIALS),
            photo_file_ids=tuple(data.get(PHOTOS, [])),
        )
    except (KeyError, TypeError, ValueError):
        return None


async def on_submit(
    update: Update, ctx: PufaContext, chat: Conversation, _args: tuple[str, ...]
) -> None:
    texts, services = ctx.services.ui.volunteers, ctx.services
    data = report_data(chat.data)
    if data is None:  # cannot happen through the chat's steps; a damaged draft goes
        await chat.end(update)
        await acknowledge(update)
        await reply_html(update, texts.report_none)
        return
    correcting = chat.data.get(REPORT_ID)
    async with services.db.session() as session:
        done = await submit(
            session=session,
            library=services.library,
            volunteer_id=chat.user_id,
            data=data,
            key=submission_key(chat.user_id, chat.token),
            correcting=int(correcting) if correcting is not None else None,
            window=timedelta(days=services.volunteering.edit_window_days),
            now=services.now(),
            topics_before=chat.data.get(TOPICS_BEFORE),
        )
        if done.outcome not in {Outcome.NO_TOPIC, Outcome.UNCHANGED}:
            await chat.end(update, session)
    await tidy(update, chat)
    if done.outcome is Outcome.UNCHANGED:  # the card stays, to change something or 取消
        await acknowledge(update, texts.report_unchanged, alert=True)
        return
    if done.outcome is Outcome.NO_TOPIC:  # a draft from before topics were required
        await acknowledge(update, texts.topic_needed, alert=True)
        # The card pressed was drawn before the draft kept its question (`ask`): its
        # buttons are taken off here, not by the question that follows.
        await drop_buttons(update)
        await ask_topic(update, ctx, chat, CONFIRM)
        return
    await acknowledge(update)
    if done.outcome in {Outcome.SUBMITTED, Outcome.UPDATED} and done.report_id is not None:
        await _mark_submitted(update, ctx, chat, done.report_id)
    else:
        await drop_buttons(update)
    answers = {
        Outcome.SUBMITTED: texts.report_submitted,
        Outcome.UPDATED: texts.report_updated,
        Outcome.LOCKED: texts.report_locked,
    }
    answer = answers.get(done.outcome)
    text = texts.not_volunteer if answer is None else answer.format(id=done.report_id)
    markup = None
    if done.outcome in {Outcome.SUBMITTED, Outcome.UPDATED} and done.report_id is not None:
        label = services.ui.engagement.qr_report_button
        markup = InlineKeyboardMarkup([[report_qr_button(label, done.report_id)]])
    await reply_html(update, text, markup)
    if done.outcome is Outcome.SUBMITTED and done.report_id is not None:
        for hook in services.hooks.report_submitted:
            await hook(ctx, done.report_id)
    if done.outcome is Outcome.UPDATED and done.before and done.after:
        for corrected in services.hooks.report_corrected:
            await corrected(ctx, done.before, done.after)


async def on_ended(
    update: Update,
    ctx: PufaContext,
    token: str,
    action: str,
    _args: tuple[str, ...],
    current: Conversation | None,
) -> None:
    """A button of a report draft that is gone: of one that was submitted, 提交 again says
    which report it became and 修改 or 取消 where to change it (/myreports); with no report
    open, how to start one; under another open report, that it has expired. Each is an alert,
    as every guided chat answers its buttons once it has ended: nothing is sent."""
    texts = ctx.services.ui.volunteers
    key = submission_key(user_id(update), token)
    async with ctx.services.db.session() as session:
        report = await report_by_key(session=session, submission_key=key)
    if report is not None and action == ReportButton.SUBMIT:
        await acknowledge(update, texts.report_already_submitted.format(id=report.id))
    elif report is not None:
        await acknowledge(update, texts.report_submitted_change.format(id=report.id), alert=True)
    elif current is None:
        await acknowledge(update, texts.report_none, alert=True)
    else:
        await expired(update, ctx)


async def _mark_submitted(
    update: Update, ctx: PufaContext, chat: Conversation, report_id: int
) -> None:
    """The summary card as submitted: no question, no buttons."""
    if update.callback_query is None:
        return
    text = card(chat.data, ctx.services.library, ctx.services.ui.volunteers, report_id)
    try:
        await update.callback_query.edit_message_text(
            text, parse_mode=ParseMode.HTML, reply_markup=None
        )
    except TelegramError:
        log.debug("could not mark the summary card submitted", exc_info=True)
