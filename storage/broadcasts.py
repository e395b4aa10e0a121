"""Broadcasts and their per-recipient deliveries: the database is the source of truth.

Every change of state is a conditional UPDATE (`... WHERE state = <expected>`), so two
actors racing (the engine and a cancel, a double-pressed button, a restart) cannot both win.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, insert, update
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


async def find_by_key(*, session: AsyncSession, key: str) -> Broadcast | None:
    return (await session.exec(select(Broadcast).where(Broadcast.dedupe_key == key))).first()


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
    limit: int = 50,
) -> list[Broadcast]:
    statement = select(Broadcast).where(
        col(Broadcast.origin).in_(list(origins)), col(Broadcast.status).in_(list(statuses))
    )
    if until is not None:
        statement = statement.where(Broadcast.send_at <= until)
    rows = await session.exec(
        statement.order_by(col(Broadcast.send_at), col(Broadcast.id)).limit(limit)
    )
    return list(rows.all())


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


async def listed(
    *,
    session: AsyncSession,
    origins: Iterable[str],
    statuses: Iterable[str],
    offset: int = 0,
    limit: int = 20,
) -> list[Broadcast]:
    """Broadcasts in the given states, the newest first (the dashboard's lists)."""
    rows = await session.exec(
        select(Broadcast)
        .where(col(Broadcast.origin).in_(list(origins)), col(Broadcast.status).in_(list(statuses)))
        .order_by(col(Broadcast.id).desc())
        .offset(offset)
        .limit(limit)
    )
    return list(rows.all())


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
