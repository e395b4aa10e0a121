"""Votes, QR reach, quiz participation and the evidence activities on SQLite and PostgreSQL."""

import asyncio
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from content.loader import Library
from domain.evidence import evidence_workbook
from storage.attribution import (
    codes_made_by,
    create_event,
    event_of_report,
    forget_person,
    reach,
    record_touch,
)
from storage.db import Database
from storage.models import QuestionLog, Subscription, VoteKind
from storage.stats import Period
from storage.votes import Ballot, Cast, cast_vote, satisfaction
from tests.evidence_data import figures, seed

TZ = ZoneInfo("Asia/Shanghai")
AT = datetime(2026, 5, 1, 2, 0, tzinfo=UTC)


async def test_votes_replace_and_fold_by_month(db: Database) -> None:
    async with db.session() as session:
        ballot = Ballot(1, "q-abc", VoteKind.ANSWER, "unpaid-wages", "城关镇", True)
        assert await cast_vote(session=session, ballot=ballot, now=AT) is Cast.NEW
        assert await cast_vote(session=session, ballot=ballot, now=AT) is Cast.SAME
        down = Ballot(1, "q-abc", VoteKind.ANSWER, "unpaid-wages", "城关镇", False)
        assert await cast_vote(session=session, ballot=down, now=AT) is Cast.CHANGED
        other = Ballot(2, "q-abc", VoteKind.ANSWER, "unpaid-wages", "东山镇", True)
        await cast_vote(session=session, ballot=other, now=AT + timedelta(days=40))
    async with db.session() as session:
        figures_ = await satisfaction(
            session=session, period=Period(date(2026, 1, 1), date(2026, 12, 31)), tz=TZ
        )
    assert (figures_.total.votes, figures_.total.satisfied) == (2, 1)
    assert [(m.key, m.votes) for m in figures_.by_month] == [("2026-05", 1), ("2026-06", 1)]
    assert [line.key for line in figures_.most_down] == ["unpaid-wages"]


async def test_a_report_has_one_event_code_however_often_asked(db: Database) -> None:
    async def ask(title: str) -> tuple[str, bool]:
        async with db.session() as session:
            event, made = await event_of_report(
                session=session,
                report_id=7,
                title=title,
                volunteer_id=9,
                town="城关镇",
                event_date=date(2026, 5, 1),
                now=AT,
            )
            return event.code, made

    first, *others = await asyncio.gather(*(ask(f"讲座{n}") for n in range(4)))
    answers = [first, *others]
    assert len({code for code, _ in answers}) == 1  # concurrent presses: one code
    assert sum(made for _, made in answers) == 1
    assert await ask("again") == (first[0], False)
    async with db.session() as session:
        [line] = await reach(session=session, volunteer_id=9)
    assert (line.code, line.kind, line.town, line.event_date) == (
        first[0],
        "event",
        "城关镇",
        date(2026, 5, 1),
    )


async def test_reach_counts_only_after_the_touch(db: Database) -> None:
    async with db.session() as session:
        event = await create_event(
            session=session, title="讲座", volunteer_id=9, town="城关镇", event_date=None, now=AT
        )
        empty = await create_event(
            session=session, title="海报", volunteer_id=9, town="城关镇", event_date=None, now=AT
        )
        assert await record_touch(session=session, event=event, resident_id=5, now=AT)
        assert not await record_touch(session=session, event=empty, resident_id=5, now=AT)
        for minutes in (-5, 5, 10):  # one question before the code brought them
            session.add(
                QuestionLog(telegram_id=5, text="问", asked_at=AT + timedelta(minutes=minutes))
            )
        session.add(Subscription(chat_id=5, kind="category", value="labor"))
        session.add(Subscription(chat_id=5, kind="town", value="城关镇"))
    async with db.session() as session:
        lines = {line.title: line for line in await reach(session=session, volunteer_id=9)}
    assert (lines["讲座"].residents, lines["讲座"].questions, lines["讲座"].subscriptions) == (
        1,
        2,
        1,
    )
    assert lines["海报"].residents == 0


async def test_a_makers_codes_come_newest_first_a_page_at_a_time(db: Database) -> None:
    async with db.session() as session:
        made = [
            await create_event(
                session=session,
                title=f"海报{n}",
                volunteer_id=9,
                town="城关镇",
                event_date=None,
                now=AT + timedelta(minutes=n),
            )
            for n in range(3)
        ]
        await create_event(
            session=session, title="别人的", volunteer_id=8, town="", event_date=None, now=AT
        )
        for resident in (5, 6):
            await record_touch(session=session, event=made[0], resident_id=resident, now=AT)
    async with db.session() as session:
        first, total = await codes_made_by(session=session, volunteer_id=9, offset=0, limit=2)
        rest, _ = await codes_made_by(session=session, volunteer_id=9, offset=2, limit=2)
    assert total == 3
    assert [(c.title, c.residents) for c in [*first, *rest]] == [
        ("海报2", 0),
        ("海报1", 0),
        ("海报0", 2),
    ]
    async with db.session() as session:
        await forget_person(session=session, telegram_id=9)
    async with db.session() as session:
        assert await codes_made_by(session=session, volunteer_id=9, offset=0, limit=5) == ([], 0)
        assert await codes_made_by(session=session, volunteer_id=0, offset=0, limit=5) == ([], 0)


async def test_the_evidence_pack_on_every_backend(db: Database, library: Library) -> None:
    await seed(db)
    async with db.session() as session:
        table = await evidence_workbook(
            session=session, year=2026, library=library, tz=TZ, today=date(2026, 12, 31)
        )
    summary = {row[0]: row for row in figures(table.data)["汇总"] if row and row[0]}
    assert summary["宪法学习宣传"][2:6] == [2, 170, 3, 2]
    assert summary["知识竞赛参与人数"][1] == 2
