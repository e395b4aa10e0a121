"""The /report chat's steps: buttons, typed answers (checked by content.report_input), the
place as a shared location, photos, and picking a field to correct from the summary card."""

import logging
from datetime import date, timedelta
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.error import TelegramError

from content.directory import NAMED_KM, nearest
from content.report_input import (
    MAX_PHOTOS,
    MAX_PLACE_CHARS,
    USUAL_AUDIENCE,
    USUAL_HOURS,
    InputError,
    parse_audience,
    parse_date,
    parse_hours,
    parse_materials,
    parse_place,
    parse_summary,
)
from content.ui_volunteers import limits
from domain.reports import has_topic, without_numbers
from handlers.kit.context import PufaContext
from handlers.kit.conversation import Conversation, OnMessage, expired
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
    ReportButton,
    default_indicators,
    fields_keyboard,
    indicators_keyboard,
    topics_keyboard,
)
from storage.directory import list_points
from storage.evidence import MAX_TOPICS_CHARS

log = logging.getLogger(__name__)
Args = tuple[str, ...]
# An answer above its step's usual figure is asked about once (确定 / 改一下) before it is
# taken; the figures are content.report_input's, where the hard limits are.
USUAL: dict[str, float] = {AUDIENCE: USUAL_AUDIENCE, HOURS: USUAL_HOURS}
UNSURE = "unsure"  # the draft's key for an unusual answer waiting for 确定


async def on_type(update: Update, ctx: PufaContext, chat: Conversation, args: Args) -> None:
    if len(args) != 1 or args[0] not in ctx.services.ui.volunteers.activity_types:
        await expired(update, ctx)
        return
    await acknowledge(update)
    chat.data[TYPE] = args[0]
    await show(update, ctx, chat, next_step(chat, TYPE))


async def on_topic(update: Update, ctx: PufaContext, chat: Conversation, args: Args) -> None:
    """Toggle one topic; the keyboard is redrawn in place with ✅ marks."""
    library = ctx.services.library
    if len(args) != 1 or args[0] not in {c.id for c in library.categories}:
        await expired(update, ctx)
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
        await expired(update, ctx)
        return
    await acknowledge(update)
    day = ctx.services.today() - timedelta(days=int(args[0]))
    await _accept(update, ctx, chat, DATE, day.isoformat())


async def on_skip(update: Update, ctx: PufaContext, chat: Conversation, args: Args) -> None:
    if args != (chat.step,):  # a skip button of another step
        await expired(update, ctx)
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


# The steps typed freely: a volunteer writing about residents may paste their numbers.
FREE_TEXT = (PLACE, SUMMARY)


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
        if step in FREE_TEXT:
            value, hidden = without_numbers(value)
            if hidden:
                await reply_html(update, ctx.services.ui.volunteers.report_numbers_hidden)
        if step in USUAL and value > USUAL[step]:
            await _ask_unusual(update, ctx, chat, step, value)
            return
        chat.data.pop(UNSURE, None)
        await _accept(update, ctx, chat, step, value)

    return handle


async def _ask_unusual(
    update: Update, ctx: PufaContext, chat: Conversation, step: str, value: float
) -> None:
    """Keeps the answer aside and asks once whether it is meant."""
    texts = ctx.services.ui.volunteers
    chat.data[UNSURE] = value
    await chat.save()
    question = texts.report_unusual_audience if step == AUDIENCE else texts.report_unusual_hours
    keyboard = InlineKeyboardMarkup(
        [
            [
                chat.button(texts.unusual_sure_button, ReportButton.SURE, step),
                chat.button(texts.unusual_change_button, ReportButton.CHANGE, step),
            ]
        ]
    )
    values = limits(ctx.services.volunteering.max_report_age_days)
    await reply_html(update, question.format(value=f"{value:g}", **values), keyboard)


async def on_sure(update: Update, ctx: PufaContext, chat: Conversation, args: Args) -> None:
    """确定: the unusual answer kept aside is taken."""
    value = await _unusual_answered(update, ctx, chat, args)
    if value is not None:
        await _accept(update, ctx, chat, chat.step, value)


async def on_change(update: Update, ctx: PufaContext, chat: Conversation, args: Args) -> None:
    """改一下: the step's question again."""
    if await _unusual_answered(update, ctx, chat, args) is not None:
        await show(update, ctx, chat, chat.step)


async def _unusual_answered(
    update: Update, ctx: PufaContext, chat: Conversation, args: Args
) -> Any:
    """The answer kept aside, once (its buttons go); None, answered as expired, for a button
    of another step or a question already answered."""
    value = chat.data.get(UNSURE) if args == (chat.step,) else None
    if value is None:
        await expired(update, ctx)
        return None
    del chat.data[UNSURE]
    await acknowledge(update)
    assert update.callback_query is not None
    try:
        await update.callback_query.edit_message_reply_markup(None)
    except TelegramError:
        log.debug("could not take the buttons off the question", exc_info=True)
    return value


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
    chat.data[PLACE] = await _located_place(ctx, location.latitude, location.longitude)
    chat.data["lat"], chat.data["lon"] = location.latitude, location.longitude
    await show(update, ctx, chat, next_step(chat, PLACE))


async def _located_place(ctx: PufaContext, lat: float, lon: float) -> str:
    """What a shared location is called in the report, its summary and the exports: near the
    closest service point of the directory (within NAMED_KM), else its coordinates."""
    texts = ctx.services.ui.volunteers
    async with ctx.services.db.session() as session:
        points = await list_points(session=session)
    closest = nearest(points, lat, lon, 1)
    if closest and closest[0][1] <= NAMED_KM:
        text = texts.shared_location_near.format(point=closest[0][0].name)
    else:
        text = texts.shared_location_place.format(lat=f"{lat:.4f}", lon=f"{lon:.4f}")
    return text[:MAX_PLACE_CHARS]


async def on_photo(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    """One line per photo (an album comes as one message per photo), not the whole question
    again; the photo that reaches the limit says so and moves on. Captions are not stored:
    the person is told once where to write what they say."""
    message, texts = update.effective_message, ctx.services.ui.volunteers
    assert message is not None and message.photo
    photos: list[str] = chat.data.setdefault(PHOTOS, [])
    if len(photos) >= MAX_PHOTOS:  # back at this step from the summary card, already full
        await reply_html(update, texts.photos_full.format(max_photos=MAX_PHOTOS))
        return
    photos.append(message.photo[-1].file_id)
    caption = _caption_note(chat, message.caption, texts.photo_caption_not_kept)
    if len(photos) == MAX_PHOTOS:
        intro = texts.photos_limit_reached.format(max_photos=MAX_PHOTOS) + caption
        await show(update, ctx, chat, next_step(chat, PHOTOS), intro)
        return
    await chat.save()
    line = texts.photo_received.format(count=len(photos), max_photos=MAX_PHOTOS) + caption
    done = InlineKeyboardMarkup(
        [[chat.button(texts.photos_done_button, ReportButton.SKIP, PHOTOS)]]
    )
    await reply_html(update, line, done)


async def on_late_photo(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    """A photo after the photos step: past the limit (the rest of an album), say it was not
    kept; otherwise, as any answer the step does not take, its question again."""
    message, texts = update.effective_message, ctx.services.ui.volunteers
    if len(chat.data.get(PHOTOS, [])) < MAX_PHOTOS or message is None:
        await on_wrong_input(update, ctx, chat)
        return
    await reply_html(update, texts.photo_over_limit.format(max_photos=MAX_PHOTOS))


def _caption_note(chat: Conversation, caption: str | None, note: str) -> str:
    """The note that captions are not kept, for the first captioned photo of the draft."""
    if not caption or chat.data.get("caption_told"):
        return ""
    chat.data["caption_told"] = True
    return "\n" + note


# --- correcting one field from the summary card --------------------------------------------


async def on_edit_menu(update: Update, ctx: PufaContext, chat: Conversation, _args: Args) -> None:
    texts = ctx.services.ui.volunteers
    await acknowledge(update)
    await reply_html(update, texts.report_pick_field, fields_keyboard(texts, chat.button))


async def on_field(update: Update, ctx: PufaContext, chat: Conversation, args: Args) -> None:
    if len(args) != 1 or args[0] not in STEPS[:-1]:
        await expired(update, ctx)
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
        await expired(update, ctx)
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
