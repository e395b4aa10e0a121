"""The write-behind: a stop in the middle of a batch finishes that batch (never cut off with
its transaction open) and then writes the rest, each row once; a flush waits for one under way."""

import asyncio
from pathlib import Path

from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.db import Database
from storage.models import QuestionLog
from storage.questions import LoggedAnswer, log_questions
from storage.write_behind import BATCH, WriteBehind
from tests.conftest import sqlite_url
from tests.storage.test_storage import answer
from tests.waiting import eventually


async def test_a_stop_during_a_batch_loses_and_repeats_nothing(db: Database) -> None:
    entered, gate = asyncio.Event(), asyncio.Event()
    batches: list[int] = []

    async def slow_write(session: AsyncSession, rows: list[LoggedAnswer]) -> None:
        batches.append(len(rows))
        entered.set()
        await gate.wait()  # the stop arrives while this batch's transaction is open
        await log_questions(session, rows)

    log = WriteBehind(db, slow_write, name="test", interval=0.01)
    log.start()
    total = BATCH + 50
    for i in range(total):
        log.add(answer(f"问题{i}", matched=False, ref=f"ref{i}"))
    await asyncio.wait_for(entered.wait(), 60)
    stopping = asyncio.create_task(log.stop())
    await asyncio.sleep(0)
    assert not stopping.done()
    gate.set()
    await asyncio.wait_for(stopping, 60)
    async with db.session() as session:
        written = (await session.exec(select(func.count()).select_from(QuestionLog))).one()
    assert written == total and log.waiting == 0
    assert batches == [BATCH, 50]  # the first batch was finished, not cut off and redone


async def test_a_flush_returns_only_after_a_flush_under_way_has_written(tmp_path: Path) -> None:
    """Two updates flushing at once: the second must not return while the first still holds
    the rows (it would read its own question back and not find it)."""
    db = Database(sqlite_url(tmp_path))
    written: list[str] = []
    release = asyncio.Event()

    async def write(_session: AsyncSession, batch: list[str]) -> None:
        await release.wait()
        written.extend(batch)

    log = WriteBehind(db, write, name="test")
    log.add("q1")
    first = asyncio.create_task(log.flush())

    async def taken() -> bool:
        return log.waiting == 0

    await eventually(taken)  # the first flush holds q1 now
    second = asyncio.create_task(log.flush())
    for _ in range(20):  # let it run as far as it can
        await asyncio.sleep(0)
    assert not second.done()
    release.set()
    await asyncio.wait_for(asyncio.gather(first, second), 60)
    assert written == ["q1"]
    await db.dispose()
