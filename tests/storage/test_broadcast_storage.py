"""Subscriptions, audiences, broadcasts and deliveries, on SQLite and PostgreSQL."""

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage import broadcasts as repo
from storage.audience import Audience, audience_chat_ids
from storage.db import Database
from storage.models import ActivityReport, Broadcast, Delivery, DeliveryState, Volunteer
from storage.subscriptions import (
    Flag,
    SubKind,
    ensure_recipient,
    mark_inactive,
    set_flag,
    set_town,
    subscriptions_of,
    toggle_category,
    unsubscribe,
    unsubscribe_all,
)

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


async def subscribe(db: Database, chat_id: int, *categories: str, town: str | None = None) -> None:
    async with db.session() as session:
        await ensure_recipient(session=session, chat_id=chat_id, chat_type="private", now=NOW)
        for category in categories:
            await toggle_category(session=session, chat_id=chat_id, category=category)
        if town:
            await set_town(session=session, chat_id=chat_id, town=town)


async def audience(db: Database, kind: Audience, value: str = "") -> list[int]:
    async with db.session() as session:
        return await audience_chat_ids(
            session=session, audience=kind, value=value, today=date(2026, 11, 20), tz=TZ
        )


async def test_subscribe_toggle_town_and_unsubscribe(db: Database) -> None:
    await subscribe(db, 7_999_999_999, "labor", "fraud", town="东山镇")
    async with db.session() as session:
        assert not await toggle_category(session=session, chat_id=7_999_999_999, category="fraud")
        await set_town(session=session, chat_id=7_999_999_999, town="西河镇")
        mine = await subscriptions_of(session=session, chat_id=7_999_999_999)
    assert mine.categories == ("labor",) and mine.town == "西河镇" and mine.campaign_reminders
    async with db.session() as session:
        kind = SubKind.CATEGORY
        assert await unsubscribe(session=session, chat_id=7_999_999_999, kind=kind, value="labor")
        assert await unsubscribe_all(session=session, chat_id=7_999_999_999) == 1
        mine = await subscriptions_of(session=session, chat_id=7_999_999_999)
    assert not mine.any and not mine.campaign_reminders


async def test_audiences_skip_inactive_chats_and_honour_switches(db: Database) -> None:
    await subscribe(db, 1, "labor", town="东山镇")
    await subscribe(db, 2, "fraud", town="西河镇")
    await subscribe(db, 3, "labor")
    await subscribe(db, -100, "labor")
    async with db.session() as session:
        await mark_inactive(session=session, chat_ids=[3], reason="blocked", now=NOW)
        await set_flag(session=session, chat_id=2, flag=Flag.CAMPAIGNS, value=False)
    assert await audience(db, Audience.ALL) == [-100, 1, 2]
    assert await audience(db, Audience.CATEGORY, "labor") == [-100, 1]
    assert await audience(db, Audience.CATEGORIES, "labor,fraud") == [-100, 1]
    assert await audience(db, Audience.TOWN, "西河镇") == [2]
    assert await audience(db, Audience.GROUPS) == [-100]
    async with db.session() as session:  # coming back to the bot makes a chat active again
        await ensure_recipient(session=session, chat_id=3, now=NOW)
    assert await audience(db, Audience.CATEGORY, "labor") == [-100, 1, 3]


async def test_volunteer_audiences(db: Database) -> None:
    async with db.session() as session:
        for telegram_id, town in ((11, "东山镇"), (12, "西河镇"), (13, "东山镇"), (14, "东山镇")):
            session.add(Volunteer(telegram_id=telegram_id, name="志愿者", town=town))
        session.add(Volunteer(telegram_id=15, town="东山镇", active=False))
        session.add(_report(11, date(2026, 11, 3)))
        session.add(_report(14, date(2026, 10, 28), status="withdrawn"))
    async with db.session() as session:
        await set_flag(session=session, chat_id=13, flag=Flag.MONTHLY, value=False)
        await set_flag(session=session, chat_id=12, flag=Flag.VOLUNTEER_CALLS, value=False)
    assert await audience(db, Audience.VOLUNTEERS) == [11, 13, 14]
    assert await audience(db, Audience.VOLUNTEERS, "东山镇") == [11, 13, 14]
    assert await audience(db, Audience.UNREPORTED) == [12, 14]


def _report(volunteer_id: int, day: date, status: str = "submitted") -> ActivityReport:
    return ActivityReport(
        volunteer_id=volunteer_id,
        activity_type="lecture",
        activity_date=day,
        status=status,
        submission_key=f"k{volunteer_id}",
        created_at=datetime.combine(day, datetime.min.time(), UTC),
    )


def row(**fields: object) -> Broadcast:
    base: dict[str, object] = {"origin": "coordinator", "audience": "all", "send_at": NOW}
    return Broadcast.model_validate(base | fields)


async def test_a_dedupe_key_is_stored_once(db: Database) -> None:
    async with db.session() as session:
        assert await repo.add_broadcast(session=session, broadcast=row(dedupe_key="k")) is not None
    async with db.session() as session:
        assert await repo.add_broadcast(session=session, broadcast=row(dedupe_key="k")) is None


async def test_a_batch_stores_only_new_keys_and_survives_a_clash(db: Database) -> None:
    async with db.session() as session:
        assert await repo.add_broadcast(session=session, broadcast=row(dedupe_key="a"))
    async with db.session() as session:
        added = await repo.add_broadcasts(
            session=session, broadcasts=[row(dedupe_key=k) for k in ("a", "b", "c")]
        )
        assert sorted(b.dedupe_key or "" for b in added) == ["b", "c"]
        assert all(b.id is not None for b in added)
    async with db.session() as session:  # two of one key in a batch: one insert fails
        added = await repo.add_broadcasts(
            session=session, broadcasts=[row(dedupe_key=k) for k in ("d", "d", "b")]
        )
        assert [b.dedupe_key for b in added] == ["d"] and added[0].id is not None
    async with db.session() as session:
        keys = (await session.exec(select(Broadcast.dedupe_key))).all()
    assert sorted(k or "" for k in keys) == ["a", "b", "c", "d"]


async def test_transitions_are_conditional(db: Database) -> None:
    async with db.session() as session:
        stored = await repo.add_broadcast(session=session, broadcast=row())
        assert stored is not None and stored.id is not None
        scheduled = ["scheduled"]
        assert await repo.transition(
            session=session, broadcast_id=stored.id, allowed=scheduled, status="sending"
        )
        assert not await repo.transition(
            session=session, broadcast_id=stored.id, allowed=scheduled, status="cancelled"
        )
        assert [b.id for b in await repo.due(session=session, now=NOW)] == []


async def move(
    session: AsyncSession, delivery_id: int, state: DeliveryState, **values: Any
) -> bool:
    return await repo.move_delivery(
        session=session,
        delivery_id=delivery_id,
        expected=DeliveryState.PENDING,
        state=state,
        now=NOW,
        **values,
    )


async def test_deliveries_state_machine_and_crash_recovery(db: Database) -> None:
    async with db.session() as session:
        stored = await repo.add_broadcast(session=session, broadcast=row(status="sending"))
        assert stored is not None and stored.id is not None
        await repo.plan_deliveries(
            session=session, broadcast_id=stored.id, chat_ids=range(1, 2501), now=NOW
        )
    async with db.session() as session:
        first, second, third = await repo.pending_batch(
            session=session, after_id=0, limit=3, now=NOW
        )
        assert await move(session, first.id, DeliveryState.SENDING)
        assert not await move(session, first.id, DeliveryState.SENDING)
        await move(session, second.id, DeliveryState.SENDING)
        later = NOW + timedelta(minutes=1)
        await move(session, third.id, DeliveryState.PENDING, not_before=later)
    async with db.session() as session:
        assert await repo.recover_interrupted(session=session, now=NOW) == {stored.id: 2}
        counts = await repo.counts(session=session, broadcast_id=stored.id)
        assert (counts.total, counts.pending, counts.uncertain) == (2500, 2498, 2)
        assert await repo.next_retry_at(session=session) == later
        ready = await repo.pending_batch(session=session, after_id=0, limit=5000, now=NOW)
        assert len(ready) == 2497 and third.id not in {t.id for t in ready}
        assert await repo.cancel_pending(session=session, broadcast_id=stored.id, now=NOW) == 2498


async def test_deliveries_are_claimed_and_recorded_a_batch_at_a_time(db: Database) -> None:
    async with db.session() as session:
        stored = await repo.add_broadcast(session=session, broadcast=row(status="sending"))
        assert stored is not None and stored.id is not None
        await repo.plan_deliveries(
            session=session, broadcast_id=stored.id, chat_ids=range(1, 6), now=NOW
        )
        tasks = await repo.pending_batch(session=session, after_id=0, limit=5, now=NOW)
        await move(session, tasks[4].id, DeliveryState.CANCELLED)
    async with db.session() as session:
        claimed = await repo.claim_deliveries(session=session, tasks=tasks, now=NOW)
        assert claimed == {t.id for t in tasks[:4]}  # the cancelled one is left alone
        assert await repo.claim_deliveries(session=session, tasks=tasks, now=NOW) == set()
    sent, failed, retry, moved = (t.id for t in tasks[:4])
    outcome = repo.DeliveryOutcome
    async with db.session() as session:
        await repo.record_outcomes(
            session=session,
            outcomes=[
                outcome(sent, DeliveryState.SENT, error="", message_id=77),
                outcome(failed, DeliveryState.FAILED, error="chat not found"),
                outcome(retry, DeliveryState.PENDING, attempts=0, error="502"),
                outcome(moved, DeliveryState.PENDING, attempts=0),
                outcome(tasks[4].id, DeliveryState.SENT, message_id=1),  # not sending: unchanged
            ],
            now=NOW,
        )
    async with db.session() as session:
        rows = {d.id: d for d in (await session.exec(select(Delivery))).all()}
    assert (rows[sent].state, rows[sent].message_id, rows[sent].attempts) == ("sent", 77, 1)
    assert (rows[failed].state, rows[failed].error) == ("failed", "chat not found")
    assert (rows[retry].state, rows[retry].attempts, rows[retry].error) == ("pending", 0, "502")
    assert (rows[moved].state, rows[moved].message_id, rows[moved].error) == ("pending", None, "")
    assert rows[tasks[4].id].state == "cancelled"


async def test_campaign_dates_are_per_year(db: Database) -> None:
    async with db.session() as session:
        await repo.set_campaign_dates(
            session=session,
            campaign_id="cybersecurity-week",
            year=2026,
            start=date(2026, 9, 14),
            end=date(2026, 9, 20),
            set_by=1,
        )
        await repo.set_campaign_dates(
            session=session,
            campaign_id="cybersecurity-week",
            year=2026,
            start=date(2026, 9, 15),
            end=date(2026, 9, 21),
            set_by=1,
        )
        assert await repo.campaign_dates(session=session) == {
            ("cybersecurity-week", 2026): (date(2026, 9, 15), date(2026, 9, 21))
        }
