"""Who wants which broadcasts: recipients (chats the bot may message) and their opt-ins."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import update
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Delivery, DeliveryState, Recipient, Subscription, utcnow


class SubKind(StrEnum):
    CATEGORY = "category"
    TOWN = "town"
    CASE = "case"  # the weekly case (一周一案); its value is WEEKLY


WEEKLY = "weekly"


async def toggle_weekly_case(*, session: AsyncSession, chat_id: int, on: bool) -> bool:
    """Subscribes the chat to the weekly case or not; returns whether anything changed."""
    if not on:
        return await unsubscribe(session=session, chat_id=chat_id, kind=SubKind.CASE, value=WEEKLY)
    exists = await session.exec(
        select(Subscription.id).where(
            col(Subscription.chat_id) == chat_id,
            col(Subscription.kind) == SubKind.CASE.value,
        )
    )
    if exists.first() is not None:
        return False
    session.add(Subscription(chat_id=chat_id, kind=SubKind.CASE.value, value=WEEKLY))
    await session.flush()
    return True


async def has_weekly_case(*, session: AsyncSession, chat_id: int) -> bool:
    query = select(Subscription.id).where(
        col(Subscription.chat_id) == chat_id, col(Subscription.kind) == SubKind.CASE.value
    )
    return (await session.exec(query)).first() is not None


class Flag(StrEnum):
    """Per-chat switches for the kinds of message that are not topic subscriptions."""

    CAMPAIGNS = "campaign_reminders"
    VOLUNTEER_CALLS = "volunteer_calls"
    MONTHLY = "monthly_reminder"


@dataclass(frozen=True)
class ChatSubscriptions:
    chat_id: int
    categories: tuple[str, ...]
    town: str | None
    active: bool
    campaign_reminders: bool
    volunteer_calls: bool
    monthly_reminder: bool

    @property
    def any(self) -> bool:
        return bool(self.categories or self.town)


async def ensure_recipient(
    *,
    session: AsyncSession,
    chat_id: int,
    chat_type: str = "private",
    title: str = "",
    added_by: int | None = None,
    now: datetime,
) -> Recipient:
    """The chat's row, created on first use. A chat that blocked the bot and now talks to it
    again (it can only do so after unblocking) becomes active again."""
    row = await session.get(Recipient, chat_id)
    if row is None:
        row = Recipient(chat_id=chat_id, chat_type=chat_type, created_at=now)
    row.chat_type, row.title = chat_type, title[:200] or row.title
    row.active, row.inactive_reason, row.updated_at = True, "", now
    if added_by is not None:
        row.added_by = added_by
    session.add(row)
    await session.flush()
    return row


async def toggle_category(*, session: AsyncSession, chat_id: int, category: str) -> bool:
    """Subscribes to `category`, or unsubscribes if it was; returns whether now subscribed."""
    if await unsubscribe(session=session, chat_id=chat_id, kind=SubKind.CATEGORY, value=category):
        return False
    session.add(Subscription(chat_id=chat_id, kind=SubKind.CATEGORY.value, value=category))
    await session.flush()
    return True


async def set_town(*, session: AsyncSession, chat_id: int, town: str | None) -> None:
    """A chat follows the news of at most one town; None clears it."""
    await session.exec(
        delete(Subscription).where(
            col(Subscription.chat_id) == chat_id, col(Subscription.kind) == SubKind.TOWN.value
        )
    )
    if town:
        session.add(Subscription(chat_id=chat_id, kind=SubKind.TOWN.value, value=town))
    await session.flush()


async def unsubscribe(*, session: AsyncSession, chat_id: int, kind: SubKind, value: str) -> bool:
    result = await session.exec(
        delete(Subscription).where(
            col(Subscription.chat_id) == chat_id,
            col(Subscription.kind) == kind.value,
            col(Subscription.value) == value,
        )
    )
    return bool(result.rowcount)


async def unsubscribe_all(*, session: AsyncSession, chat_id: int) -> int:
    """Removes every topic and town subscription and the campaign reminders; returns how many
    subscriptions there were."""
    result = await session.exec(delete(Subscription).where(col(Subscription.chat_id) == chat_id))
    await set_flag(session=session, chat_id=chat_id, flag=Flag.CAMPAIGNS, value=False)
    return int(result.rowcount or 0)


async def set_flag(*, session: AsyncSession, chat_id: int, flag: Flag, value: bool) -> None:
    row = await session.get(Recipient, chat_id)
    if row is None:
        row = Recipient(chat_id=chat_id)
    setattr(row, flag.value, value)
    row.updated_at = utcnow()
    session.add(row)
    await session.flush()


async def subscriptions_of(*, session: AsyncSession, chat_id: int) -> ChatSubscriptions:
    rows = (
        await session.exec(
            select(Subscription)
            .where(col(Subscription.chat_id) == chat_id)
            .order_by(col(Subscription.id))
        )
    ).all()
    recipient = await session.get(Recipient, chat_id) or Recipient(chat_id=chat_id)
    town = next((r.value for r in rows if r.kind == SubKind.TOWN), None)
    return ChatSubscriptions(
        chat_id=chat_id,
        categories=tuple(r.value for r in rows if r.kind == SubKind.CATEGORY),
        town=town,
        active=recipient.active,
        campaign_reminders=recipient.campaign_reminders,
        volunteer_calls=recipient.volunteer_calls,
        monthly_reminder=recipient.monthly_reminder,
    )


async def mark_inactive(
    *, session: AsyncSession, chat_ids: Iterable[int], reason: str, now: datetime
) -> None:
    """Chats that blocked the bot or are gone: skipped by every later broadcast."""
    for chat_id in chat_ids:
        row = await session.get(Recipient, chat_id) or Recipient(chat_id=chat_id, created_at=now)
        row.active, row.inactive_reason, row.updated_at = False, reason[:200], now
        session.add(row)
    await session.flush()


async def set_active(*, session: AsyncSession, chat_id: int, active: bool, reason: str) -> None:
    """From Telegram's my_chat_member updates: the user blocked or unblocked the bot."""
    await session.exec(
        update(Recipient)
        .where(col(Recipient.chat_id) == chat_id)
        .values(active=active, inactive_reason="" if active else reason[:200], updated_at=utcnow())
    )


async def is_active(*, session: AsyncSession, chat_id: int) -> bool:
    row = await session.get(Recipient, chat_id)
    return row is None or row.active


async def move_chat(
    *, session: AsyncSession, old_chat_id: int, new_chat_id: int, now: datetime
) -> None:
    """A group became a supergroup (Telegram gives it a new id): its settings, opt-ins and
    waiting deliveries follow it; the old id stays as an inactive row for the records."""
    if old_chat_id == new_chat_id:
        return
    old = await session.get(Recipient, old_chat_id)
    if old is not None:
        if await session.get(Recipient, new_chat_id) is None:
            session.add(
                Recipient(
                    chat_id=new_chat_id,
                    chat_type="supergroup",
                    title=old.title,
                    active=old.active,
                    campaign_reminders=old.campaign_reminders,
                    volunteer_calls=old.volunteer_calls,
                    monthly_reminder=old.monthly_reminder,
                    added_by=old.added_by,
                    created_at=old.created_at,
                    updated_at=now,
                )
            )
        old.active, old.inactive_reason, old.updated_at = False, f"moved to {new_chat_id}", now
        session.add(old)
    kept = await session.exec(select(Subscription).where(col(Subscription.chat_id) == new_chat_id))
    have = {(sub.kind, sub.value) for sub in kept.all()}
    moving = await session.exec(
        select(Subscription).where(col(Subscription.chat_id) == old_chat_id)
    )
    for sub in moving.all():
        if (sub.kind, sub.value) in have:
            await session.delete(sub)
        else:
            sub.chat_id = new_chat_id
            session.add(sub)
    await _move_pending_deliveries(session, old_chat_id, new_chat_id)
    await session.flush()


async def _move_pending_deliveries(
    session: AsyncSession, old_chat_id: int, new_chat_id: int
) -> None:
    """Waiting deliveries go to the new id, unless that broadcast already has it."""
    taken = await session.exec(
        select(Delivery.broadcast_id).where(col(Delivery.chat_id) == new_chat_id)
    )
    already = set(taken.all())
    waiting = await session.exec(
        select(Delivery).where(
            col(Delivery.chat_id) == old_chat_id,
            col(Delivery.state) == DeliveryState.PENDING.value,
        )
    )
    for delivery in waiting.all():
        if delivery.broadcast_id in already:
            delivery.state, delivery.error = DeliveryState.CANCELLED.value, "chat moved"
        else:
            delivery.chat_id = new_chat_id
        session.add(delivery)
