"""`pufa db backup`: a consistent copy of a live SQLite database, made with SQLite's online
backup API (one step under a read transaction, so the copy is one instant of the database
even while the bot writes; in WAL mode the bot's writes do not wait for it). PostgreSQL is
backed up with its own tools (pg_dump / pg_restore)."""

import contextlib
import os
import sqlite3
from datetime import datetime, tzinfo
from pathlib import Path

from sqlalchemy.engine import make_url

from storage.db import NoDatabase, sqlite_file


class NotSqlite(Exception):
    """The database is not a SQLite file: use the database's own tools."""


class Corrupt(Exception):
    """The source is not a sound SQLite database (damaged, or not one at all): no copy."""


def sqlite_path(url: str) -> Path:
    """The absolute path of the database file; NotSqlite for any other database."""
    path = sqlite_file(url)
    if path is None:
        raise NotSqlite(make_url(url).get_backend_name())
    return path


def dated_name(live: Path, at: datetime, tz: tzinfo) -> str:
    """A folder's copy of `live`: `<数据库名>-YYYY-MM-DD.db`, the day `at` falls on in `tz`
    (PUFA_TIMEZONE), as the README and `pufa db backup --help` say."""
    return f"{live.stem}-{at.astimezone(tz).date().isoformat()}.db"


class Exists(Exception):
    """The backup file is already there: a backup never replaces one unless told to."""


def backup_sqlite(
    source: Path, target: Path, *, replace: bool = False, numbered: bool = False
) -> tuple[Path, int]:
    """Copies `source` to `target` and checks the copy's integrity; returns where the copy
    is and its size in bytes. An existing `target` is kept: Exists, or with `numbered` the
    copy goes to the first free `name-2.db`, `name-3.db`...; `replace` replaces it. The copy
    appears at once, complete (a half-written copy never sits at `target`, and none is left
    beside it when anything fails), readable by its owner only (it holds personal data).
    NoDatabase when `source` is missing or holds no bot schema (not the bot's database)."""
    if not source.is_file():
        raise NoDatabase(str(source))
    created = [folder for folder in (target.parent, *target.parent.parents) if not folder.exists()]
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    try:
        partial.unlink(missing_ok=True)
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        _copy(source, partial)
        os.chmod(partial, 0o600)  # whatever the umask
        if replace:
            os.replace(partial, target)
        else:
            target = _link_free(partial, target, numbered)
    except BaseException:
        partial.unlink(missing_ok=True)
        for folder in created:  # the deepest first; none left behind by a failed backup
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    partial.unlink(missing_ok=True)  # the link kept under its new name
    return target, target.stat().st_size


def _link_free(partial: Path, target: Path, numbered: bool) -> Path:
    """Links `partial` at `target` (or its first free numbered name) without replacing any
    file, also when another backup runs at the same time: a hard link fails if the name
    is taken."""
    name, n = target, 1
    while True:
        try:
            os.link(partial, name)
            return name
        except FileExistsError:
            if not numbered:
                raise Exists(str(target)) from None
        n += 1
        name = target.with_name(f"{target.stem}-{n}{target.suffix}")


def _copy(source: Path, copy_path: Path) -> None:
    live = sqlite3.connect(source, timeout=30)
    copy = sqlite3.connect(copy_path)
    try:
        live.backup(copy)  # all pages in one step: one consistent instant
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        (verdict,) = copy.execute("PRAGMA integrity_check").fetchone()
        schema = copy.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).fetchone()
    except sqlite3.OperationalError:  # locked, unreadable: not the file's fault
        raise
    except sqlite3.DatabaseError as error:  # "file is not a database", "... malformed"
        raise Corrupt(str(error)) from error
    finally:
        copy.close()
        live.close()
    if verdict != "ok":  # a report of many lines ("*** in database main ***" first)
        problems = [line for line in verdict.splitlines() if not line.startswith("***")]
        raise Corrupt(f"integrity check: {(problems or [verdict])[0]}")
    if schema is None:  # an empty file, or another program's database
        raise NoDatabase(str(source))
