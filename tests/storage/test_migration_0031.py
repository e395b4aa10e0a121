"""Migration 0031 on SQLite and PostgreSQL: an attempt from before it has no question message,
so a contest's close leaves it out of those whose buttons it takes off; one shown from then on
is found at the close until it is finished. Going back (to the revision before) and up again
keeps every attempt."""

from pathlib import Path

import pytest
import sqlalchemy as sa

from storage import quiz as repo
from storage.db import Database
from tests.conftest import BACKENDS
from tests.processes import downgrade, migrated, previous_revision
from tests.storage.test_quiz_storage import RIGHT, attempt, contest

BEFORE = previous_revision("0031")
OLD, NEW = 7_310_001, 7_310_002
ATTEMPT = sa.table(
    "quiz_attempt",
    *map(sa.column, ["contest_id", "telegram_id", "chat_id", "token", "question_ids"]),
    sa.column("position", sa.Integer()),
    sa.column("score", sa.Integer()),
    sa.column("total_ms", sa.Integer()),
    sa.column("picked", sa.String()),
    sa.column("first_name", sa.String()),
    sa.column("town", sa.String()),
    sa.column("started_at", sa.DateTime(timezone=True)),
)


async def _attempts(db: Database) -> list[int]:
    async with db.engine.connect() as connection:
        found = await connection.execute(sa.select(ATTEMPT.c.telegram_id))
        return sorted(found.scalars())


async def _cut_off(db: Database, contest_id: int) -> list[tuple[int, int]]:
    async with db.session() as session:
        return await repo.cut_off(session=session, contest_id=contest_id)


@pytest.mark.parametrize("backend", BACKENDS)
async def test_only_questions_shown_since_are_cut_off(tmp_path: Path, backend: str) -> None:
    async with migrated(backend, tmp_path) as db:
        contest_id = await contest(db)
        await downgrade(db, BEFORE)
        old = attempt(OLD, contest_id)
        async with db.engine.begin() as connection:
            values = old.model_dump(include=set(ATTEMPT.c.keys()))
            await connection.execute(ATTEMPT.insert().values(**values))
        await db.upgrade()
        async with db.session() as session:
            new = await repo.start_attempt(session=session, attempt=attempt(NEW, contest_id))
            assert new is not None and new.id is not None
            await repo.shown_in(session=session, attempt_id=new.id, position=0, message_id=41)
        assert await _cut_off(db, contest_id) == [(NEW, 41)]
        async with db.session() as session:  # answered: the next question is not shown yet
            await repo.record_answer(
                session=session, attempt_id=new.id, position=0, given=RIGHT, now=new.started_at,
                last=False,
            )  # fmt: skip
            await repo.shown_in(session=session, attempt_id=new.id, position=0, message_id=99)
        assert await _cut_off(db, contest_id) == [(NEW, 41)]  # a stale position changes nothing
        await downgrade(db, BEFORE)
        await db.upgrade()
        assert await _attempts(db) == [OLD, NEW]
        assert await _cut_off(db, contest_id) == []
