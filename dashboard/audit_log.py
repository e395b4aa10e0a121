"""The audit log: who did what (promotions, broadcasts, content edits, exports, refusals), in
the coordinator's words: each action id by its label in ui.zh.yaml (`audit_actions`), the
key=value words of a detail by the keys' names (`audit_details`) and their values, like the
outcome of a decision or an audience, by theirs (`audit_values`, which also name a target
recorded as a word: reports, report 12 as 报告 #12), True and False as 是 and 否,
times and dates as local ones (12月6日 12:00, 2026年9月14日); what has no label is shown as
recorded. People are named as the bot knows them: who acted, and whose role a promotion or
demotion changed."""

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from aiohttp import web

from content.dates import long_date, short_date
from content.ui_dashboard import DashboardTexts
from dashboard.common import page_of, past_the_end, render, services, texts
from storage.audit import recent
from storage.models import AuditLog
from storage.people import names_of

DETAIL_CHARS = 120
# Actions whose target is a person's Telegram id (the chat's /promote, /demote and the
# dashboard's role page).
ON_A_PERSON = frozenset({"promote", "demote", "dashboard.promote", "dashboard.demote"})


class Line(NamedTuple):
    entry: AuditLog
    action: str
    target: str
    detail: str


def _person(entry: AuditLog) -> int | None:
    target = entry.target
    on_a_person = entry.action in ON_A_PERSON and target.isascii() and target.isdigit()
    return int(target) if on_a_person and len(target) < 19 else None


# A target recorded as a word, perhaps with a number: "reports", "report 12".
NAMED = re.compile(r"^(?P<word>[a-z]+)(?: (?P<id>\d+))?$")


def _target(entry: AuditLog, names: dict[int, str], ui: DashboardTexts) -> str:
    """Whom or what the action was on: a person by name, a report as 报告 #12."""
    person = _person(entry)
    if person is not None and person in names:
        return f"{names[person]}（{person}）"
    named = NAMED.match(entry.target)
    if named is None or named["word"] not in ui.audit_values:
        return entry.target
    word = ui.audit_values[named["word"]]
    return f"{word} #{named['id']}" if named["id"] else word


MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[+-]\d{2}:\d{2}|Z)?")
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# broadcast.create: "<audience>:<its value> at <time>"; broadcast.resend: "of <id>: <count>".
CREATED = re.compile(r"^(?P<audience>[a-z]+):(?P<value>\S*) at (?P<at>\S+)$")
RESENT = re.compile(r"^of (?P<id>\d+): (?P<count>\d+)$")
# content.edit, as content.editing words its summaries: the text (audit_edit_<key>) for each.
EDITS = {
    "sample_withdrawn": re.compile(
        r"^sample question withdrawn from (?P<card>\S+): (?P<text>.*)$"
    ),
    "sample": re.compile(r"^sample question for (?P<card>\S+): (?P<text>.*)$"),
    "synonym_withdrawn": re.compile(r"^synonym withdrawn: (?P<word>.*) = (?P<same_as>.*)$"),
    "synonym": re.compile(r"^synonym (?P<word>.*) = (?P<same_as>.*)$"),
    "label_withdrawn": re.compile(r"^label withdrawn: (?P<text>.*)$"),
    "labelled": re.compile(r"^labelled (?P<card>\S+): (?P<text>.*)$"),
}


def detail_text(
    detail: str, ui: DashboardTexts, tz: ZoneInfo, titles: Mapping[str, str] | None = None
) -> str:
    """`detail` in the coordinator's words; `titles` (card id -> title) names the cards of
    content edits."""
    for key, pattern in EDITS.items():
        if edit := pattern.match(detail):
            found = edit.groupdict()
            if "card" in found:
                card = found["card"]
                found["card"] = (titles or {}).get(card) or ui.audit_values.get(card, card)
            text: str = getattr(ui, f"audit_edit_{key}")
            return text.format(**found)
    if created := CREATED.match(detail):
        audience = ui.audit_values.get(created["audience"], created["audience"])
        value = f"（{created['value']}）" if created["value"] else ""
        detail = f"audience={audience}{value} at={created['at']}"
    elif resent := RESENT.match(detail):
        detail = f"of=#{resent['id']} count={resent['count']}"
    detail = MOMENT.sub(lambda m: _moment(m.group(), tz), detail.replace("..", " ~ "))
    detail = DAY.sub(lambda m: _day(m.group()), detail)
    words = []
    for word in detail.split(" "):
        key, equals, value = word.partition("=")
        if equals and key in ui.audit_details:
            word = f"{ui.audit_details[key]}：{_value(value, ui)}"
        else:
            word = _value(word, ui)
        words.append(word)
    return " ".join(words)


def _value(value: str, ui: DashboardTexts) -> str:
    return {"True": ui.audit_yes, "False": ui.audit_no}.get(value) or ui.audit_values.get(
        value, value
    )


def _moment(text: str, tz: ZoneInfo) -> str:
    moment = datetime.fromisoformat(text)
    local = moment.astimezone(tz) if moment.tzinfo else moment
    return f"{short_date(local)} {local:%H:%M}"


def _day(text: str) -> str:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return text
    return long_date(day)


async def audit_page(request: web.Request) -> web.StreamResponse:
    bot, ui = services(request), texts(request)
    page = page_of(request)
    async with bot.db.session() as session:
        entries, total = await recent(session=session, offset=page.offset, limit=page.size)
        people = {e.actor_id for e in entries if e.actor_id is not None}
        people |= {p for e in entries if (p := _person(e)) is not None}
        names = await names_of(session=session, ids=people)
    if (last := past_the_end(request, page, page.pages(total))) is not None:
        return last
    titles = {card.id: card.title for card in bot.library.cards.values()}
    lines = [
        Line(
            e,
            ui.audit_actions.get(e.action, e.action),
            _target(e, names, ui),
            detail_text(e.detail, ui, bot.tz, titles)[:DETAIL_CHARS],
        )
        for e in entries
    ]
    return render(
        request,
        "audit.html",
        lines=lines,
        names=names,
        tz=bot.tz,
        page=page,
        pages=page.pages(total),
        query={},
    )
