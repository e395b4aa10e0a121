"""The /report chat's steps: buttons, typed answers (checked by content.report_input), the
place as a shared location, photos, and picking a field to correct from the summary card."""

import logging
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
from domain.reports import has_topic
from handlers.kit.context import PufaContext
from handlers.kit.conversation import Conversation, OnMessage
from handlers.kit.replies import acknowledge, reply_html
from handlers.reports.chat import next_step, on_wrong_input, show
from handlers.reports.view import (
    AUDIENCE,
    CONFIRM,
    DATE,
    HOURS,
    INDICATORS,
    MATERIALS,
    PHOTOS,
    PLACE,
    STEPS,
    SUMMARY,
    TOPICS,
    TYPE,
    default_indicators,
    fields_keyboard,
    indicators_keyboard,
    topics_keyboard,
)
from storage.evidence import MAX_TOPICS_CHARS

log = logging.getLogger(__name__)
Args = tuple[str, ...]


async def _stale(update: Update, ctx: PufaContext) -> None:
    await acknowledge(update, ctx.services.ui.stale_button, alert=True)


async def on_type(update: Update, ctx: PufaContext, chat: Conversation, args: Args) -> None:
    if len(args) != 1 or args[0] not in ctx.services.ui.volunteers.activity_types:
        await _stale(update, ctx)
        return
    await acknowledge(update)
    chat.data[TYPE] = args[0]
    await show(update, ctx, chat, next_step(chat, TYPE))


async def on_topic(update: Update, ctx: PufaContext, chat: Conversation, args: Args) -> None:
    """Toggle one topic; the keyboard is redrawn in place with ✅ marks."""
    library = ctx.services.library
    if len(args) != 1 or args[0] not in {c.id for c in library.categories}:
        await _stale(update, ctx)
        return
    chosen: list[str] = chat.data.setdefault(TOPICS, [])
    if args[0] in chosen:
        chosen.remove(args[0])
    else:
        chosen.append(args[0])
    await chat.save()
    await acknowledge(update)
    assert update.callback_query is not None
    keyboard = topics_keyboard(library, chosen, ctx.services.ui.volunteers, chat.button)
    try:
        await update.callback_query.edit_message_reply_markup(keyboard)
    except TelegramError:  # e.g. "message is not modified" after a double tap
        log.debug("topic keyboard not redrawn", exc_info=True)


async def on_topics_done(
    update: Update, ctx: PufaContext, chat: Conversation, _args: Args
) -> None:
    """On to the next step once a topic is ticked; with none, an alert says one is needed
    and the draft stays as it is (the keyboard and every answer so far)."""
    if not has_topic(chat.data.get(TOPICS, []), ctx.services.library):
        await acknowledge(update, ctx.services.ui.volunteers.topic_needed, alert=True)
        return
    await acknowledge(update)
    await show(update, ctx, chat, next_step(chat, TOPICS))


async def on_date_button(update: Update, ctx: PufaContext, chat: Conversation, args: Args) -> None:
    if args not in (("0",), ("1",)):
        await _stale(update, ctx)
        return
    await acknowledge(update)
    day = ctx.services.today() - timedelta(days=int(args[0]))
    await _accept(update, ctx, chat, DATE, day.isoformat())


async def on_skip(update: Update, ctx: PufaContext, chat: Conversation, args: Args) -> None:
    if args != (chat.step,):  # a skip button of another step
        await _stale(update, ctx)
        return
    await acknowledge(update)
    if chat.step == MATERIALS:
        chat.data[MATERIALS] = None
    chat.data.setdefault(PHOTOS, [])
    await show(update, ctx, chat, next_step(chat, chat.step))


async def _accept(
    update: Update, ctx: PufaContext, chat: Conversation, step: str, value: Any
) -> None:
    chat.data[step] = value
    if step == PLACE:  # a typed place replaces a shared location
        chat.data.pop("lat", None)
        chat.data.pop("lon", None)
    await show(update, ctx, chat, next_step(chat, step))


def typed(step: str) -> OnMessage:
    """A handler for a step answered by typing: parse, explain a problem, or move on."""

    async def handle(update: Update, ctx: PufaContext, chat: Conversation) -> None:
        message = update.effective_message
        assert message is not None and message.text is not None
        max_days = ctx.services.volunteering.max_report_age_days
        try:
            value: Any = _parse(step, message.text, ctx.services.today(), max_days)
        except InputError as problem:
            await reply_html(update, ctx.services.ui.volunteers.explain(problem.problem, max_days))
            return
        await _accept(update, ctx, chat, step, value)

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


async def on_location(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    location = update.effective_message.location if update.effective_message else None
    if location is None or not (
        -90 <= location.latitude <= 90 and -180 <= location.longitude <= 180
    ):
        await reply_html(update, ctx.services.ui.location_invalid)
        return
    chat.data[PLACE] = ctx.services.ui.volunteers.shared_location_place
    chat.data["lat"], chat.data["lon"] = location.latitude, location.longitude
    await show(update, ctx, chat, next_step(chat, PLACE))


async def on_photo(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    message, texts = update.effective_message, ctx.services.ui.volunteers
    photos: list[str] = chat.data.setdefault(PHOTOS, [])
    if message is None or not message.photo:
        await on_wrong_input(update, ctx, chat)
        return
    if len(photos) >= MAX_PHOTOS:
        await reply_html(update, texts.photos_full.format(max_photos=MAX_PHOTOS))
        return
    photos.append(message.photo[-1].file_id)
    if len(photos) == MAX_PHOTOS:
        await show(update, ctx, chat, next_step(chat, PHOTOS))
        return
    intro = texts.photo_received.format(count=len(photos), max_photos=MAX_PHOTOS)
    await show(update, ctx, chat, PHOTOS, intro)


# --- correcting one field from the summary card --------------------------------------------


async def on_edit_menu(update: Update, ctx: PufaContext, chat: Conversation, _args: Args) -> None:
    texts = ctx.services.ui.volunteers
    await acknowledge(update)
    await reply_html(update, texts.report_pick_field, fields_keyboard(texts, chat.button))


async def on_field(update: Update, ctx: PufaContext, chat: Conversation, args: Args) -> None:
    if len(args) != 1 or args[0] not in STEPS[:-1]:
        await _stale(update, ctx)
        return
    await acknowledge(update)
    chat.data["back"] = True
    await show(update, ctx, chat, args[0])


async def on_back(update: Update, ctx: PufaContext, chat: Conversation, _args: Args) -> None:
    await acknowledge(update)
    await show(update, ctx, chat, CONFIRM)


# --- the evaluation indicators the activity also serves (optional, from the summary card) ---


async def on_indicators(update: Update, ctx: PufaContext, chat: Conversation, _args: Args) -> None:
    await acknowledge(update)
    await show(update, ctx, chat, INDICATORS)


async def on_indicator(update: Update, ctx: PufaContext, chat: Conversation, args: Args) -> None:
    """Toggle one indicator (one counted by default is explained instead); the keyboard is
    redrawn in place. Forged or removed ids are answered as an expired button."""
    library, texts = ctx.services.library, ctx.services.ui.volunteers
    indicator = next((i for i in library.indicators if args == (i.id,)), None)
    if indicator is None or not indicator.volunteers_may_tag:
        await _stale(update, ctx)
        return
    if indicator in default_indicators(library, chat.data):
        await acknowledge(update, texts.indicator_by_default.format(name=indicator.name))
        return
    chosen: list[str] = chat.data.setdefault(INDICATORS, [])
    if indicator.id in chosen:
        chosen.remove(indicator.id)
    elif len(",".join([*chat.data.get(TOPICS, []), *chosen, indicator.id])) > MAX_TOPICS_CHARS:
        await acknowledge(update, texts.indicators_full, alert=True)
        return
    else:
        chosen.append(indicator.id)
    await chat.save()
    await acknowledge(update)
    assert update.callback_query is not None
    keyboard = indicators_keyboard(library, chat.data, texts, chat.button)
    try:
        await update.callback_query.edit_message_reply_markup(keyboard)
    except TelegramError:  # e.g. "message is not modified" after a double tap
        log.debug("indicator keyboard not redrawn", exc_info=True)
