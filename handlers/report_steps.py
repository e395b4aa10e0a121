"""The /report chat's steps: buttons, typed answers (checked by content.report_input), the
place as a shared location, photos, and picking a field to correct from the summary card."""

import logging
from collections.abc import Callable, Coroutine
from datetime import date, timedelta
from typing import Any

from telegram import Update
from telegram.error import TelegramError

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
from handlers import guided
from handlers.context import PufaContext
from handlers.guided import END, State, volunteer_texts
from handlers.replies import acknowledge, reply_html
from handlers.report_chat import (
    FLOW,
    current_draft,
    local_today,
    next_step,
    on_stale_button,
    on_wrong_input,
    show,
)
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
    explain,
    fields_keyboard,
    topics_keyboard,
)

log = logging.getLogger(__name__)


async def on_type(update: Update, ctx: PufaContext) -> State:
    args = guided.callback_args(update)
    draft = await current_draft(update, ctx)
    if draft is None:
        return END
    if len(args) != 2 or args[1] not in volunteer_texts(ctx).activity_types:
        return await on_stale_button(update, ctx)
    await acknowledge(update)
    draft.data[TYPE] = args[1]
    return await show(update, ctx, draft, next_step(draft, TYPE))


async def on_topic(update: Update, ctx: PufaContext) -> State:
    """Toggle one topic; the keyboard is redrawn in place with ✅ marks."""
    args, library = guided.callback_args(update), ctx.services.library
    draft = await current_draft(update, ctx)
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
            topics_keyboard(library, chosen, volunteer_texts(ctx))
        )
    except TelegramError:  # e.g. "message is not modified" after a double tap
        log.debug("topic keyboard not redrawn", exc_info=True)
    return TOPICS


async def on_topics_done(update: Update, ctx: PufaContext) -> State:
    draft = await current_draft(update, ctx)
    if draft is None:
        return END
    await acknowledge(update)
    draft.data.setdefault(TOPICS, [])
    return await show(update, ctx, draft, next_step(draft, TOPICS))


async def on_date_button(update: Update, ctx: PufaContext) -> State:
    args = guided.callback_args(update)
    if len(args) != 2 or args[1] not in {"0", "1"}:
        return await on_stale_button(update, ctx)
    await acknowledge(update)
    return await _accept(
        update, ctx, DATE, (local_today(ctx) - timedelta(days=int(args[1]))).isoformat()
    )


async def on_skip(update: Update, ctx: PufaContext) -> State:
    args = guided.callback_args(update)
    draft = await current_draft(update, ctx)
    if draft is None:
        return END
    if len(args) != 2 or args[1] != draft.step or args[1] not in {MATERIALS, PHOTOS}:
        return await on_stale_button(update, ctx)
    await acknowledge(update)
    if args[1] == MATERIALS:
        draft.data[MATERIALS] = None
    draft.data.setdefault(PHOTOS, [])
    return await show(update, ctx, draft, next_step(draft, args[1]))


async def _accept(update: Update, ctx: PufaContext, step: str, value: Any) -> State:
    draft = await current_draft(update, ctx)
    if draft is None:
        return END
    draft.data[step] = value
    if step == PLACE:  # a typed place replaces a shared location
        draft.data.pop("lat", None)
        draft.data.pop("lon", None)
    return await show(update, ctx, draft, next_step(draft, step))


def typed(step: str) -> Callable[[Update, PufaContext], Coroutine[Any, Any, State]]:
    """A handler for a step answered by typing: parse, explain a problem, or move on."""

    async def handle(update: Update, ctx: PufaContext) -> State:
        message = update.effective_message
        assert message is not None and message.text is not None
        max_days = ctx.services.volunteering.max_report_age_days
        try:
            value: Any = _parse(step, message.text, local_today(ctx), max_days)
        except InputError as problem:
            await reply_html(update, explain(volunteer_texts(ctx), problem.problem, max_days))
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
    draft = await current_draft(update, ctx)
    if draft is None:
        return END
    if location is None or not (
        -90 <= location.latitude <= 90 and -180 <= location.longitude <= 180
    ):
        await reply_html(update, ctx.services.ui.location_invalid)
        return PLACE
    draft.data[PLACE] = volunteer_texts(ctx).shared_location_place
    draft.data["lat"], draft.data["lon"] = location.latitude, location.longitude
    return await show(update, ctx, draft, next_step(draft, PLACE))


async def on_photo(update: Update, ctx: PufaContext) -> State:
    message, texts = update.effective_message, volunteer_texts(ctx)
    draft = await current_draft(update, ctx)
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
        return await show(update, ctx, draft, next_step(draft, PHOTOS))
    intro = texts.photo_received.format(count=len(photos), max_photos=MAX_PHOTOS)
    return await show(update, ctx, draft, PHOTOS, intro)


# --- correcting one field from the summary card --------------------------------------------


async def on_edit_menu(update: Update, ctx: PufaContext) -> State:
    texts = volunteer_texts(ctx)
    await acknowledge(update)
    await reply_html(update, texts.report_pick_field, fields_keyboard(texts))
    return CONFIRM


async def on_field(update: Update, ctx: PufaContext) -> State:
    args = guided.callback_args(update)
    draft = await current_draft(update, ctx)
    if draft is None:
        return END
    if len(args) != 2 or args[1] not in STEPS[:-1]:
        return await on_stale_button(update, ctx)
    await acknowledge(update)
    draft.data["back"] = True
    return await show(update, ctx, draft, args[1])


async def on_back(update: Update, ctx: PufaContext) -> State:
    draft = await current_draft(update, ctx)
    if draft is None:
        return END
    await acknowledge(update)
    return await show(update, ctx, draft, CONFIRM)
