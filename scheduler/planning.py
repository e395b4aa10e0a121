"""Broadcast planning: check what a coordinator asked for, store it, and when its time comes
write one delivery row per recipient before anything is sent."""

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from content.loader import Library
from content.report_input import has_letters
from scheduler.timeparse import Now, Once, Weekly, When
from storage import broadcasts as repo
from storage.audience import Audience, audience_chat_ids, split_values
from storage.models import Broadcast, BroadcastStatus

TELEGRAM_TEXT_LIMIT = 4096


class PlanProblem(StrEnum):
    EMPTY = "empty"
    NO_LETTERS = "no_letters"  # only emoji, digits or symbols: it says nothing
    TOO_LONG = "too_long"
    UNKNOWN_CARD = "unknown_card"
    UNKNOWN_AUDIENCE = "unknown_audience"
    NOBODY = "nobody"
    PAST = "past"  # confirmed after the time it was set for
    ALREADY = "already"  # the same draft was confirmed before


class PlanError(ValueError):
    def __init__(self, problem: PlanProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True)
class Plan:
    """A coordinator's broadcast, complete and ready to confirm."""

    # None: nobody's now (a contest's leaderboard whose coordinator was erased by /deleteme),
    # so its summary goes, as a calendar reminder's, to the admins when something went wrong
    created_by: int | None
    key: str  # unique per draft: a second confirmation of it changes nothing
    audience: Audience
    audience_value: str
    when: When
    content_kind: str = "text"  # "text" (Telegram HTML) | "card" | "copy" | "album"
    text: str = ""  # the album, for "album" (scheduler.messages.album_text)
    card_id: str | None = None
    source: tuple[int, int] | None = None  # (chat id, message id) of a forwarded message


def draft_key(created_by: int | None, key: str) -> str:
    """The dedupe key a confirmed draft is stored under: one broadcast however often it is
    confirmed."""
    return f"draft:{created_by or 0}:{key}"


def utf16_length(text: str) -> int:
    """How Telegram measures a message."""
    return len(text.encode("utf-16-le")) // 2


def check_text(plain: str) -> None:
    """`plain` is the text as recipients read it (markup removed)."""
    if not plain.strip():
        raise PlanError(PlanProblem.EMPTY)
    if utf16_length(plain) > TELEGRAM_TEXT_LIMIT:
        raise PlanError(PlanProblem.TOO_LONG)
    if not has_letters(plain):
        raise PlanError(PlanProblem.NO_LETTERS)


def check_audience(library: Library, audience: Audience, value: str) -> None:
    towns = {t.town for t in library.towns}
    categories = {c.id for c in library.categories}
    known = (
        (audience is Audience.CATEGORY and value in categories)
        or (audience is Audience.TOWN and (value in towns or not towns) and bool(value))
        or (audience is Audience.VOLUNTEERS and (not value or value in towns or not towns))
        or (audience in (Audience.ALL, Audience.GROUPS) and not value)
        or (audience is Audience.CONTEST and value.isascii() and value.isdigit())
    )
    if not known:
        raise PlanError(PlanProblem.UNKNOWN_AUDIENCE)


def audience_name(library: Library, audience: Audience, value: str) -> str:
    """Who a broadcast goes to, as people read it (plain text): "所有订阅者", "“劳动与工资”的
    订阅者", "示例县东山镇的志愿者"... The chat's confirmations and lists and the dashboard's
    pages all name an audience with this."""
    ui = library.ui.broadcasts
    names = {c.id: c.name for c in library.categories}
    if audience is Audience.CATEGORY:
        return ui.audience_category.format(name=names.get(value, value))
    if audience is Audience.CATEGORIES:
        return ui.audience_category.format(
            name=library.ui.list_separator.join(names.get(v, v) for v in split_values(value))
        )
    if audience is Audience.TOWN:
        return ui.audience_town.format(town=value)
    if audience is Audience.VOLUNTEERS and value:
        return ui.audience_volunteers_town.format(
            town=library.ui.list_separator.join(split_values(value))
        )
    return {
        Audience.ALL: ui.audience_all,
        Audience.GROUPS: ui.audience_groups,
        Audience.VOLUNTEERS: ui.audience_volunteers,
        Audience.UNREPORTED: ui.audience_unreported,
        Audience.CASES: library.ui.engagement.audience_cases,
        Audience.EVENT: library.ui.engagement.audience_event,
        Audience.CONTEST: library.ui.quiz.audience,
    }[audience]


async def recipients(
    *, session: AsyncSession, audience: Audience, value: str, now: datetime, tz: ZoneInfo
) -> list[int]:
    return await audience_chat_ids(
        session=session, audience=audience, value=value, today=now.astimezone(tz).date(), tz=tz
    )


async def store_draft(
    *, session: AsyncSession, draft: Plan, library: Library, now: datetime, tz: ZoneInfo
) -> Broadcast:
    """The broadcast row, scheduled for its time ("now" is due at once). Raises PlanError."""
    if draft.content_kind == "card" and draft.card_id not in library.cards:
        raise PlanError(PlanProblem.UNKNOWN_CARD)
    check_audience(library, draft.audience, draft.audience_value)
    if isinstance(draft.when, Once) and draft.when.at <= now:
        raise PlanError(PlanProblem.PAST)
    found = await recipients(
        session=session, audience=draft.audience, value=draft.audience_value, now=now, tz=tz
    )
    if not found:
        raise PlanError(PlanProblem.NOBODY)
    row = broadcast_row(draft, send_at=_first_time(draft.when, now, tz))
    row.recurrence = draft.when.encode() if isinstance(draft.when, Weekly) else None
    row.dedupe_key, row.created_at = draft_key(draft.created_by, draft.key), now
    stored = await repo.add_broadcast(session=session, broadcast=row)
    if stored is None:
        raise PlanError(PlanProblem.ALREADY)
    return stored


def broadcast_row(draft: Plan, *, send_at: datetime) -> Broadcast:
    """What the draft sends and to whom, as a (not yet stored) row; also what previews show."""
    return Broadcast(
        origin="coordinator",
        created_by=draft.created_by,
        content_kind=draft.content_kind,
        text=draft.text,
        card_id=draft.card_id,
        source_chat_id=draft.source[0] if draft.source else None,
        source_message_id=draft.source[1] if draft.source else None,
        audience=draft.audience.value,
        audience_value=draft.audience_value,
        send_at=send_at,
    )


def _first_time(when: When, now: datetime, tz: ZoneInfo) -> datetime:
    if isinstance(when, Now):
        return now
    if isinstance(when, Once):
        return when.at
    return when.next_after(now.astimezone(tz))


async def begin_sending(
    *, session: AsyncSession, broadcast: Broadcast, now: datetime, tz: ZoneInfo
) -> int | None:
    """Claims a due broadcast and plans its deliveries in one transaction; the number of
    recipients, or None if someone else claimed it first (or it was cancelled meanwhile)."""
    assert broadcast.id is not None
    chat_ids = await recipients(
        session=session,
        audience=Audience(broadcast.audience),
        value=broadcast.audience_value,
        now=now,
        tz=tz,
    )
    claimed = await repo.transition(
        session=session,
        broadcast_id=broadcast.id,
        allowed=[BroadcastStatus.SCHEDULED],
        status=BroadcastStatus.SENDING,
        started_at=now,
        total=len(chat_ids),
    )
    if not claimed:
        return None
    await repo.plan_deliveries(
        session=session, broadcast_id=broadcast.id, chat_ids=chat_ids, now=now
    )
    return len(chat_ids)


def resend_of(original: Broadcast, *, by: int, now: datetime, total: int) -> Broadcast:
    """The same message again, being sent now (to recipients the caller plans), once."""
    return Broadcast(
        origin="coordinator",
        created_by=by,
        content_kind=original.content_kind,
        text=original.text,
        card_id=original.card_id,
        source_chat_id=original.source_chat_id,
        source_message_id=original.source_message_id,
        audience=original.audience,
        audience_value=original.audience_value,
        send_at=now,
        status=BroadcastStatus.SENDING,
        started_at=now,
        total=total,
        dedupe_key=f"resend:{original.id}",
        created_at=now,
    )


def occurrence_of(parent: Broadcast) -> Broadcast:
    """One week's instance of a recurring announcement (its own deliveries and summary)."""
    return Broadcast(
        origin=parent.origin,
        created_by=parent.created_by,
        content_kind=parent.content_kind,
        text=parent.text,
        card_id=parent.card_id,
        source_chat_id=parent.source_chat_id,
        source_message_id=parent.source_message_id,
        audience=parent.audience,
        audience_value=parent.audience_value,
        send_at=parent.send_at,
        parent_id=parent.id,
        dedupe_key=f"occ:{parent.id}:{parent.send_at.astimezone(UTC):%Y%m%d%H%M}",
    )
