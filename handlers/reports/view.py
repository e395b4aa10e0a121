"""How a report draft looks in the chat: each step's question and buttons, and the summary
card with 提交 / 修改 / 取消 (no I/O here)."""

import html
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from content.dates import weekday
from content.indicators import Indicator, counted_by_default
from content.loader import Library
from content.ui_volunteers import VolunteerTexts, limits
from domain.reports import CAMPAIGN_GRACE, campaign_names, unfitting_campaigns
from handlers.kit.replies import Markup

TYPE, TOPICS, DATE, PLACE, AUDIENCE, HOURS = "type", "topics", "date", "place", "audience", "hours"
MATERIALS, PHOTOS, SUMMARY, CONFIRM = "materials", "photos", "summary", "confirm"
# The date comes before the topics: the campaigns offered are those around the activity.
STEPS = (TYPE, DATE, TOPICS, PLACE, AUDIENCE, HOURS, MATERIALS, PHOTOS, SUMMARY, CONFIRM)
# Optional, opened from the summary card: the evaluation indicators the activity also serves
# (ids of content/indicators.yaml beyond those its type and campaigns count for by default).
INDICATORS = "indicators"
REPORT_ID = "report_id"  # a correction: the submitted report it corrects (from /myreports)
TOPICS_BEFORE = "topics_before"  # a correction: the report's topics when it began
RETURNED = "returned"  # a correction of a returned report: the coordinator's reason
# The campaigns that fit the activity's date (domain.reports.offered_campaigns), stored as
# the topics step or the summary card is shown, so the topics' buttons are checked against
# what was offered and the card can point out a chosen campaign that does not fit.
CAMPAIGNS = "campaigns"
Data = dict[str, Any]


class ReportButton(StrEnum):
    """The /report chat's buttons: r:<draft token>:<action>[:<arg>]."""

    TYPE = "type"  # :<activity type>
    TOPIC = "topic"  # :<category id>, toggled
    TOPICS_DONE = "topics"
    DATE = "date"  # :0 today, :1 yesterday
    SKIP = "skip"  # :<step>
    SUBMIT = "submit"
    EDIT = "edit"  # pick a field to correct
    FIELD = "field"  # :<step>
    BACK = "back"  # back to the summary card
    CANCEL = "cancel"
    INDICATORS = "inds"  # from the summary card: pick the indicators it also serves
    INDICATOR = "ind"  # :<indicator id>, toggled
    INDICATORS_DONE = "indsdone"  # back to the summary card
    SURE = "sure"  # :<step>, an unusual number is meant (see steps.unusual)
    CHANGE = "change"  # :<step>, it is not: the step's question again
    CLEAR_PHOTOS = "clearph"  # the photos step: the photos kept so far go, to send others


# Makes one of the draft's buttons: (label, action, *args) -> button (see Conversation.button).
Buttons = Callable[..., InlineKeyboardButton]


def rows(buttons: list[InlineKeyboardButton], width: int = 2) -> list[list[InlineKeyboardButton]]:
    return [buttons[i : i + width] for i in range(0, len(buttons), width)]


def topic_choices(library: Library, data: Data) -> list[tuple[str, str]]:
    """The topics step's (id, label) choices: the categories, then the campaigns that fit
    the activity's date and those the draft names or its report named (reopened from
    /myreports), which stay to be ticked again."""
    named = {*data.get(CAMPAIGNS, []), *data.get(TOPICS, []), *data.get(TOPICS_BEFORE, [])}
    return [(c.id, f"{c.emoji} {c.name}".strip()) for c in library.categories] + [
        (c.id, f"📅 {c.name}") for c in library.campaigns if c.id in named
    ]


def unfitting_names(library: Library, data: Data) -> str:
    """The campaigns the draft names that do not fit its date, as its texts name them
    (HTML-escaped); "" when all do."""
    unfitting = unfitting_campaigns(data.get(TOPICS, []), data.get(CAMPAIGNS, []), library)
    return html.escape(campaign_names(library, unfitting))


def topics_keyboard(
    library: Library, data: Data, texts: VolunteerTexts, button: Buttons
) -> InlineKeyboardMarkup:
    chosen = data.get(TOPICS, [])
    buttons = [
        button(f"{'✅ ' if topic in chosen else ''}{label}", ReportButton.TOPIC, topic)
        for topic, label in topic_choices(library, data)
    ]
    done = button(texts.topics_done_button, ReportButton.TOPICS_DONE)
    return InlineKeyboardMarkup([*rows(buttons), [done]])


def default_indicators(library: Library, data: Data) -> list[Indicator]:
    """The indicators the draft counts for by its type and campaigns, without tags."""
    kind, topics = str(data.get(TYPE, "")), data.get(TOPICS, [])
    return [i for i in library.indicators if counted_by_default(i, kind, topics)]


def indicators_keyboard(
    library: Library, data: Data, texts: VolunteerTexts, button: Buttons
) -> InlineKeyboardMarkup:
    """One button per indicator: those counted by default marked so (pressing one explains),
    the others volunteers may tag toggled with ✅; then 完成."""
    defaults = {i.id for i in default_indicators(library, data)}
    chosen = data.get(INDICATORS, [])
    buttons = []
    for indicator in library.indicators:
        if not indicator.volunteers_may_tag and indicator.id not in defaults:
            continue
        if indicator.id in defaults:
            label = texts.indicator_default_label.format(name=indicator.name)
        else:
            label = f"{'✅ ' if indicator.id in chosen else ''}{indicator.name}"
        buttons.append([button(label, ReportButton.INDICATOR, indicator.id)])
    done = button(texts.topics_done_button, ReportButton.INDICATORS_DONE)
    return InlineKeyboardMarkup([*buttons, [done]])


def prompt(
    step: str,
    data: Data,
    library: Library,
    texts: VolunteerTexts,
    max_age_days: int,
    button: Buttons,
) -> tuple[str, Markup]:
    """The question for `step` and its keyboard."""
    values = limits(max_age_days)
    skip = InlineKeyboardMarkup([[button(texts.skip_button, ReportButton.SKIP, step)]])
    if step == TYPE:
        types = [
            button(label, ReportButton.TYPE, key) for key, label in texts.activity_types.items()
        ]
        return texts.report_ask_type, InlineKeyboardMarkup(rows(types))
    if step == TOPICS:
        return texts.report_ask_topics, topics_keyboard(library, data, texts, button)
    if step == DATE:
        days = [
            button(texts.today_button, ReportButton.DATE, 0),
            button(texts.yesterday_button, ReportButton.DATE, 1),
        ]
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
        return texts.report_ask_photos.format(**values), photos_keyboard(data, texts, button)
    if step == SUMMARY:
        return texts.report_ask_summary.format(**values), None
    if step == INDICATORS:
        return texts.report_ask_indicators, indicators_keyboard(library, data, texts, button)
    return card(data, library, texts), confirm_keyboard(library, texts, button)


def photos_keyboard(data: Data, texts: VolunteerTexts, button: Buttons) -> InlineKeyboardMarkup:
    """What the photos step offers, under its question and under every answer to a photo:
    完成 once a photo is in (跳过 before), and then 清空 too, so photos a coordinator
    returned the report for can be replaced."""
    if not data.get(PHOTOS):
        return InlineKeyboardMarkup([[button(texts.skip_button, ReportButton.SKIP, PHOTOS)]])
    return InlineKeyboardMarkup(
        [
            [button(texts.photos_done_button, ReportButton.SKIP, PHOTOS)],
            [button(texts.photos_clear_button, ReportButton.CLEAR_PHOTOS)],
        ]
    )


def confirm_keyboard(
    library: Library, texts: VolunteerTexts, button: Buttons
) -> InlineKeyboardMarkup:
    indicators = [[button(texts.indicators_button, ReportButton.INDICATORS)]]
    return InlineKeyboardMarkup(
        [
            [button(texts.submit_button, ReportButton.SUBMIT)],
            *(indicators if library.indicators else []),
            [
                button(texts.edit_button, ReportButton.EDIT),
                button(texts.cancel_button, ReportButton.CANCEL),
            ],
        ]
    )


def indicator_names(library: Library, data: Data, texts: VolunteerTexts) -> str:
    """The indicators the report will count for: by default, then the ones picked."""
    chosen = data.get(INDICATORS, [])
    counted = [
        *default_indicators(library, data),
        *(i for i in library.indicators if i.id in chosen),
    ]
    names = list(dict.fromkeys(i.name for i in counted))
    return library.ui.list_separator.join(names) or texts.none_value


def fields_keyboard(texts: VolunteerTexts, button: Buttons) -> InlineKeyboardMarkup:
    fields = [button(texts.report_fields[step], ReportButton.FIELD, step) for step in STEPS[:-1]]
    return InlineKeyboardMarkup([*rows(fields, 3), [button(texts.back_button, ReportButton.BACK)]])


def card(data: Data, library: Library, texts: VolunteerTexts, submitted: int | None = None) -> str:
    """The summary card: to be checked and submitted, or (`submitted`, the report's id) as
    it reads once it is, without the question."""
    # A report reopened from /myreports may name a campaign among its topics.
    names = {c.id: c.name for c in library.campaigns} | {c.id: c.name for c in library.categories}
    topics = library.ui.list_separator.join(names.get(t, t) for t in data.get(TOPICS, []))
    topics = topics or texts.none_value
    materials = data.get(MATERIALS)
    photos = len(data.get(PHOTOS, []))
    values = {
        "type": texts.activity_types.get(data.get(TYPE, ""), data.get(TYPE, "")),
        "topics": topics,
        "date": _date_text(data.get(DATE)),
        "place": data.get(PLACE, ""),
        "audience": data.get(AUDIENCE, ""),
        "hours": f"{data[HOURS]:g}" if HOURS in data else "",
        "materials": texts.materials_value.format(count=materials)
        if materials is not None
        else texts.none_value,
        "photos": photos,
        "summary": data.get(SUMMARY, ""),
        "indicators": indicator_names(library, data, texts),
    }
    escaped = {key: html.escape(str(value)) for key, value in values.items()}
    body = texts.report_card.format(**escaped)
    if submitted is not None:
        return texts.report_card_submitted.format(id=submitted) + "\n" + body
    heading = texts.report_card_edit_title if data.get(REPORT_ID) else texts.report_card_title
    heading = heading.format(id=data.get(REPORT_ID, ""))
    if data.get(RETURNED):
        heading += "\n" + texts.report_card_returned.format(reason=html.escape(data[RETURNED]))
    if unfitting := unfitting_names(library, data):
        warning = texts.report_card_campaign_unfitting.format(
            names=unfitting, days=CAMPAIGN_GRACE.days
        )
        body += f"\n\n{warning}"
    return f"{heading}\n{body}\n\n{texts.report_card_ask}"


def _date_text(value: object) -> str:
    if not isinstance(value, str):
        return ""
    day = date.fromisoformat(value)
    return f"{day.isoformat()}（{weekday(day)}）"
