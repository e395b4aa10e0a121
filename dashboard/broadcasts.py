"""Broadcasts: compose (a text or a card), pick the audience with a live recipient count,
write the time as people say it, see the exact preview, schedule, cancel; watch a running
one's progress (sent / total, failed, time left) and stop it; the history with delivery
figures. Everything goes through the same scheduler as /broadcast (scheduler.service)."""

import html
import re
import secrets
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from markupsafe import Markup
from multidict import MultiDictProxy

from dashboard.common import (
    notice,
    number,
    page_of,
    past_the_end,
    render,
    see_other,
    services,
    texts,
    user,
)
from domain.answers import card_html, plain_text
from handlers.kit.context import Services
from scheduler.messages import album_items
from scheduler.planning import (
    TELEGRAM_TEXT_LIMIT,
    Plan,
    PlanError,
    PlanProblem,
    audience_name,
    check_audience,
    check_text,
    recipients,
    utf16_length,
)
from scheduler.timeparse import Now, WhenError, describe, parse_when
from storage import broadcasts as repo
from storage.audience import Audience
from storage.models import Broadcast, BroadcastStatus

MAX_ID = 2**31 - 1
KEY = re.compile(r"^[A-Za-z0-9_-]{8,32}$")
OPEN = (BroadcastStatus.SCHEDULED.value, BroadcastStatus.SENDING.value)
REMINDERS = ("campaign", "monthly")  # written by the calendar, muted rather than cancelled
REMINDERS_PER_PAGE = 30  # the calendar's reminders are paged (`?reminders=2`), none hidden
HISTORY_PER_PAGE = 20  # and the history (`?page=2`)
HISTORY = ["coordinator", "campaign", "monthly"]
ENDED = (
    BroadcastStatus.DONE.value,
    BroadcastStatus.CANCELLED.value,
    BroadcastStatus.MISSED.value,
)
# What each plan problem is called in the dashboard's texts.
PROBLEMS = {
    PlanProblem.EMPTY: "empty",
    PlanProblem.NO_LETTERS: "no_letters",
    PlanProblem.UNKNOWN_CARD: "pick_card",
    PlanProblem.UNKNOWN_AUDIENCE: "pick_audience",
    PlanProblem.NOBODY: "nobody",
    PlanProblem.PAST: "past",
    PlanProblem.ALREADY: "already",
}


@dataclass(frozen=True)
class Draft:
    """The compose form, as posted (preview and confirm carry the same fields)."""

    kind: str  # "text" | "card"
    text: str
    card_id: str
    target: str  # "<audience>|<value>"
    when: str
    key: str

    @property
    def audience(self) -> tuple[Audience, str] | None:
        kind, _, value = self.target.partition("|")
        try:
            return Audience(kind), value
        except ValueError:
            return None


def targets(bot: Services) -> list[tuple[str, str]]:
    """(form value, label) of every audience a coordinator may pick."""
    library = bot.library
    chosen = [(Audience.ALL, ""), (Audience.GROUPS, ""), (Audience.VOLUNTEERS, "")]
    chosen += [(Audience.VOLUNTEERS, t.town) for t in library.towns]
    chosen += [(Audience.CATEGORY, c.id) for c in library.categories]
    chosen += [(Audience.TOWN, t.town) for t in library.towns]
    return [
        (f"{audience.value}|{value}", audience_name(library, audience, value))
        for audience, value in chosen
    ]


async def count(bot: Services, audience: Audience, value: str) -> int:
    async with bot.db.session() as session:
        found = await recipients(
            session=session, audience=audience, value=value, now=bot.now(), tz=bot.tz
        )
    return len(found)


async def broadcasts_page(request: web.Request) -> web.StreamResponse:
    bot = services(request)
    page = page_of(request, size=HISTORY_PER_PAGE)
    shown = page_of(request, "reminders", REMINDERS_PER_PAGE)
    async with bot.db.session() as session:
        waiting = await repo.listed(session=session, origins=["coordinator"], statuses=OPEN)
        reminders = await repo.upcoming(
            session=session, origins=REMINDERS, offset=shown.offset, limit=shown.size
        )
        reminders_total = await repo.count_upcoming(session=session, origins=REMINDERS)
        history = await repo.listed(
            session=session,
            origins=HISTORY,
            statuses=ENDED,
            offset=page.offset,
            limit=page.size,
        )
        history_total = await repo.count_listed(session=session, origins=HISTORY, statuses=ENDED)
        figures = await repo.counts_of(
            session=session, broadcast_ids=[b.id for b in history if b.id is not None]
        )
    for asked, total, name in (
        (page, history_total, "page"),
        (shown, reminders_total, "reminders"),
    ):
        if (last := past_the_end(request, asked, asked.pages(total), name)) is not None:
            return last
    return _compose(
        request,
        Draft("text", "", "", "all|", "", secrets.token_urlsafe(12)),
        waiting=waiting,
        reminders=reminders,
        reminders_page=shown,
        reminders_pages=shown.pages(reminders_total),
        reminders_total=reminders_total,
        audiences={b.id: _audience(bot, b) for b in reminders},
        campaigns={c.id: c.name for c in bot.library.campaigns},
        history=history,
        figures=figures,
        page=page,
        pages=page.pages(history_total),
    )


def _audience(bot: Services, row: Broadcast) -> str:
    return audience_name(bot.library, Audience(row.audience), row.audience_value)


def _compose(request: web.Request, draft: Draft, **values: Any) -> web.StreamResponse:
    bot = services(request)
    values.setdefault("waiting", [])
    values.setdefault("reminders", [])
    values.setdefault("reminders_total", 0)
    values.setdefault("campaigns", {})
    values.setdefault("history", None)
    values.setdefault("problem", "")
    return render(
        request,
        "broadcasts.html",
        draft=draft,
        targets=targets(bot),
        cards=sorted(bot.library.cards.values(), key=lambda c: c.title),
        examples=bot.when_examples(),
        labels=_labels(bot),
        tz=bot.tz,
        **values,
    )


def _labels(bot: Services) -> dict[str, str]:
    ui = bot.ui.broadcasts
    return {s.value: str(getattr(ui, f"status_{s.value}", s.value)) for s in BroadcastStatus}


async def recipient_count(request: web.Request) -> web.StreamResponse:
    bot = services(request)
    draft = Draft("text", "", "", request.query.get("target", ""), "", "")
    chosen = draft.audience
    try:
        if chosen is None:
            raise PlanError(PlanProblem.UNKNOWN_AUDIENCE)
        check_audience(bot.library, *chosen)
    except PlanError:
        return web.json_response({"count": 0})
    return web.json_response({"count": await count(bot, *chosen)})


def _draft(form: MultiDictProxy[Any]) -> Draft:
    def field(name: str, limit: int | None) -> str:
        value = form.get(name, "")
        return value[:limit] if isinstance(value, str) else ""

    return Draft(
        kind="card" if field("kind", 8) == "card" else "text",
        # whole, as typed (the request's size bounds it): one too long is refused, not cut
        text=field("text", None).replace("\r\n", "\n"),
        card_id=field("card_id", 64),
        target=field("target", 200),
        when=field("when", 100),
        key=field("key", 32),
    )


def _checked(bot: Services, draft: Draft) -> tuple[Plan, str]:
    """The plan and its exact message HTML; raises PlanError or WhenError."""
    chosen = draft.audience
    if chosen is None:
        raise PlanError(PlanProblem.UNKNOWN_AUDIENCE)
    check_audience(bot.library, *chosen)
    if draft.kind == "card":
        card = bot.library.cards.get(draft.card_id)
        if card is None:
            raise PlanError(PlanProblem.UNKNOWN_CARD)
        message = card_html(card, bot.library)
    else:
        message = html.escape(draft.text.strip())  # plain text, shown exactly as typed
        check_text(plain_text(message))
    when = parse_when(draft.when, bot.local_now()) if draft.when.strip() else Now()
    plan = Plan(
        created_by=0,
        key=draft.key,
        audience=chosen[0],
        audience_value=chosen[1],
        when=when,
        content_kind=draft.kind,
        text=message if draft.kind == "text" else "",
        card_id=draft.card_id if draft.kind == "card" else None,
    )
    return plan, message


def _problem(bot: Services, error: Exception, draft: Draft) -> str:
    if isinstance(error, WhenError):
        ui = bot.ui.broadcasts
        return f"{getattr(ui, f'when_{error.problem.value}')} {bot.when_examples()}"
    assert isinstance(error, PlanError)
    if error.problem is PlanProblem.TOO_LONG:
        length = utf16_length(draft.text.strip())  # as Telegram counts it
        return bot.ui.dashboard.too_long.format(length=length, limit=TELEGRAM_TEXT_LIMIT)
    said = bot.ui.dashboard
    return str(getattr(said, PROBLEMS.get(error.problem, "check_input")))


async def preview(request: web.Request) -> web.StreamResponse:
    bot = services(request)
    draft = _draft(await request.post())
    if not KEY.match(draft.key):
        return notice(request, texts(request).bad_form, 400)
    try:
        plan, message = _checked(bot, draft)
    except (PlanError, WhenError) as error:
        return _compose(request, draft, problem=_problem(bot, error, draft))
    reached = await count(bot, plan.audience, plan.audience_value)
    if reached == 0:
        return _compose(request, draft, problem=bot.ui.dashboard.nobody)
    return render(
        request,
        "broadcast_preview.html",
        draft=draft,
        message=Markup(message),  # safe: escaped text or card_html (escaped, <b>/<i>)
        audience=audience_name(bot.library, plan.audience, plan.audience_value),
        reached=reached,
        when=bot.describe_when(plan.when),
    )


async def create(request: web.Request) -> web.StreamResponse:
    bot = services(request)
    draft = _draft(await request.post())
    if not KEY.match(draft.key):
        return notice(request, texts(request).bad_form, 400)
    try:
        plan, _ = _checked(bot, draft)
        plan = Plan(**{**plan.__dict__, "created_by": user(request).telegram_id})
        row = await bot.broadcasting.create(plan)
    except (PlanError, WhenError) as error:
        return _compose(request, draft, problem=_problem(bot, error, draft))
    return see_other(f"/dashboard/broadcasts/{row.id}")


async def _broadcast(request: web.Request) -> Broadcast | None:
    bot = services(request)
    broadcast_id = number(request.match_info["broadcast_id"], maximum=MAX_ID)
    if broadcast_id is None:
        return None
    async with bot.db.session() as session:
        return await repo.get_broadcast(session=session, broadcast_id=broadcast_id)


async def broadcast_page(request: web.Request) -> web.StreamResponse:
    bot = services(request)
    row = await _broadcast(request)
    if row is None:
        return notice(request, texts(request).no_broadcast, 404)
    if row.content_kind == "card" and row.card_id in bot.library.cards:
        message = card_html(bot.library.cards[row.card_id], bot.library)
    elif row.content_kind == "copy":
        message = texts(request).copied_message
    elif row.content_kind == "album":
        items = album_items(row.text)
        caption = next((i.caption for i in items if i.caption), "")
        message = texts(request).album_message.format(count=len(items), caption=caption)
    else:
        message = row.text  # stored as Telegram HTML: shown as text, never as markup
    return render(
        request,
        "broadcast.html",
        row=row,
        message=plain_text(message),
        audience=_audience(bot, row),
        when=describe(row.send_at.astimezone(bot.tz)),
        labels=_labels(bot),
        cancelled=request.query.get("cancelled", ""),
    )


async def progress(request: web.Request) -> web.StreamResponse:
    bot = services(request)
    row = await _broadcast(request)
    if row is None or row.id is None:
        raise web.HTTPNotFound()
    async with bot.db.session() as session:
        figures = await repo.counts(session=session, broadcast_id=row.id)
    total = row.total or figures.total
    done = figures.finished
    eta = "—"
    running = row.status == BroadcastStatus.SENDING
    if running and row.started_at is not None and done:
        elapsed = (bot.now() - row.started_at).total_seconds()
        left = max(0.0, elapsed / done * (total - done))
        eta = bot.ui.dashboard.eta.format(minutes=int(left // 60), seconds=int(left % 60))
    return web.json_response(
        {
            "status": row.status,
            "status_label": _labels(bot).get(row.status, row.status),
            "running": running,
            "ended": row.status in ENDED,
            "total": total,
            "done": done,
            "sent": figures.sent,
            "failed": figures.failed + figures.blocked + figures.uncertain,
            "eta": eta,
        }
    )


async def mute(request: web.Request) -> web.StreamResponse:
    """静音 / 恢复 a campaign or monthly reminder not sent yet (as /campaigns does in the chat)."""
    bot = services(request)
    row = await _broadcast(request)
    if row is None or row.id is None or row.origin not in REMINDERS:
        return notice(request, texts(request).no_broadcast, 404)
    muted = (await request.post()).get("muted") == "1"
    await bot.broadcasting.set_muted(row.id, muted, user(request).telegram_id)
    shown = page_of(request, "reminders", REMINDERS_PER_PAGE)  # back to the page it was on
    return see_other(f"/dashboard/broadcasts?reminders={shown.number}#reminders")


async def cancel(request: web.Request) -> web.StreamResponse:
    bot = services(request)
    row = await _broadcast(request)
    if row is None or row.id is None:
        return notice(request, texts(request).no_broadcast, 404)
    done, _before = await bot.broadcasting.cancel(row.id, user(request).telegram_id)
    return see_other(f"/dashboard/broadcasts/{row.id}?cancelled={'1' if done else '0'}")
