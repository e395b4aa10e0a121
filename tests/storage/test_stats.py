"""Coordinators' statistics: totals, breakdowns, top volunteers and weeks, by the database."""

from datetime import date

import pytest

from storage.db import Database
from storage.reports import withdraw_report
from storage.stats import Period, period_stats, volunteer_hours
from storage.volunteers import erase_person, leave
from tests.reporting import NOW, add_report, add_volunteer

NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))


async def _seed(db: Database) -> None:
    await add_volunteer(db, 1, name="张三", town="城关镇")
    await add_volunteer(db, 2, name="李四", town="东山镇", phone="13900139000")
    await add_report(db, 1, town="城关镇", activity_date=date(2026, 11, 2), audience=100, hours=2)
    await add_report(db, 1, town="城关镇", activity_date=date(2026, 11, 3), audience=50, hours=1.5)
    await add_report(
        db, 2, town="东山镇", activity_type="anti_fraud", activity_date=date(2026, 11, 10),
        audience=30, hours=4,
    )  # fmt: skip
    await add_report(db, 2, town="东山镇", activity_date=date(2026, 10, 31), audience=999)
    withdrawn = await add_report(db, 2, town="东山镇", activity_date=date(2026, 11, 11))
    async with db.session() as session:
        await withdraw_report(
            session=session, report_id=withdrawn, volunteer_id=2, window=NOW - NOW, now=NOW
        )


async def test_period_stats_add_up(db: Database) -> None:
    await _seed(db)
    async with db.session() as session:
        stats = await period_stats(session=session, period=NOVEMBER)
    total = stats.total
    assert (total.activities, total.audience, total.hours, total.volunteers) == (3, 180, 7.5, 2)
    assert [(t.key, t.activities, t.audience) for t in stats.by_town] == [
        ("城关镇", 2, 150),
        ("东山镇", 1, 30),
    ]
    assert {t.key: t.activities for t in stats.by_type} == {"constitution": 2, "anti_fraud": 1}
    assert [(v.name, v.hours, v.activities) for v in stats.top_volunteers] == [
        ("李四", 4.0, 1),
        ("张三", 3.5, 2),
    ]
    # Weeks start on Monday; November 2026 touches 6 of them, empty weeks included.
    assert min(stats.weekly) == date(2026, 10, 26)
    assert len(stats.weekly) == 6
    assert stats.weekly[date(2026, 11, 2)] == {"constitution": 2}
    assert stats.weekly[date(2026, 11, 9)] == {"anti_fraud": 1}
    assert stats.weekly[date(2026, 11, 23)] == {}


async def test_empty_period(db: Database) -> None:
    async with db.session() as session:
        stats = await period_stats(session=session, period=NOVEMBER)
    assert stats.total.activities == 0 and stats.total.hours == 0.0
    assert stats.by_town == [] and stats.top_volunteers == []


async def test_volunteer_hours_survive_leave_and_erasure_anonymously(db: Database) -> None:
    await _seed(db)
    async with db.session() as session:
        await leave(session=session, telegram_id=1, now=NOW)
        await erase_person(session=session, telegram_id=2)
    async with db.session() as session:
        lines = await volunteer_hours(session=session, period=NOVEMBER)
    assert [(v.volunteer_id, v.name, v.phone, v.hours) for v in lines] == [
        (0, "", "", 4.0),
        (1, "", "", 3.5),
    ]
    assert lines[1].first == date(2026, 11, 2) and lines[1].last == date(2026, 11, 3)
    async with db.session() as session:  # a ranked list names people: the erased are nobody
        top = await volunteer_hours(session=session, period=NOVEMBER, limit=10)
    assert [v.volunteer_id for v in top] == [1]


def test_a_period_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValueError, match="before"):
        Period(date(2026, 2, 1), date(2026, 1, 1))
