import asyncio
from pathlib import Path

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.db import Database
from storage.write_behind import WriteBehind
from tests.conftest import sqlite_url
from tests.waiting import eventually


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
