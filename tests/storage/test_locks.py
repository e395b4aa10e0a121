"""The instance lock: one holder at a time, free again when released or when its holder's
session ends; on SQLite a file lock beside the database, on PostgreSQL an advisory lock."""

import uuid
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from storage.locks import instance_lock, lock_key
from tests.conftest import BACKENDS, PG_URL, sqlite_url
from tests.waiting import eventually


def url_for(backend: str, tmp_path: Path) -> str:
    return sqlite_url(tmp_path) if backend == "sqlite" else PG_URL


@pytest.mark.parametrize("backend", BACKENDS)
async def test_one_holder_at_a_time_and_free_again_once_released(
    backend: str, tmp_path: Path
) -> None:
    name = uuid.uuid4().hex[:8]
    url = url_for(backend, tmp_path)
    first, second = instance_lock(url, name), instance_lock(url, name)
    other_bot = instance_lock(url, f"{name}-other")
    try:
        assert await first.try_acquire()
        assert await first.try_acquire()  # already ours
        assert not await second.try_acquire()
        assert await other_bot.try_acquire()  # another bot's lock is another lock
        assert await first.still_held() and not await second.still_held()
        await first.release()
        assert await second.try_acquire()
        assert not await first.try_acquire()
    finally:
        for lock in (first, second, other_bot):
            await lock.release()
    for held in (name, f"{name}-other"):  # each removed its file when it let go
        assert not (tmp_path / f"pufa.db.instance-{held}.lock").exists()


async def test_a_file_lock_takes_a_crashed_holders_file_and_removes_it_when_released(
    tmp_path: Path,
) -> None:
    url = sqlite_url(tmp_path)
    left = tmp_path / "pufa.db.instance-1234.lock"
    left.write_bytes(b"")  # as a killed instance leaves it: there, and locked by nobody
    first, second = instance_lock(url, "1234"), instance_lock(url, "1234")
    try:
        assert await first.try_acquire() and left.exists()
        assert not await second.try_acquire()
        await first.release()
        assert not left.exists()
        assert await second.try_acquire() and left.exists()  # a new file, held
        assert not await first.try_acquire()
    finally:
        await first.release()
        await second.release()
    assert not left.exists()


@pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL")
async def test_a_lock_whose_session_ends_is_lost_and_free_for_another() -> None:
    name = uuid.uuid4().hex[:8]
    holder, waiting = instance_lock(PG_URL, name), instance_lock(PG_URL, name)
    admin = create_async_engine(PG_URL)
    try:
        assert await holder.try_acquire()
        assert not await waiting.try_acquire()
        async with admin.begin() as conn:
            await conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE application_name = :name AND pid IN "
                    "(SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted)"
                ),
                {"name": f"pufa-instance-lock {lock_key(f'pufa-bot::{name}')}"},
            )
        assert not await holder.still_held()
        # the server frees the lock once the terminated backend has exited, a moment later
        await eventually(waiting.try_acquire)
    finally:
        await holder.release()
        await waiting.release()
        await admin.dispose()
