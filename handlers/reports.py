"""/report: a guided chat that records one 普法 activity, restart-safe (see handlers.drafts).

Each step checks the answer (content.report_input) and explains in Chinese what it expects;
the draft row is rewritten on every step; 提交 stores the report in one transaction, at most
once per draft (its submission key is UNIQUE), even if pressed twice.
"""

import logging
import secrets
from collections.abc import Callable, Coroutine
from datetime import date, datetime, timedelta
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from content.report_input import (
    MAX_PHOTOS,
    InputError,
    parse_audience,
    parse_date,
    parse_hours,
    parse_materials,
    parse_place,
    parse_summary,
)
from content.ui_volunteers import VolunteerTexts
from handlers import callbacks, guided, notify
from handlers.context import PufaApp, PufaContext
from handlers.drafts import conversation
from handlers.guided import Draft
from handlers.replies import acknowledge, reply_html
from handlers.report_view import (
    AUDIENCE,
    CONFIRM,
    DATE,
    HOURS,
    MATERIALS,
    PHOTOS,
    PLACE,
    STEPS,
    SUMMARY,
    TOPICS,
    TYPE,
    Data,
    explain,
    fields_keyboard,
    prompt,
    topics_keyboard,
)
from storage.drafts import delete_draft
from storage.reports import (
    Change,
    ReportData,
    StoredReport,
    edit_report,
    get_report,
    report_by_key,
    submit_report,
)
from storage.volunteers import get_volunteer

log = logging.getLogger(__name__)
FLOW = "report"
END = ConversationHandler.END
TEXT = filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND
State = str | int | None


def _texts(ctx: PufaContext) -> VolunteerTexts:
    return ctx.services.ui.volunteers


def _today(ctx: PufaContext) -> date:
    return datetime.now(ctx.services.tz).date()


async def show(update: Update, ctx: PufaContext, draft: Draft, step: str, intro: str = "") -> str:
    """Save the draft at `step` (so a restart resumes here), then ask that step's question."""
    await guided.save(ctx, FLOW, draft, step)
    services = ctx.services
    text, markup = prompt(
        step, draft.data, services.library, _texts(ctx), services.volunteering.max_report_age_days
    )
    await reply_html(update, f"{intro}\n\n{text}" if intro else text, markup)
    return step


def _next(draft: Draft, step: str) -> str:
    """The following step; straight back to the summary card when correcting one field."""
    if draft.data.pop("back", False):
        return CONFIRM
    return STEPS[STEPS.index(step) + 1]


async def _current(update: Update, ctx: PufaContext) -> Draft | None:
    return await guided.current(update, ctx, FLOW, _texts(ctx).report_none)


# --- entry, resume, cancel, timeout ----------------------------------------------------------


async def on_report(update: Update, ctx: PufaContext) -> State:
    texts = _texts(ctx)
    if update.effective_chat is None or update.effective_chat.type != "private":
        await reply_html(update, texts.private_only)
        return END
    async with ctx.services.db.session() as session:
        volunteer = await get_volunteer(session=session, telegram_id=guided.user_id(update))
    if volunteer is None:
        await reply_html(update, texts.not_volunteer)
        return END
    draft = Draft(guided.user_id(update), TYPE, {"key": secrets.token_hex(8)})
    return await show(update, ctx, draft, TYPE, texts.report_intro)


async def on_edit_report(update: Update, ctx: PufaContext) -> State:
    """From /myreports: reopen a recent report at its summary card."""
    args, texts = guided.callback_args(update), _texts(ctx)
    report_id = int(args[1]) if len(args) == 2 and args[1].isdigit() else 0
    async with ctx.services.db.session() as session:
        report = await get_report(session=session, report_id=report_id)
    window = timedelta(days=ctx.services.volunteering.edit_window_days)
    now = datetime.now(ctx.services.tz)
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
    draft = await _current(update, ctx)
    if draft is None:
        return END
    return await show(update, ctx, draft, draft.step, _texts(ctx).report_in_progress)


async def on_wrong_input(update: Update, ctx: PufaContext) -> State:
    """A sticker, a photo where text is wanted, text where a button is wanted..."""
    draft = await _current(update, ctx)
    if draft is None:
        return END
    return await show(update, ctx, draft, draft.step, _texts(ctx).report_wrong_input)


async def on_stale_button(update: Update, ctx: PufaContext) -> State:
    await acknowledge(update, ctx.services.ui.stale_button)
    return None


async def on_cancel(update: Update, ctx: PufaContext) -> State:
    async with ctx.services.db.session() as session:
        await delete_draft(session=session, flow=FLOW, telegram_id=guided.user_id(update))
    await acknowledge(update)
    await reply_html(update, _texts(ctx).report_cancelled)
    return END


async def on_timeout(update: object, ctx: PufaContext) -> None:
    if not isinstance(update, Update) or update.effective_user is None:
        return
    async with ctx.services.db.session() as session:
        await delete_draft(session=session, flow=FLOW, telegram_id=update.effective_user.id)
    chat = update.effective_chat
    if chat is not None:
        try:
            await chat.send_message(_texts(ctx).report_timed_out)
        except TelegramError:
            log.warning("could not tell user %s their draft timed out", update.effective_user.id)


# --- the steps -----------------------------------------------------------------------------


async def on_type(update: Update, ctx: PufaContext) -> State:
    args = guided.callback_args(update)
    draft = await _current(update, ctx)
    if draft is None:
        return END
    if len(args) != 2 or args[1] not in _texts(ctx).activity_types:
        return await on_stale_button(update, ctx)
    await acknowledge(update)
    draft.data[TYPE] = args[1]
    return await show(update, ctx, draft, _next(draft, TYPE))


async def on_topic(update: Update, ctx: PufaContext) -> State:
    """Toggle one topic; the keyboard is redrawn in place with ✅ marks."""
    args, library = guided.callback_args(update), ctx.services.library
    draft = await _current(update, ctx)
    if draft is None:
        return END
    if len(args) != 2 or args[1] not in {c.id for c in library.categories}:
        return await on_stale_button(update, ctx)
    chosen: list[str] = draft.data.setdefault(TOPICS, [])
    if args[1] in chosen:
        chosen.remove(args[1])
    else:
        chosen.append(args[1])
    await guided.save(ctx, FLOW, draft, TOPICS)
    await acknowledge(update)
    assert update.callback_query is not None
    try:
        await update.callback_query.edit_message_reply_markup(
            topics_keyboard(library, chosen, _texts(ctx))
        )
    except TelegramError:  # e.g. "message is not modified" after a double tap
        log.debug("topic keyboard not redrawn", exc_info=True)
    return TOPICS


async def on_topics_done(update: Update, ctx: PufaContext) -> State:
    draft = await _current(update, ctx)
    if draft is None:
        return END
    await acknowledge(update)
    draft.data.setdefault(TOPICS, [])
    return await show(update, ctx, draft, _next(draft, TOPICS))


async def on_date_button(update: Update, ctx: PufaContext) -> State:
    args = guided.callback_args(update)
    if len(args) != 2 or args[1] not in {"0", "1"}:
        return await on_stale_button(update, ctx)
    await acknowledge(update)
    return await _accept(
        update, ctx, DATE, (_today(ctx) - timedelta(days=int(args[1]))).isoformat()
    )


async def on_skip(update: Update, ctx: PufaContext) -> State:
    args = guided.callback_args(update)
    draft = await _current(update, ctx)
    if draft is None:
        return END
    if len(args) != 2 or args[1] != draft.step or args[1] not in {MATERIALS, PHOTOS}:
        return await on_stale_button(update, ctx)
    await acknowledge(update)
    if args[1] == MATERIALS:
        draft.data[MATERIALS] = None
    draft.data.setdefault(PHOTOS, [])
    return await show(update, ctx, draft, _next(draft, args[1]))


async def _accept(update: Update, ctx: PufaContext, step: str, value: Any) -> State:
    draft = await _current(update, ctx)
    if draft is None:
        return END
    draft.data[step] = value
    if step == PLACE:  # a typed place replaces a shared location
        draft.data.pop("lat", None)
        draft.data.pop("lon", None)
    return await show(update, ctx, draft, _next(draft, step))


def _typed(step: str) -> Callable[[Update, PufaContext], Coroutine[Any, Any, State]]:
    """A handler for a step answered by typing: parse, explain a problem, or move on."""

    async def handle(update: Update, ctx: PufaContext) -> State:
        message = update.effective_message
        assert message is not None and message.text is not None
        max_days = ctx.services.volunteering.max_report_age_days
        try:
            value: Any = _parse(step, message.text, _today(ctx), max_days)
        except InputError as problem:
            await reply_html(update, explain(_texts(ctx), problem.problem, max_days))
            return step
        return await _accept(update, ctx, step, value)

    return handle


def _parse(step: str, text: str, today: date, max_days: int) -> Any:
    if step == DATE:
        return parse_date(text, today=today, max_age_days=max_days).isoformat()
    parsers = {
        PLACE: parse_place,
        AUDIENCE: parse_audience,
        HOURS: parse_hours,
        MATERIALS: parse_materials,
        SUMMARY: parse_summary,
    }
    return parsers[step](text)


async def on_location(update: Update, ctx: PufaContext) -> State:
    location = update.effective_message.location if update.effective_message else None
    draft = await _current(update, ctx)
    if draft is None:
        return END
    if location is None or not (
        -90 <= location.latitude <= 90 and -180 <= location.longitude <= 180
    ):
        await reply_html(update, ctx.services.ui.location_invalid)
        return PLACE
    draft.data[PLACE] = _texts(ctx).shared_location_place
    draft.data["lat"], draft.data["lon"] = location.latitude, location.longitude
    return await show(update, ctx, draft, _next(draft, PLACE))


async def on_photo(update: Update, ctx: PufaContext) -> State:
    message, texts = update.effective_message, _texts(ctx)
    draft = await _current(update, ctx)
    if draft is None:
        return END
    photos: list[str] = draft.data.setdefault(PHOTOS, [])
    if message is None or not message.photo:
        return await on_wrong_input(update, ctx)
    if len(photos) >= MAX_PHOTOS:
        await reply_html(update, texts.photos_full.format(max_photos=MAX_PHOTOS))
        return PHOTOS
    photos.append(message.photo[-1].file_id)
    if len(photos) == MAX_PHOTOS:
        return await show(update, ctx, draft, _next(draft, PHOTOS))
    intro = texts.photo_received.format(count=len(photos), max_photos=MAX_PHOTOS)
    return await show(update, ctx, draft, PHOTOS, intro)


# --- the summary card ----------------------------------------------------------------------


async def on_edit_menu(update: Update, ctx: PufaContext) -> State:
    await acknowledge(update)
    await reply_html(update, _texts(ctx).report_pick_field, fields_keyboard(_texts(ctx)))
    return CONFIRM


async def on_field(update: Update, ctx: PufaContext) -> State:
    args = guided.callback_args(update)
    draft = await _current(update, ctx)
    if draft is None:
        return END
    if len(args) != 2 or args[1] not in STEPS[:-1]:
        return await on_stale_button(update, ctx)
    await acknowledge(update)
    draft.data["back"] = True
    return await show(update, ctx, draft, args[1])


async def on_back(update: Update, ctx: PufaContext) -> State:
    draft = await _current(update, ctx)
    if draft is None:
        return END
    await acknowledge(update)
    return await show(update, ctx, draft, CONFIRM)


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
    texts = _texts(ctx)
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
            )
            done = texts.report_updated if change is Change.OK else texts.report_locked
            return done.format(id=report_id), None
        result = await submit_report(
            session=session,
            volunteer_id=draft.user_id,
            data=data,
            submission_key=str(draft.data["key"]),
        )
        return texts.report_submitted.format(id=result.report_id), result.report_id


async def on_submit_again(update: Update, ctx: PufaContext) -> State:
    """提交 pressed again after the report went in (or a stale card's button)."""
    args = guided.callback_args(update)
    async with ctx.services.db.session() as session:
        report = await report_by_key(session=session, submission_key=args[-1] if args else "")
    if report is not None and report.volunteer_id == guided.user_id(update):
        await acknowledge(update, _texts(ctx).report_already_submitted.format(id=report.id))
    else:
        await acknowledge(update, ctx.services.ui.stale_button, alert=True)
    return None


async def on_nothing_to_cancel(update: Update, ctx: PufaContext) -> None:
    await reply_html(update, _texts(ctx).nothing_to_cancel)


async def _drop_buttons(update: Update) -> None:
    if update.callback_query is not None:
        try:
            await update.callback_query.edit_message_reply_markup(None)
        except TelegramError:
            log.debug("could not remove the summary card's buttons", exc_info=True)


def _button(callback: Any, action: str) -> CallbackQueryHandler[PufaContext, State]:
    return CallbackQueryHandler(callback, pattern=callbacks.pattern(callbacks.REPORT, action))


def build(timeout: timedelta) -> ConversationHandler[PufaContext]:
    private = filters.ChatType.PRIVATE
    return conversation(
        name=FLOW,
        entry_points=[
            CommandHandler("report", on_report),
            CallbackQueryHandler(
                on_edit_report, pattern=callbacks.pattern(callbacks.MYREPORTS, "edit")
            ),
        ],
        states={
            TYPE: [_button(on_type, "type")],
            TOPICS: [_button(on_topic, "topic"), _button(on_topics_done, "topics")],
            DATE: [_button(on_date_button, "date"), MessageHandler(TEXT, _typed(DATE))],
            PLACE: [
                MessageHandler(TEXT, _typed(PLACE)),
                MessageHandler(filters.LOCATION & private, on_location),
            ],
            AUDIENCE: [MessageHandler(TEXT, _typed(AUDIENCE))],
            HOURS: [MessageHandler(TEXT, _typed(HOURS))],
            MATERIALS: [MessageHandler(TEXT, _typed(MATERIALS)), _button(on_skip, "skip")],
            PHOTOS: [MessageHandler(filters.PHOTO, on_photo), _button(on_skip, "skip")],
            SUMMARY: [MessageHandler(TEXT, _typed(SUMMARY))],
            CONFIRM: [
                _button(on_submit, "submit"),
                _button(on_edit_menu, "edit"),
                _button(on_field, "field"),
                _button(on_back, "back"),
            ],
            ConversationHandler.TIMEOUT: [TypeHandler(Update, on_timeout)],
        },
        fallbacks=[
            CommandHandler("cancel", on_cancel),
            _button(on_cancel, "cancel"),
            CommandHandler("report", on_resume),
            CallbackQueryHandler(on_stale_button, pattern=callbacks.pattern(callbacks.REPORT)),
            MessageHandler(filters.UpdateType.MESSAGE & ~filters.COMMAND, on_wrong_input),
        ],
        conversation_timeout=timeout,
    )


def register(app: PufaApp) -> None:
    """Before start/legal_aid/questions: while a report is open, its steps take the
    messages (a shared location is the report's place, not a legal-aid search)."""
    timeout = timedelta(minutes=app.bot_data["services"].volunteering.timeout_minutes)
    app.add_handlers(
        [
            build(timeout),
            _button(on_submit_again, "submit"),
            CommandHandler("cancel", on_nothing_to_cancel),
        ]
    )
