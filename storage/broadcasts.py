"""Broadcasts and their per-recipient deliveries: the database is the source of truth.

Every change of state is a conditional UPDATE (`... WHERE state = <expected>`), so two
actors racing (the engine and a cancel, a double-pressed button, a restart) cannot both win.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Integer, String, bindparam, func, insert, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import (
    Broadcast,
    BroadcastStatus,
    CampaignDates,
    Delivery,
    DeliveryState,
    utcnow,
)

OPEN = (BroadcastStatus.SCHEDULED.value, BroadcastStatus.MUTED.value)
_INSERT_CHUNK = 1000


@dataclass(frozen=True)
class DeliveryTask:
    id: int
    broadcast_id: int
    chat_id: int
    attempts: int


@dataclass(frozen=True)
class Counts:
    total: int
    pending: int = 0
    sending: int = 0
    sent: int = 0
    failed: int = 0
    blocked: int = 0
    uncertain: int = 0
    cancelled: int = 0

    @property
    def finished(self) -> int:
        return self.total - self.pending - self.sending


async def add_broadcast(*, session: AsyncSession, broadcast: Broadcast) -> Broadcast | None:
    """Inserts `broadcast`; None if one with the same `dedupe_key` exists already."""
    if broadcast.dedupe_key is not None:
        existing = await find_by_key(session=session, key=broadcast.dedupe_key)
        if existing is not None:
            return None
    try:
        async with session.begin_nested():
            session.add(broadcast)
            await session.flush()
    except IntegrityError:  # a concurrent insert of the same key won
        return None
    return broadcast


async def add_broadcasts(
    *, session: AsyncSession, broadcasts: Sequence[Broadcast]
) -> list[Broadcast]:
    """Inserts `broadcasts` (each with a `dedupe_key`, found not stored by the caller, see
    `find_by_keys`) in one flush; returns the ones inserted. If some key is stored after all
    (another process, or twice in the batch), falls back to one at a time, skipping those
    (copies, since a failed flush leaves the originals unusable)."""
    if not broadcasts:
        return []
    copies = [Broadcast.model_validate(b.model_dump()) for b in broadcasts]
    try:
        async with session.begin_nested():
            session.add_all(broadcasts)
            await session.flush()
    except IntegrityError:  # a concurrent insert of some key won
        added = [await add_broadcast(session=session, broadcast=b) for b in copies]
        return [row for row in added if row is not None]
    return list(broadcasts)


async def find_by_key(*, session: AsyncSession, key: str) -> Broadcast | None:
    return (await session.exec(select(Broadcast).where(Broadcast.dedupe_key == key))).first()


async def find_by_keys(*, session: AsyncSession, keys: Sequence[str]) -> dict[str, Broadcast]:
    """The stored broadcasts with these `dedupe_key`s, by key."""
    found: dict[str, Broadcast] = {}
    for start in range(0, len(keys), _INSERT_CHUNK):
        chunk = keys[start : start + _INSERT_CHUNK]
        rows = await session.exec(select(Broadcast).where(col(Broadcast.dedupe_key).in_(chunk)))
        found.update((row.dedupe_key, row) for row in rows if row.dedupe_key is not None)
    return found


async def get_broadcast(*, session: AsyncSession, broadcast_id: int) -> Broadcast | None:
    return await session.get(Broadcast, broadcast_id)


async def transition(
    *,
    session: AsyncSession,
    broadcast_id: int,
    allowed: Sequence[str],
    status: str,
    **values: Any,
) -> bool:
    """Moves a broadcast to `status` only if it is in one of the `allowed` states."""
    result = await session.exec(
        update(Broadcast)
        .where(col(Broadcast.id) == broadcast_id, col(Broadcast.status).in_(allowed))
        .values(status=status, **values)
    )
    return bool(result.rowcount)


async def change(
    *, session: AsyncSession, broadcast_id: int, allowed: Sequence[str], **values: Any
) -> bool:
    """Updates fields of a broadcast that is still in one of the `allowed` states."""
    result = await session.exec(
        update(Broadcast)
        .where(col(Broadcast.id) == broadcast_id, col(Broadcast.status).in_(allowed))
        .values(**values)
    )
    return bool(result.rowcount)


async def due(*, session: AsyncSession, now: datetime) -> list[Broadcast]:
    rows = await session.exec(
        select(Broadcast)
        .where(Broadcast.status == BroadcastStatus.SCHEDULED.value, Broadcast.send_at <= now)
        .order_by(col(Broadcast.send_at), col(Broadcast.id))
    )
    return list(rows.all())


async def upcoming(
    *,
    session: AsyncSession,
    origins: Iterable[str],
    statuses: Iterable[str] = OPEN,
    until: datetime | None = None,
    offset: int = 0,
    limit: int = 50,
) -> list[Broadcast]:
    """Broadcasts of these origins in these states, the soonest first (`count_upcoming` says
    how many there are in all)."""
    rows = await session.exec(
        select(Broadcast)
        .where(*_upcoming(origins, statuses, until))
        .order_by(col(Broadcast.send_at), col(Broadcast.id))
        .offset(offset)
        .limit(limit)
    )
    return list(rows.all())


async def count_upcoming(
    *,
    session: AsyncSession,
    origins: Iterable[str],
    statuses: Iterable[str] = OPEN,
    until: datetime | None = None,
) -> int:
    conditions = _upcoming(origins, statuses, until)
    counted = select(func.count()).select_from(Broadcast).where(*conditions)
    return int((await session.exec(counted)).one())


def _upcoming(
    origins: Iterable[str], statuses: Iterable[str], until: datetime | None
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [
        col(Broadcast.origin).in_(list(origins)),
        col(Broadcast.status).in_(list(statuses)),
    ]
    if until is not None:
        conditions.append(col(Broadcast.send_at) <= until)
    return conditions


async def with_status(*, session: AsyncSession, status: str) -> list[Broadcast]:
    rows = await session.exec(
        select(Broadcast).where(Broadcast.status == status).order_by(col(Broadcast.id))
    )
    return list(rows.all())


async def unreported(*, session: AsyncSession) -> list[Broadcast]:
    """Finished, cancelled or missed broadcasts whose summary has not been given yet."""
    ended = [BroadcastStatus.DONE, BroadcastStatus.CANCELLED, BroadcastStatus.MISSED]
    rows = await session.exec(
        select(Broadcast)
        .where(col(Broadcast.status).in_(ended), col(Broadcast.reported_at).is_(None))
        .order_by(col(Broadcast.id))
    )
    return list(rows.all())


async def plan_deliveries(
    *, session: AsyncSession, broadcast_id: int, chat_ids: Sequence[int], now: datetime
) -> None:
    """One pending row per recipient, all in the caller's transaction."""
    rows = [
        {
            "broadcast_id": broadcast_id,
            "chat_id": chat_id,
            "state": DeliveryState.PENDING.value,
            "attempts": 0,
            "error": "",
            "updated_at": now,
        }
        for chat_id in chat_ids
    ]
    for start in range(0, len(rows), _INSERT_CHUNK):
        await session.exec(insert(Delivery), params=rows[start : start + _INSERT_CHUNK])


async def recover_interrupted(*, session: AsyncSession, now: datetime) -> dict[int, int]:
    """Rows left `sending` by a crash become `uncertain` (never re-sent); counts by broadcast."""
    counted = await session.exec(
        select(Delivery.broadcast_id, func.count())
        .where(Delivery.state == DeliveryState.SENDING.value)
        .group_by(col(Delivery.broadcast_id))
    )
    counts = {int(b): int(n) for b, n in counted.all()}
    if counts:
        await session.exec(
            update(Delivery)
            .where(col(Delivery.state) == DeliveryState.SENDING.value)
            .values(
                state=DeliveryState.UNCERTAIN.value,
                error="interrupted: the bot stopped while this message was being sent",
                updated_at=now,
            )
        )
    return counts


async def pending_batch(
    *, session: AsyncSession, after_id: int, limit: int, now: datetime
) -> list[DeliveryTask]:
    """Pending deliveries of broadcasts being sent, oldest first, ready by `not_before`."""
    rows = await session.exec(
        select(Delivery.id, Delivery.broadcast_id, Delivery.chat_id, Delivery.attempts)
        .join(Broadcast, col(Broadcast.id) == col(Delivery.broadcast_id))
        .where(
            col(Delivery.state) == DeliveryState.PENDING.value,
            col(Delivery.id) > after_id,
            col(Broadcast.status) == BroadcastStatus.SENDING.value,
            (col(Delivery.not_before).is_(None)) | (col(Delivery.not_before) <= now),
        )
        .order_by(col(Delivery.id))
        .limit(limit)
    )
    return [DeliveryTask(i or 0, b, c, a) for i, b, c, a in rows.all()]


async def next_retry_at(*, session: AsyncSession) -> datetime | None:
    """The earliest `not_before` of a pending delivery waiting to be retried."""
    row = await session.exec(
        select(func.min(Delivery.not_before)).where(
            col(Delivery.state) == DeliveryState.PENDING.value,
            col(Delivery.not_before).is_not(None),
        )
    )
    value = row.one()
    return value if isinstance(value, datetime) else None


async def move_delivery(
    *,
    session: AsyncSession,
    delivery_id: int,
    expected: DeliveryState,
    state: DeliveryState,
    now: datetime,
    **values: Any,
) -> bool:
    result = await session.exec(
        update(Delivery)
        .where(col(Delivery.id) == delivery_id, col(Delivery.state) == expected.value)
        .values(state=state.value, updated_at=now, **values)
    )
    return bool(result.rowcount)


async def claim_deliveries(
    *, session: AsyncSession, tasks: Sequence[DeliveryTask], now: datetime
) -> set[int]:
    """Marks pending deliveries `sending` (one more attempt each) in one statement; returns
    the ids it took (a delivery cancelled or taken meanwhile is left out)."""
    if not tasks:
        return set()
    table = Delivery.metadata.tables["delivery"]
    statement = (
        update(table)
        .where(
            table.c.id.in_([task.id for task in tasks]),
            table.c.state == DeliveryState.PENDING.value,
        )
        .values(state=DeliveryState.SENDING.value, attempts=table.c.attempts + 1, updated_at=now)
        .returning(table.c.id)
    )
    connection = await session.connection()
    return {row[0] for row in await connection.execute(statement)}


@dataclass(frozen=True)
class DeliveryOutcome:
    """A delivery's new state after its request was answered; None leaves a field as is."""

    delivery_id: int
    state: DeliveryState
    attempts: int | None = None
    error: str | None = None
    message_id: int | None = None


async def record_outcomes(
    *, session: AsyncSession, outcomes: Sequence[DeliveryOutcome], now: datetime
) -> None:
    """Writes the outcomes of deliveries in `sending`, all with one statement executed for
    the batch (a row no longer `sending`, e.g. cancelled meanwhile, is left as it is)."""
    if not outcomes:
        return
    table = Delivery.metadata.tables["delivery"]
    statement = (
        update(table)
        .where(table.c.id == bindparam("b_id"), table.c.state == DeliveryState.SENDING.value)
        .values(
            state=bindparam("b_state"),
            updated_at=now,
            attempts=func.coalesce(bindparam("b_attempts", type_=Integer), table.c.attempts),
            error=func.coalesce(bindparam("b_error", type_=String), table.c.error),
            message_id=func.coalesce(bindparam("b_message_id", type_=Integer), table.c.message_id),
        )
    )
    rows = [
        {
            "b_id": o.delivery_id,
            "b_state": o.state.value,
            "b_attempts": o.attempts,
            "b_error": o.error,
            "b_message_id": o.message_id,
        }
        for o in outcomes
    ]
    connection = await session.connection()
    await connection.execute(statement, rows)


async def counts(*, session: AsyncSession, broadcast_id: int) -> Counts:
    rows = await session.exec(
        select(Delivery.state, func.count())
        .where(col(Delivery.broadcast_id) == broadcast_id)
        .group_by(col(Delivery.state))
    )
    by_state = {str(state): int(n) for state, n in rows.all()}
    return Counts(total=sum(by_state.values()), **by_state)


async def failure_reasons(
    *, session: AsyncSession, broadcast_id: int, limit: int = 3
) -> list[tuple[str, int]]:
    rows = await session.exec(
        select(Delivery.error, func.count())
        .where(
            col(Delivery.broadcast_id) == broadcast_id,
            col(Delivery.state).in_([DeliveryState.FAILED.value, DeliveryState.BLOCKED.value]),
        )
        .group_by(col(Delivery.error))
        .order_by(func.count().desc())
        .limit(limit)
    )
    return [(str(error), int(n)) for error, n in rows.all()]


async def cancel_pending(*, session: AsyncSession, broadcast_id: int, now: datetime) -> int:
    result = await session.exec(
        update(Delivery)
        .where(
            col(Delivery.broadcast_id) == broadcast_id,
            col(Delivery.state) == DeliveryState.PENDING.value,
        )
        .values(state=DeliveryState.CANCELLED.value, updated_at=now)
    )
    return int(result.rowcount or 0)


async def delivered_chats(*, session: AsyncSession, broadcast_id: int) -> dict[int, str]:
    rows = await session.exec(
        select(Delivery.chat_id, Delivery.state).where(col(Delivery.broadcast_id) == broadcast_id)
    )
    return {int(chat): str(state) for chat, state in rows.all()}


async def campaign_dates(*, session: AsyncSession) -> dict[tuple[str, int], tuple[date, date]]:
    rows = await session.exec(select(CampaignDates))
    return {(r.campaign_id, r.year): (r.start, r.end) for r in rows.all()}


async def set_campaign_dates(
    *,
    session: AsyncSession,
    campaign_id: str,
    year: int,
    start: date,
    end: date,
    set_by: int | None,
) -> None:
    row = await session.get(CampaignDates, (campaign_id, year))
    if row is None:
        row = CampaignDates(campaign_id=campaign_id, year=year, start=start, end=end)
    row.start, row.end, row.set_by, row.set_at = start, end, set_by, utcnow()
    session.add(row)
    await session.flush()


async def campaign_reminders(
    *, session: AsyncSession, campaign_id: str, year: int
) -> list[Broadcast]:
    rows = await session.exec(
        select(Broadcast)
        .where(Broadcast.campaign_id == campaign_id, Broadcast.campaign_year == year)
        .order_by(col(Broadcast.send_at), col(Broadcast.id))
    )
    return list(rows.all())


WEEKLY_CASE = "case"  # the origin of the weekly case push (以案释法, 一周一案)
RATING = "rating"  # the origin of an event's rating request, the day after the event


async def weekly_cases_sent(*, session: AsyncSession) -> dict[str, datetime]:
    """Case id -> the latest time the weekly push sent it or will (cancelled and missed
    pushes do not count)."""
    query = (
        select(col(Broadcast.card_id), func.max(Broadcast.send_at))
        .where(
            col(Broadcast.origin) == WEEKLY_CASE,
            col(Broadcast.card_id).is_not(None),
            col(Broadcast.status).not_in(
                [BroadcastStatus.CANCELLED.value, BroadcastStatus.MISSED.value]
            ),
        )
        .group_by(col(Broadcast.card_id))
    )
    return {case_id: at for case_id, at in (await session.exec(query)).all() if case_id}


async def listed(
    *,
    session: AsyncSession,
    origins: Iterable[str],
    statuses: Iterable[str],
    offset: int = 0,
    limit: int = 20,
) -> list[Broadcast]:
    """Broadcasts in the given states, the newest first (the dashboard's lists; `count_listed`
    says how many there are in all)."""
    rows = await session.exec(
        select(Broadcast)
        .where(*_listed(origins, statuses))
        .order_by(col(Broadcast.id).desc())
        .offset(offset)
        .limit(limit)
    )
    return list(rows.all())


async def count_listed(
    *, session: AsyncSession, origins: Iterable[str], statuses: Iterable[str]
) -> int:
    counted = select(func.count()).select_from(Broadcast).where(*_listed(origins, statuses))
    return int((await session.exec(counted)).one())


def _listed(origins: Iterable[str], statuses: Iterable[str]) -> list[ColumnElement[bool]]:
    return [col(Broadcast.origin).in_(list(origins)), col(Broadcast.status).in_(list(statuses))]


async def counts_of(*, session: AsyncSession, broadcast_ids: Sequence[int]) -> dict[int, Counts]:
    """`counts` of several broadcasts in one query (every id present, zero if none)."""
    found: dict[int, dict[str, int]] = {b: {} for b in broadcast_ids}
    if broadcast_ids:
        rows = await session.exec(
            select(Delivery.broadcast_id, Delivery.state, func.count())
            .where(col(Delivery.broadcast_id).in_(list(broadcast_ids)))
            .group_by(col(Delivery.broadcast_id), col(Delivery.state))
        )
        for broadcast_id, state, n in rows.all():
            found[int(broadcast_id)][str(state)] = int(n)
    return {b: Counts(total=sum(s.values()), **s) for b, s in found.items()}
