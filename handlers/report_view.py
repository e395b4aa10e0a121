"""How a report draft looks in the chat: each step's question and buttons, and the summary
card with 提交 / 修改 / 取消 (no I/O here)."""

import html
from datetime import date
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from content.loader import Library
from content.report_input import (
    MAX_AUDIENCE,
    MAX_HOURS,
    MAX_PHOTOS,
    MAX_SUMMARY_CHARS,
    MIN_HOURS,
    Problem,
)
from content.ui_volunteers import VolunteerTexts
from handlers import callbacks
from handlers.replies import Markup

TYPE, TOPICS, DATE, PLACE, AUDIENCE, HOURS = "type", "topics", "date", "place", "audience", "hours"
MATERIALS, PHOTOS, SUMMARY, CONFIRM = "materials", "photos", "summary", "confirm"
STEPS = (TYPE, TOPICS, DATE, PLACE, AUDIENCE, HOURS, MATERIALS, PHOTOS, SUMMARY, CONFIRM)
Data = dict[str, Any]


def button(label: str, *args: str | int) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=callbacks.make(callbacks.REPORT, *args))


def rows(buttons: list[InlineKeyboardButton], width: int = 2) -> list[list[InlineKeyboardButton]]:
    return [buttons[i : i + width] for i in range(0, len(buttons), width)]


def limits(max_age_days: int) -> dict[str, object]:
    """Placeholders any prompt or explanation may use."""
    return {
        "max_days": max_age_days,
        "max_audience": MAX_AUDIENCE,
        "min_hours": f"{MIN_HOURS:g}",
        "max_hours": f"{MAX_HOURS:g}",
        "max_photos": MAX_PHOTOS,
        "max_summary": MAX_SUMMARY_CHARS,
    }


def explain(texts: VolunteerTexts, problem: Problem, max_age_days: int) -> str:
    return str(getattr(texts.errors, problem.value)).format(**limits(max_age_days))


def topics_keyboard(
    library: Library, chosen: list[str], texts: VolunteerTexts
) -> InlineKeyboardMarkup:
    buttons = [
        button(f"{'✅ ' if c.id in chosen else ''}{c.emoji} {c.name}".strip(), "topic", c.id)
        for c in library.categories
    ]
    return InlineKeyboardMarkup([*rows(buttons), [button(texts.topics_done_button, "topics")]])


def prompt(
    step: str, data: Data, library: Library, texts: VolunteerTexts, max_age_days: int
) -> tuple[str, Markup]:
    """The question for `step` and its keyboard."""
    values = limits(max_age_days)
    skip = InlineKeyboardMarkup([[button(texts.skip_button, "skip", step)]])
    if step == TYPE:
        types = [button(label, "type", key) for key, label in texts.activity_types.items()]
        return texts.report_ask_type, InlineKeyboardMarkup(rows(types))
    if step == TOPICS:
        return texts.report_ask_topics, topics_keyboard(library, data.get("topics", []), texts)
    if step == DATE:
        days = [button(texts.today_button, "date", 0), button(texts.yesterday_button, "date", 1)]
        return texts.report_ask_date.format(**values), InlineKeyboardMarkup([days])
    if step == PLACE:
        share = KeyboardButton(library.ui.share_location_button, request_location=True)
        keyboard = ReplyKeyboardMarkup([[share]], resize_keyboard=True, one_time_keyboard=True)
        return texts.report_ask_place, keyboard
    if step == AUDIENCE:
        return texts.report_ask_audience.format(**values), ReplyKeyboardRemove()
    if step == HOURS:
        return texts.report_ask_hours.format(**values), None
    if step == MATERIALS:
        return texts.report_ask_materials, skip
    if step == PHOTOS:
        done = texts.photos_done_button if data.get("photos") else texts.skip_button
        return texts.report_ask_photos.format(**values), InlineKeyboardMarkup(
            [[button(done, "skip", PHOTOS)]]
        )
    if step == SUMMARY:
        return texts.report_ask_summary.format(**values), None
    return card(data, library, texts), confirm_keyboard(data, texts)


def confirm_keyboard(data: Data, texts: VolunteerTexts) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [button(texts.submit_button, "submit", data["key"])],
            [button(texts.edit_button, "edit"), button(texts.cancel_button, "cancel")],
        ]
    )


def fields_keyboard(texts: VolunteerTexts) -> InlineKeyboardMarkup:
    fields = [button(texts.report_fields[step], "field", step) for step in STEPS[:-1]]
    return InlineKeyboardMarkup([*rows(fields, 3), [button(texts.back_button, "back")]])


def card(data: Data, library: Library, texts: VolunteerTexts) -> str:
    names = {c.id: c.name for c in library.categories}
    topics = "、".join(names.get(t, t) for t in data.get("topics", [])) or texts.none_value
    materials = data.get("materials")
    photos = len(data.get("photos", []))
    values = {
        "type": texts.activity_types.get(data.get(TYPE, ""), data.get(TYPE, "")),
        "topics": topics,
        "date": _date_text(data.get(DATE)),
        "place": data.get(PLACE, ""),
        "audience": data.get(AUDIENCE, ""),
        "hours": f"{data[HOURS]:g}" if HOURS in data else "",
        "materials": materials if materials is not None else texts.none_value,
        "photos": photos,
        "summary": data.get(SUMMARY, ""),
    }
    escaped = {key: html.escape(str(value)) for key, value in values.items()}
    heading = texts.report_card_edit_title if data.get("report_id") else texts.report_card_title
    return (
        heading.format(id=data.get("report_id", "")) + "\n" + texts.report_card.format(**escaped)
    )


def _date_text(value: object) -> str:
    if not isinstance(value, str):
        return ""
    day = date.fromisoformat(value)
    return f"{day.isoformat()}（周{'一二三四五六日'[day.weekday()]}）"
