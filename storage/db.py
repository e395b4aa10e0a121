"""Async engine, per-update sessions and schema migrations."""

import asyncio
import contextlib
import logging
import os
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.locks import migrating

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.dialects import postgresql, sqlite

log = logging.getLogger(__name__)
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_REVISION = re.compile(r"^revision\b[^=]*=\s*[\"']([^\"']+)[\"']", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision\b[^=]*=(.*)$", re.MULTILINE)
_QUOTED = re.compile(r"[\"']([^\"']+)[\"']")
# SQLite writers wait their turn up to 30 s: under heavy load (a quiz contest, a loaded
# machine) 5 s was not enough and a press failed with "database is locked".
BUSY_TIMEOUT_MS = 30_000
# Closing waits this long for other connections before leaving the -wal file as it is.
CHECKPOINT_WAIT_MS = 3_000


def conflict_insert(
    session: AsyncSession,
) -> Callable[[Any], "postgresql.Insert | sqlite.Insert"]:
    """INSERT with ON CONFLICT for the session's database (PostgreSQL's and SQLite's share
    `on_conflict_do_nothing` / `on_conflict_do_update`). Each dialect is imported only where
    it is used (PostgreSQL's takes some 40 ms to import)."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert


class Database:
    """Owns the engine. Open one session per update or job with `async with db.session()`."""

    def __init__(self, url: str, *, schema: str | None = None) -> None:
        parsed = make_url(url)
        self._file = sqlite_file(url)  # None: PostgreSQL, in-memory SQLite
        connect_args: dict[str, Any] = {}
        if parsed.get_backend_name() == "sqlite":
            _ensure_parent_dir(parsed.database)
        elif schema:
            connect_args["server_settings"] = {"search_path": schema}
        self.engine: AsyncEngine = create_async_engine(
            url,
            connect_args=connect_args,
            pool_pre_ping=parsed.get_backend_name() != "sqlite",
            # A failed statement's error would otherwise quote its values (a resident's
            # question, a name) into tracebacks and the logs.
            hide_parameters=True,
        )
        if parsed.get_backend_name() == "sqlite":
            event.listen(self.engine.sync_engine, "do_connect", self._create_private)
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self._sessions = async_sessionmaker(
            self.engine, class_=AsyncSession, expire_on_commit=False
        )

    def _create_private(self, *_: Any) -> None:
        """Before SQLite opens a database file that is not there yet, creates it empty and
        readable by its owner only: it holds residents' messages and volunteers' phone
        numbers, and SQLite would create it readable by everyone (0644 less the umask). SQLite
        gives the -wal and -shm files the database file's mode."""
        if self._file is not None:
            with contextlib.suppress(FileExistsError):
                os.close(os.open(self._file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A transaction: committed when the block ends normally, rolled back on any error."""
        async with self._sessions() as session, session.begin():
            yield session

    async def upgrade(self, revision: str = "head") -> tuple[frozenset[str], frozenset[str]]:
        """Bring the schema to the newest migration (safe to run on every start, and from
        several processes at once: they take turns); tests may stop at an older `revision`.
        A schema already current is seen from its version row, without loading alembic.
        Logs one line at INFO (alembic's line per migration is detail: bot.logging_setup).
        Returns the schema's migrations before and after (none before: a new database)."""
        if revision == "head":
            async with self.engine.connect() as connection:
                current = await connection.run_sync(_current_revisions)
            if current == head_revisions():
                log.info("database schema is current (%s)", _named(current))
                return current, current
            _known(current)
        async with migrating(self.engine) as connection:
            before = _known(await connection.run_sync(_current_revisions))
            await connection.run_sync(_upgrade, revision)
            after = await connection.run_sync(_current_revisions)
        if after == before:  # another process migrated it while this one waited its turn
            log.info("database schema is current (%s)", _named(after))
        else:
            log.info("database schema upgraded from %s to %s", _named(before), _named(after))
        return before, after

    async def ping(self, timeout: float = 3.0) -> bool:  # noqa: ASYNC109
        """Whether the database answers a trivial query within `timeout` seconds."""
        try:
            async with asyncio.timeout(timeout), self.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception:
            return False
        return True

    async def dispose(self) -> None:
        """Closes the database. A SQLite file's write-ahead log is first folded into the file
        and emptied, so that the file alone holds everything (a copy of `pufa.db` without its
        `-wal` loses nothing): SQLite does that by itself only when the last connection of
        all closes, and a standby or a `pufa export` may still have the database open."""
        if self._file is not None and self._file.is_file():
            await self._checkpoint(self._file)
        await self.engine.dispose()

    async def _checkpoint(self, path: Path) -> None:
        """Waits for other connections' transactions at most CHECKPOINT_WAIT_MS, not the
        writers' busy timeout: a reader (a backup, an export) must not hold up a stop for
        30 s. What is not folded stays in the -wal file and SQLite applies it at the next
        open, so giving up loses nothing."""
        try:
            async with self.engine.connect() as connection:
                await connection.exec_driver_sql(f"PRAGMA busy_timeout={CHECKPOINT_WAIT_MS}")
                try:
                    result = await connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                    busy = result.one()[0]
                finally:
                    await connection.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        except Exception as error:  # closing goes on: what the log holds is not lost
            log.warning("database log not folded into %s: %s", path, type(error).__name__)
            return
        if busy:  # another connection kept writing or reading for the whole wait
            log.warning("database log not fully folded into %s: keep %s-wal with it", path, path)


class NewerDatabase(Exception):
    """The database's schema is at a migration this code does not have: a newer version of
    the bot migrated it (and this one was rolled back). Nothing is changed."""

    def __init__(self, revisions: frozenset[str]) -> None:
        super().__init__(_named(revisions))
        self.revisions = revisions


class NoDatabase(Exception):
    """The bot's database is not where the settings point (no SQLite file there, or one with
    no schema; a PostgreSQL database or schema with no tables): a command that only reads or
    copies the bot's data refuses instead of creating an empty one and reporting success."""

    def __init__(self, where: str, *, file: bool = True) -> None:
        super().__init__(where)
        self.where = where  # the absolute file, or the URL with its password masked
        self.file = file  # a SQLite file (else a PostgreSQL database or schema)


async def open_existing(url: str, *, schema: str | None = None) -> Database:
    """The bot's database for a command that must not create one (an export, `pufa verify`):
    NoDatabase when it is not there; a schema from an older version is brought up to date as
    at every start. Only `pufa run`, `pufa webhook`, `pufa demo` and `pufa db upgrade` (and the
    imports, which fill a new one) create a database."""
    path = sqlite_file(url)
    if path is not None and not path.is_file():
        raise NoDatabase(str(path))
    db = Database(url, schema=schema)
    try:
        async with db.engine.connect() as connection:
            if not await connection.run_sync(_current_revisions):
                raise NoDatabase(database_name(url, schema=schema), file=path is not None)
        await db.upgrade()
    except BaseException:
        await db.dispose()
        raise
    return db


def database_name(url: str, *, schema: str | None = None) -> str:
    """The database as an operator names it: a SQLite file's absolute path, else the URL
    with its password masked and the schema, if any."""
    path = sqlite_file(url)
    if path is not None:
        return str(path)
    return f"{masked_url(url)}（schema {schema}）" if schema else masked_url(url)


def sqlite_file(url: str) -> Path | None:
    """The absolute path of a SQLite URL's file (relative ones are taken from the working
    directory, as SQLite does); None for PostgreSQL and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database or "").expanduser().absolute()


def unavailable(error: BaseException) -> bool:
    """Whether `error` says the database cannot be reached right now (down, restarting, the
    network to it cut, a SQLite file locked by another process), as opposed to a mistake in
    what was asked: worth trying again later."""
    if isinstance(error, OSError | TimeoutError):
        return True
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    # SQLite says "operational" also of a broken schema: that is a bug, not an outage.
    broken = ("no such table", "no such column", "has no column", "syntax error")
    return isinstance(error, OperationalError | InterfaceError) and not any(
        marker in str(error.orig).lower() for marker in broken
    )


def refused(error: BaseException) -> bool:
    """Whether the database server refused this connection for what it was told: an unknown
    role or database, a wrong password, a schema that is not there (PostgreSQL's SQLSTATE
    classes 28, 3D, 3F): the URL needs fixing, not the server."""
    if not isinstance(error, DBAPIError):
        return False
    state = str(getattr(error.orig, "sqlstate", "") or "")
    return state[:2] in ("28", "3D", "3F")


def no_such_schema(error: BaseException) -> bool:
    """Whether the database refused because the schema it was to use is not there
    (PostgreSQL's invalid_schema_name: nothing to create the tables in)."""
    if not isinstance(error, DBAPIError):
        return False
    return str(getattr(error.orig, "sqlstate", "") or "") == "3F000"


def masked_url(url: str) -> str:
    """`url` as an operator may see it: the password as ***. A text that does not parse as a
    URL is shown only when it cannot hold a password (no @)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return "***" if "@" in url else url


def head_revisions() -> frozenset[str]:
    """The newest migrations: those no other migration names as its parent."""
    revisions, parents = _migrations()
    return revisions - parents


def _migrations() -> tuple[frozenset[str], frozenset[str]]:
    """Every migration's revision, and every one named as a parent, read from the `revision`
    and `down_revision` lines of the migration files (without loading alembic)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        if revision := _REVISION.search(source):
            revisions.add(revision[1])
        if down := _DOWN_REVISION.search(source):
            parents.update(_QUOTED.findall(down[1]))
    return frozenset(revisions), frozenset(parents)


def _known(current: frozenset[str]) -> frozenset[str]:
    """`current`; NewerDatabase if it names a migration this code does not have."""
    if current - _migrations()[0]:
        raise NewerDatabase(current)
    return current


def _current_revisions(connection: Connection) -> frozenset[str]:
    if not inspect(connection).has_table("alembic_version"):
        return frozenset()
    rows = connection.execute(text("SELECT version_num FROM alembic_version"))
    return frozenset(str(row[0]) for row in rows)


def _named(revisions: frozenset[str]) -> str:
    return ", ".join(sorted(revisions)) or "empty"


def alembic_config(connection: Connection | None = None) -> "Config":
    from alembic.config import Config  # imported here: most starts find the schema current

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def _upgrade(connection: Connection, revision: str) -> None:
    from alembic import command

    command.upgrade(alembic_config(connection), revision)


def _ensure_parent_dir(database: str | None) -> None:
    if database and database != ":memory:":
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL still survives a killed process; only a power cut can lose the last
    # commits (never corrupt the file). It saves an fsync per transaction.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()
