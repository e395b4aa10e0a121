"""Bot processes for tests: real `pufa run` / `pufa webhook` subprocesses against a LocalBotApi,
on a SQLite file or a fresh PostgreSQL schema, each with its own web port."""

import asyncio
import os
import random
import signal
import socket
import sys
import uuid
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from local_api import LocalBotApi
from storage.db import Database, alembic_config
from storage.locks import migrating
from tests.conftest import PG_URL, content_without_calendar, sqlite_url


def process_now() -> datetime:
    """The instant the bot processes a test starts read. They run on the machine's clock (under
    faketime, shifted as the test is), not on a test's controlled one, so a row such a process
    must find due (a broadcast to send now, a report to announce) is stamped with it: the one
    reading of the real clock in the suite, and no test depends on what day it is."""
    return datetime.now(UTC)


def _ephemeral_ports() -> range:
    """The ports the kernel hands to outgoing connections and to `bind(..., 0)`."""
    try:
        low, high = map(int, Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    except (OSError, ValueError):
        low, high = 32768, 60999
    return range(low, high + 1)


def free_port(span: int = 1) -> int:
    """A port P such that P .. P + span - 1 are free, for a process the test starts to bind
    itself (`pufa demo` binds P and P + 1).

    Picked at random below the ephemeral range: a port the kernel handed out a moment ago
    (to a probe or to any test's outgoing connection) can be taken again before the process
    binds it, and a port next to one is no more likely to be free than any other."""
    ephemeral = _ephemeral_ports()
    picks = random.Random()
    while True:
        port = picks.randrange(10_000, max(ephemeral.start, 10_001 + span) - span)
        if all(_bindable(candidate) for candidate in range(port, port + span)):
            return port


@contextmanager
def refusing_port() -> Iterator[int]:
    """A loopback port held bound and never listened on: a connection to it is refused, and
    no other socket can take the port while the test uses it (as one could a port probed and
    let go)."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        yield int(held.getsockname()[1])


def _bindable(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@dataclass
class Store:
    """Where the bot processes keep their data."""

    url: str
    schema: str | None = None

    def database(self) -> Database:
        return Database(self.url, schema=self.schema)

    def env(self) -> dict[str, str]:
        return {"PUFA_DATABASE_URL": self.url} | (
            {"PUFA_DATABASE_SCHEMA": self.schema} if self.schema else {}
        )


@asynccontextmanager
async def store(backend: str, directory: Path) -> AsyncIterator[Store]:
    """An empty database (not migrated): a SQLite file, or a new PostgreSQL schema."""
    if backend == "sqlite":
        yield Store(sqlite_url(directory))
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(PG_URL)
    async with admin.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield Store(PG_URL, schema)
    finally:
        async with admin.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


@asynccontextmanager
async def migrated(
    backend: str, directory: Path, revision: str = "head"
) -> AsyncIterator[Database]:
    """A new database on `backend` (see `store`), migrated up to `revision`."""
    async with store(backend, directory) as data:
        db = data.database()
        try:
            await db.upgrade(revision)
            yield db
        finally:
            await db.dispose()


def previous_revision(revision: str) -> str:
    """The revision `revision` follows, for a migration's test to start from and go back to
    (another may be chained in between later)."""
    found = ScriptDirectory.from_config(alembic_config()).get_revision(revision)
    assert found is not None and isinstance(found.down_revision, str)
    return found.down_revision


async def downgrade(db: Database, revision: str) -> None:
    """Migrates the database back down to `revision`, holding the migration lock as
    `Database.upgrade` does."""
    async with migrating(db.engine) as connection:
        await connection.run_sync(lambda sync: command.downgrade(alembic_config(sync), revision))


@dataclass
class BotProcess:
    process: asyncio.subprocess.Process
    port: int
    log: Path
    _session: aiohttp.ClientSession = field(default_factory=aiohttp.ClientSession)

    async def health(self) -> tuple[int, dict[str, Any]]:
        """(status, JSON) of /healthz; (0, {}) while the web app does not answer yet."""
        try:
            async with self._session.get(
                f"http://127.0.0.1:{self.port}/healthz", timeout=aiohttp.ClientTimeout(total=5)
            ) as response:
                return response.status, await response.json()
        except (aiohttp.ClientError, TimeoutError):
            return 0, {}

    async def get(self, path: str, **kwargs: Any) -> tuple[int, str]:
        async with self._session.get(f"http://127.0.0.1:{self.port}{path}", **kwargs) as response:
            return response.status, await response.text()

    async def role(self) -> str | None:
        return (await self.health())[1].get("role")

    def running(self) -> bool:
        return self.process.returncode is None

    async def stop(self, sig: signal.Signals = signal.SIGTERM) -> int:
        if self.running():
            self.process.send_signal(sig)
        code = await self.process.wait()
        await self._session.close()
        return code

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


async def start_bot(
    api: LocalBotApi,
    data: Store,
    cwd: Path,
    *,
    mode: str = "run",
    name: str = "bot",
    port: int | None = None,
    settings: dict[str, str] | None = None,
) -> BotProcess:
    """`pufa <mode>` in a subprocess; `settings` are more PUFA_* variables (without PUFA_)."""
    port = port or free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUFA_")}
    env |= data.env() | {
        "PUFA_BOT_TOKEN": api.token,
        "PUFA_API_BASE_URL": api.base_url,
        "PUFA_WEB_PORT": str(port),
        "PUFA_LOG_LEVEL": "INFO",
        "PUFA_LOCK_CHECK_SECONDS": "0.5",
        "PUFA_CONTENT_DIR": str(content_without_calendar(cwd)),
    }
    env |= {f"PUFA_{key.upper()}": value for key, value in (settings or {}).items()}
    log = cwd / f"{name}-{port}.log"
    with log.open("wb") as out:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", mode, env=env, cwd=cwd, stdout=out, stderr=out
        )
    return BotProcess(process, port, log)


async def stop_all(*bots: BotProcess) -> None:
    for bot in bots:
        if bot.running():
            bot.process.send_signal(signal.SIGKILL)
        await bot.stop()


async def run_pufa(
    *argv: str, cwd: Path | None = None, env: Mapping[str, str] | None = None
) -> tuple[int, str, str]:
    """`pufa ARGV` in a subprocess (run in `cwd`, with `env` over this process's): its exit
    code, stdout and stderr."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        *argv,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()
