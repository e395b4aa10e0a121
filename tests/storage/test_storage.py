import contextlib
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel, select

import storage.db
from content.loader import Library
from storage.db import MIGRATIONS_DIR, Database, head_revisions
from storage.directory import add_points, count_points, list_points, list_towns, replace_points
from storage.models import Person, Role
from storage.people import Seen, get_role, touch_people, touch_person
from storage.questions import LoggedAnswer, log_questions, mark_unsolved, unanswered
from tests.clock import QUIET as NOW

# Indexes only their migrations make, which the models do not declare: the dashboard's
# covering indexes (0010, 0012; the listing's on PostgreSQL only).
MIGRATION_ONLY_INDEXES = {
    "ix_activity_report_cover",
    "ix_activity_report_listing",
    "ix_question_log_asker",
    "ix_question_log_cover",
}


def answer(text: str, *, matched: bool, telegram_id: int = 1, ref: str = "") -> LoggedAnswer:
    return LoggedAnswer(
        ref=ref or f"r{len(text)}{text.encode().hex()[:10]}",
        asked_at=NOW,
        telegram_id=telegram_id,
        chat_type="private",
        source="text",
        text=text,
        card_id="unpaid-wages" if matched else None,
        score=5.0 if matched else 0.5,
        matched=matched,
        ambiguous=False,
    )


async def test_upgrade_is_idempotent(db: Database) -> None:
    await db.upgrade()
    async with db.session() as session:
        assert await count_points(session=session) == 0


def test_history_is_one_line_and_head_revisions_are_alembics_heads() -> None:
    """Two heads would mean two migrations written from the same parent: merge them."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert head_revisions() == frozenset(ScriptDirectory.from_config(config).get_heads())
    assert len(head_revisions()) == 1


async def test_a_current_schema_is_not_migrated_again(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_migration(_connection: object) -> None:
        raise AssertionError("alembic ran on a current schema")

    monkeypatch.setattr(storage.db, "_upgrade", no_migration)
    await db.upgrade()


async def test_the_migrated_schema_is_the_models(db: Database) -> None:
    """What `alembic check` checks: the migrations make the tables, columns and indexes the
    models declare, and no others (an index's condition it does not compare: a migration's
    own test does)."""
    async with db.engine.connect() as connection:
        found = await connection.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync), SQLModel.metadata)
        )
    known = [d for d in found if d[0] == "remove_index" and d[1].name in MIGRATION_ONLY_INDEXES]
    assert [d for d in found if d not in known] == []


async def test_person_is_created_then_updated(db: Database) -> None:
    first = datetime(2026, 1, 1, tzinfo=UTC)
    async with db.session() as session:
        await touch_person(session=session, telegram_id=7, name="张三", username=None, now=first)
    async with db.session() as session:
        person = await touch_person(
            session=session, telegram_id=7, name="张三丰", username="zsf", now=first + timedelta(1)
        )
        assert person.first_seen == first
        assert person.name == "张三丰"
        assert await get_role(session=session, telegram_id=7) is Role.RESIDENT
        assert await get_role(session=session, telegram_id=8) is Role.RESIDENT


async def test_sightings_are_written_in_one_batch_keeping_roles_and_first_seen(
    db: Database,
) -> None:
    first = datetime(2026, 1, 1, tzinfo=UTC)
    async with db.session() as session:
        await touch_person(session=session, telegram_id=7, name="张三", username=None, now=first)
    async with db.session() as session:
        person = await session.get(Person, 7)
        assert person is not None
        person.role = Role.VOLUNTEER.value
    later = first + timedelta(days=1)
    seen = [
        Seen(7, "张三丰", "zsf", later + timedelta(minutes=1)),
        Seen(7, "张三", None, later),  # older, in the same batch: the latest wins
        Seen(8, "李四" * 200, None, later),
    ]
    async with db.session() as session:
        await touch_people(session, seen)
        await touch_people(session, [])
    async with db.session() as session:
        people = {p.telegram_id: p for p in (await session.exec(select(Person))).all()}
    assert people[7].role == Role.VOLUNTEER.value and people[7].first_seen == first
    assert (people[7].name, people[7].username) == ("张三丰", "zsf")
    assert people[7].last_seen == later + timedelta(minutes=1)
    assert people[8].role == Role.RESIDENT.value and people[8].first_seen == later
    assert len(people[8].name) == 200


async def test_big_telegram_ids_fit(db: Database) -> None:
    async with db.session() as session:
        await touch_person(
            session=session, telegram_id=7_999_999_999, name="x", username=None, now=NOW
        )
    async with db.session() as session:
        assert await get_role(session=session, telegram_id=7_999_999_999) is Role.RESIDENT


async def test_unanswered_lists_misses_and_unsolved_by_frequency(db: Database) -> None:
    async with db.session() as session:
        await log_questions(
            session,
            [
                answer("外星人", matched=False, ref="a1"),
                answer("外星人", matched=False, ref="a2"),
                answer("欠薪", matched=True, ref="solved"),
                answer("讨薪", matched=True, ref="unsolved"),
            ],
        )
    async with db.session() as session:
        assert await mark_unsolved(session=session, ref="unsolved", telegram_id=1) is True
        assert await mark_unsolved(session=session, ref="unsolved", telegram_id=1) is False
        assert await mark_unsolved(session=session, ref="solved", telegram_id=2) is None
        assert await mark_unsolved(session=session, ref="nothing", telegram_id=1) is None
    async with db.session() as session:
        rows = await unanswered(session=session, since=datetime(2000, 1, 1, tzinfo=UTC))
    assert [(r.text, r.times) for r in rows] == [("外星人", 2), ("讨薪", 1)]
    async with db.session() as session:
        rows = await unanswered(
            session=session, since=datetime(2000, 1, 1, tzinfo=UTC), card_id="unpaid-wages"
        )
    assert [(r.text, r.times) for r in rows] == [("讨薪", 1)]  # one card's gaps


async def test_failed_transaction_leaves_nothing(db: Database) -> None:
    try:
        async with db.session() as session:
            await log_questions(session, [answer("半截", matched=False)])
            raise RuntimeError("crash in the middle")
    except RuntimeError:
        pass
    async with db.session() as session:
        assert await unanswered(session=session, since=datetime(2000, 1, 1, tzinfo=UTC)) == []


async def test_directory_replace_and_towns(library: Library, db: Database) -> None:
    samples = [e.model_dump() for e in library.directory]
    async with db.session() as session:
        await add_points(session=session, entries=samples)
    async with db.session() as session:
        towns = await list_towns(session=session)
        assert len(towns) == len({s["town"] for s in samples})
        assert all(p.sample for p in await list_points(session=session))
        await replace_points(session=session, entries=[{**samples[0], "sample": False}])
    async with db.session() as session:
        points = await list_points(session=session, town=samples[0]["town"])
    assert [(p.name, p.sample) for p in points] == [(samples[0]["name"], False)]


async def test_a_failed_statement_does_not_quote_its_values(db: Database) -> None:
    """Database errors reach tracebacks and the logs: a resident's text must not ride along."""
    secret = "我住在幸福小区3栋，电话13800000000"
    row = {"telegram_id": 1, "name": secret, "first_seen": NOW, "last_seen": NOW}

    async def insert_twice() -> None:
        async with db.session() as session:
            await session.exec(insert(Person).values(**row))
            await session.exec(insert(Person).values(**row))

    with pytest.raises(IntegrityError) as raised:
        await insert_twice()
    assert secret not in str(raised.value)


async def test_closing_while_another_connection_reads_waits_seconds_and_loses_nothing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A reader (a backup, `pufa export`) in the middle of a read transaction keeps the write-
    ahead log from being emptied: closing gives up after a short wait instead of the writers'
    30 s, says so, and the rows are in the database when it is opened again."""
    live = tmp_path / "pufa.db"
    url = f"sqlite+aiosqlite:///{live}"
    db = Database(url)
    await db.upgrade()
    async with db.session() as session:
        await touch_person(session=session, telegram_id=4242, name="李四", username=None, now=NOW)
    with contextlib.closing(sqlite3.connect(live)) as reader:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM person").fetchone()  # holds its snapshot
        started = time.monotonic()
        await db.dispose()
        waited = time.monotonic() - started
        reader.execute("COMMIT")
    assert waited < 15, waited  # the bound, well under the writers' 30 s busy timeout
    assert f"keep {live}-wal with it" in caplog.text
    again = Database(url)
    try:
        async with again.session() as session:
            person = await session.get(Person, 4242)
            assert person is not None and person.name == "李四"
    finally:
        await again.dispose()
