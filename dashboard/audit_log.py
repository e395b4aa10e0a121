"""The audit log: who did what (promotions, broadcasts, content edits, exports, refusals), in
the coordinator's words: each action id by its label in ui.zh.yaml (`audit_actions`), the
key=value words of a detail by the keys' names (`audit_details`), True and False as 是 and 否;
what has no label is shown as recorded. People are named as the bot knows them: who acted, and
whose role a promotion or demotion changed."""

from typing import NamedTuple

from aiohttp import web

from content.ui_dashboard import DashboardTexts
from dashboard.common import page_of, render, services, texts
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


def _target(entry: AuditLog, names: dict[int, str]) -> str:
    person = _person(entry)
    if person is None or person not in names:
        return entry.target
    return f"{names[person]}（{person}）"


def detail_text(detail: str, ui: DashboardTexts) -> str:
    words = []
    for word in detail.split(" "):
        key, equals, value = word.partition("=")
        if equals and key in ui.audit_details:
            value = {"True": ui.audit_yes, "False": ui.audit_no}.get(value, value)
            word = f"{ui.audit_details[key]}：{value}"
        words.append(word)
    return " ".join(words)


async def audit_page(request: web.Request) -> web.StreamResponse:
    bot, ui = services(request), texts(request)
    page = page_of(request)
    async with bot.db.session() as session:
        entries, total = await recent(session=session, offset=page.offset, limit=page.size)
        people = {e.actor_id for e in entries if e.actor_id is not None}
        people |= {p for e in entries if (p := _person(e)) is not None}
        names = await names_of(session=session, ids=people)
    lines = [
        Line(
            e,
            ui.audit_actions.get(e.action, e.action),
            _target(e, names),
            detail_text(e.detail, ui)[:DETAIL_CHARS],
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
