"""The /report chat's steps: buttons, typed answers (checked by content.report_input), the
place as a shared location, photos, and picking a field to correct from the summary card."""

import logging
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError

from content.directory import NAMED_KM, nearest
from content.report_input import (
    MAX_PHOTOS,
    MAX_PLACE_CHARS,
    USUAL_AUDIENCE,
    USUAL_HOURS,
    InputError,
    is_skip,
    letters,
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
from handlers.kit.conversation import Conversation, OnMessage, ask, expired, pressed
from handlers.kit.delivery import not_modified
from handlers.kit.replies import acknowledge, reply_html
from handlers.reports.chat import date_given, next_step, on_wrong_input, show
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
    photos_keyboard,
    topic_choices,
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


async def on_type_text(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    """The type typed as its button says (宪法宣传, with or without spaces) is that button's
    answer; any other text gets the step again."""
    message = update.effective_message
    typed = letters(message.text or "") if message is not None else ""
    types = ctx.services.ui.volunteers.activity_types
    chosen = next((key for key, label in types.items() if typed and letters(label) == typed), None)
    if chosen is None:
        await on_wrong_input(update, ctx, chat)
        return
    chat.data[TYPE] = chosen
    await show(update, ctx, chat, next_step(chat, TYPE))


async def on_topic(update: Update, ctx: PufaContext, chat: Conversation, args: Args) -> None:
    """Toggle one topic; the keyboard is redrawn in place with ✅ marks."""
    library = ctx.services.library
    if len(args) != 1 or args[0] not in {topic for topic, _ in topic_choices(library, chat.data)}:
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
    keyboard = topics_keyboard(library, chat.data, ctx.services.ui.volunteers, chat.button)
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
    await _skip(update, ctx, chat)


async def on_photos_text(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    """Text at the photos step: 跳过 or 完成 typed is the button; anything else is not an
    answer there."""
    message = update.effective_message
    if message is not None and message.text is not None and _typed_skip(ctx, message.text):
        await _skip(update, ctx, chat)
        return
    await on_wrong_input(update, ctx, chat)


def _typed_skip(ctx: PufaContext, text: str) -> bool:
    """The 跳过 or 完成 button typed instead of pressed (ui.zh.yaml's words for them)."""
    texts = ctx.services.ui.volunteers
    return is_skip(text, (texts.skip_button, texts.photos_done_button))


async def _skip(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    """跳过 (or, at the photos step with photos in, 完成): on to the next step."""
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
    if step == DATE:
        await date_given(update, ctx, chat, next_step(chat, step))
        return
    await show(update, ctx, chat, next_step(chat, step))


# The steps typed freely: a volunteer writing about residents may paste their numbers.
FREE_TEXT = (PLACE, SUMMARY)


def typed(step: str) -> OnMessage:
    """A handler for a step answered by typing: parse, explain a problem, or move on."""

    async def handle(update: Update, ctx: PufaContext, chat: Conversation) -> None:
        message = update.effective_message
        assert message is not None and message.text is not None
        max_days = ctx.services.volunteering.max_report_age_days
        if step == MATERIALS and _typed_skip(ctx, message.text):
            await _skip(update, ctx, chat)
            return
        try:
            days = ctx.services.library.typed_words.days
            value: Any = _parse(step, message.text, ctx.services.today(), max_days, days)
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
    await ask(update, chat, question.format(value=f"{value:g}", **values), keyboard)


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
    """The answer kept aside, once; None, answered as expired, for a button of another step
    or a question already answered. (The question loses its buttons as the next one is
    asked: `ask`.)"""
    value = chat.data.get(UNSURE) if args == (chat.step,) else None
    if value is None:
        await expired(update, ctx)
        return None
    del chat.data[UNSURE]
    await acknowledge(update)
    return value


def _parse(step: str, text: str, today: date, max_days: int, days: Mapping[str, int]) -> Any:
    if step == DATE:
        return parse_date(text, today=today, max_age_days=max_days, days=days).isoformat()
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


# The draft's key for the album being received: {"group": its media_group_id, "kept": how
# many of its photos were kept, "message": the id of the one reply it gets (None until sent),
# "note": whether that reply carries the note on captions}. Telegram sends an album as one
# message per photo, in no promised order; each photo is stored as it comes and the same
# reply edited, so an album gets one answer however its photos arrive, even across a restart.
ALBUM = "album"
Album = dict[str, Any]
Answer = tuple[str, InlineKeyboardMarkup | None]


async def on_photo(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    """A photo kept, answered with one line (an album: one line for all its photos, edited
    as they come), not the whole question again; the photo that reaches the limit says so and
    moves on. Captions are not stored: the person is told once where to write what they say.
    A photo already kept (an update Telegram sends again after a crash) is not kept twice."""
    message, texts = update.effective_message, ctx.services.ui.volunteers
    assert message is not None and message.photo
    photos: list[str] = chat.data.setdefault(PHOTOS, [])
    album = _album(chat, message.media_group_id)
    if len(photos) >= MAX_PHOTOS:  # back at this step from the summary card, already full
        if album is None or album["message"] is None:  # said once for an album
            full = texts.photos_full.format(max_photos=MAX_PHOTOS)
            await _answer(update, ctx, chat, album, (full, _photos_keyboard(ctx, chat)))
        return
    file_id = message.photo[-1].file_id
    if file_id in photos:
        return
    photos.append(file_id)
    note = _caption_note(chat, message.caption, texts.photo_caption_not_kept)
    if album is not None:
        album["kept"] += 1
        album["note"] = album["note"] or bool(note)
    if len(photos) == MAX_PHOTOS:
        reached = texts.photos_limit_reached.format(max_photos=MAX_PHOTOS) + note
        if album is not None and album["message"] is not None:  # its one reply says it
            await _answer(update, ctx, chat, album, (reached, None))
            reached = ""
        await show(update, ctx, chat, next_step(chat, PHOTOS), reached)
        return
    await _answer(update, ctx, chat, album, _received(ctx, chat, album, note))


async def on_late_photo(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    """A photo after the photos step. The rest of an album: kept while there is room (完成
    pressed before all of it had come; at the summary card, the card is drawn again with it),
    otherwise left out silently (its answer said later
    photos are not kept). Another photo past the limit is said not to be kept; otherwise, as
    any answer the step does not take, the step's question again."""
    message, texts = update.effective_message, ctx.services.ui.volunteers
    assert message is not None and message.photo
    photos: list[str] = chat.data.get(PHOTOS, [])
    album: Album | None = chat.data.get(ALBUM)
    if album is not None and album["group"] == message.media_group_id:
        file_id = message.photo[-1].file_id
        if len(photos) < MAX_PHOTOS and file_id not in photos:
            chat.data[PHOTOS] = [*photos, file_id]
            album["kept"] += 1
            line = texts.photos_album_received.format(
                album=album["kept"], count=len(photos) + 1, max_photos=MAX_PHOTOS
            )
            await _answer(update, ctx, chat, album, (line, None))
            if chat.step == CONFIRM:  # the card shown lacks it: its 提交 would be out of date
                await show(update, ctx, chat, CONFIRM)
        return
    if len(photos) < MAX_PHOTOS:
        await on_wrong_input(update, ctx, chat)
        return
    await reply_html(update, texts.photo_over_limit.format(max_photos=MAX_PHOTOS))


async def on_clear_photos(
    update: Update, ctx: PufaContext, chat: Conversation, args: Args
) -> None:
    """清空照片: the photos kept so far go (a report returned for its photos is corrected by
    sending others); the step's question again. The answer pressed loses its buttons as it
    is asked (`ask`: only the answer to the latest photo has them), as they would count the
    photos gone."""
    if not await pressed(update, ctx, args):
        return
    chat.data[PHOTOS] = []
    chat.data.pop(ALBUM, None)
    await show(update, ctx, chat, PHOTOS, ctx.services.ui.volunteers.photos_cleared)


def _album(chat: Conversation, group: str | None) -> Album | None:
    """The draft's album this photo belongs to (started with it if new); None for a photo
    sent alone."""
    if group is None:
        return None
    album: Album | None = chat.data.get(ALBUM)
    if album is None or album["group"] != group:
        album = chat.data[ALBUM] = {"group": group, "kept": 0, "message": None, "note": False}
    return album


def _photos_keyboard(ctx: PufaContext, chat: Conversation) -> InlineKeyboardMarkup:
    return photos_keyboard(chat.data, ctx.services.ui.volunteers, chat.button)


def _received(ctx: PufaContext, chat: Conversation, album: Album | None, note: str) -> Answer:
    """The answer to the photos kept so far (of the album, its one line), with what the
    photos step offers."""
    texts, count = ctx.services.ui.volunteers, len(chat.data[PHOTOS])
    if album is None:
        line = texts.photo_received.format(count=count, max_photos=MAX_PHOTOS) + note
    else:
        line = texts.photos_album_received.format(
            album=album["kept"], count=count, max_photos=MAX_PHOTOS
        )
        line += "\n" + texts.photo_caption_not_kept if album["note"] else ""
    return line, _photos_keyboard(ctx, chat)


async def _answer(
    update: Update, ctx: PufaContext, chat: Conversation, album: Album | None, answer: Answer
) -> None:
    """Stores the draft, then answers: a photo alone or an album's first with a message (the
    album's is remembered, so its other photos edit it), an album's others by that edit. An
    answer with buttons is asked as the step's question (`ask`): the one before loses its
    buttons, so only the latest answer's 完成 and 清空 can be pressed."""
    text, markup = answer
    await chat.save()
    if album is not None and album["message"] is not None:
        try:
            await ctx.bot.edit_message_text(
                text,
                chat_id=chat.user_id,
                message_id=album["message"],
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
            )
        except BadRequest as exc:  # the same again: an update sent twice
            if not not_modified(exc):
                raise
        return
    if markup is None:  # a line alone: the question asked last keeps its buttons
        sent = await reply_html(update, text)
    else:
        sent = await ask(update, chat, text, markup)
    if album is not None and sent is not None:
        album["message"] = sent.message_id
        await chat.save()


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
    await ask(update, chat, texts.report_pick_field, fields_keyboard(texts, chat.button))


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
