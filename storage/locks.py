"""Locks that keep one bot's instances from stepping on each other.

`InstanceLock`: held by the one active instance of a bot for as long as it runs (a PostgreSQL
session-level advisory lock on a connection of its own, or an OS file lock beside a SQLite
file, removed on release); every other instance of the same bot waits as a standby. The lock
goes with the process: a killed instance's connection or file descriptor closes and the lock
frees.

`migration_lock`: held while the schema is migrated, so two first starts on an empty database
take turns instead of both creating the same tables.
"""

import asyncio
import contextlib
import fcntl
import hashlib
import logging
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Protocol

from sqlalchemy import NullPool, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

log = logging.getLogger(__name__)
PING_TIMEOUT = 5.0  # seconds the lock's connection may take to answer before it counts as lost
MIGRATION_KEY = "pufa-bot:migrations"


class InstanceLock(Protocol):
    async def try_acquire(self) -> bool:
        """Takes the lock if it is free (never waits); False if another instance holds it.
        Raises what the database raises when it cannot be reached."""
        ...

    async def still_held(self) -> bool:
        """Whether the lock is still ours (False once its connection is gone)."""
        ...

    async def release(self) -> None: ...


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for PostgreSQL's advisory lock functions."""
    digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def instance_lock(url: str, name: str, *, schema: str | None = None) -> InstanceLock:
    """The lock for instances named `name` (the bot's id) on the database at `url`."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return FileLock(_beside(parsed.database, f"instance-{name}"))
    return AdvisoryLock(url, lock_key(f"pufa-bot:{schema or ''}:{name}"))


class FileLock:
    """An exclusive `flock` on a file beside the SQLite database. The holder removes the file
    when it releases the lock (a crashed holder's file stays, unlocked, and is taken as it is).
    It removes it while still holding it, so whoever locks a file no longer at `path` (opened
    just before the removal) knows it came too late and tries the file now there."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    async def try_acquire(self) -> bool:
        while self._fd is None:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                return False
            if _is_at(fd, self.path):
                self._fd = fd
            else:  # its holder released and removed it between our open and flock
                os.close(fd)
        return True

    async def still_held(self) -> bool:
        return self._fd is not None

    async def release(self) -> None:
        if self._fd is not None:
            self.path.unlink(missing_ok=True)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def _is_at(fd: int, path: Path) -> bool:
    """Whether the file open as `fd` is the one now at `path`."""
    try:
        there = path.stat()
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (held.st_dev, held.st_ino) == (there.st_dev, there.st_ino)


class AdvisoryLock:
    """`pg_try_advisory_lock` on a connection kept open for this lock alone (autocommit, so
    it never sits idle in a transaction)."""

    def __init__(self, url: str, key: int) -> None:
        self.key = key
        self._engine: AsyncEngine = create_async_engine(
            url,
            poolclass=NullPool,
            # named, so an operator sees in pg_stat_activity which session holds which bot
            connect_args={
                "server_settings": {"application_name": f"pufa-instance-lock {key}"},
                "timeout": PING_TIMEOUT,  # a standby told to stop never waits long on connect
            },
        )
        self._connection: AsyncConnection | None = None
        self._held = False

    async def try_acquire(self) -> bool:
        if self._held:
            return True
        try:
            if self._connection is None:
                connection = await self._engine.connect()
                self._connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            result = await asyncio.wait_for(
                self._connection.execute(
                    text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}
                ),
                PING_TIMEOUT,
            )
            self._held = bool(result.scalar())
        except BaseException:  # next time from a new connection
            await self._drop()
            raise
        return self._held

    async def still_held(self) -> bool:
        if not self._held or self._connection is None:
            return False
        try:
            await asyncio.wait_for(self._connection.execute(text("SELECT 1")), PING_TIMEOUT)
        except Exception as exc:  # with the session gone, the server has freed the lock
            log.error("instance lock: its database connection is lost (%s)", type(exc).__name__)
            await self._drop()
            return False
        return True

    async def release(self) -> None:
        if self._held and self._connection is not None:
            with contextlib.suppress(Exception):
                await self._connection.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": self.key}
                )
        await self._drop()
        await self._engine.dispose()

    async def _drop(self) -> None:
        self._held = False
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):
                await connection.invalidate()
                await connection.close()


@contextlib.asynccontextmanager
async def migrating(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A transaction to migrate the schema in, holding the migration lock: PostgreSQL's
    transaction-level advisory lock (freed with the transaction), or a file lock beside a
    SQLite database (taken before the connection opens)."""
    database = engine.url.database
    fd = None
    if engine.dialect.name == "sqlite" and database and database != ":memory:":
        fd = await asyncio.to_thread(_flock_waiting, _beside(database, "migrate"))
    try:
        async with engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                await connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key(MIGRATION_KEY)}
                )
            yield connection
    finally:
        if fd is not None:
            os.close(fd)  # closing the descriptor frees the lock


def _flock_waiting(path: Path) -> int:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def _beside(database: str | None, what: str) -> Path:
    """`<database file>.<what>.lock`, in the database's own directory."""
    path = Path(database or "pufa.db").expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.with_name(f"{path.name}.{what}.lock")
