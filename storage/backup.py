"""`pufa db backup`: a consistent copy of a live SQLite database, made with SQLite's online
backup API (one step under a read transaction, so the copy is one instant of the database
even while the bot writes; in WAL mode the bot's writes do not wait for it). PostgreSQL is
backed up with its own tools (pg_dump / pg_restore)."""

import os
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url


class NotSqlite(Exception):
    """The database is not a SQLite file: use the database's own tools."""


class Corrupt(Exception):
    """The source is not a sound SQLite database (damaged, or not one at all): no copy."""


def sqlite_path(url: str) -> Path:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        raise NotSqlite(parsed.get_backend_name())
    return Path(parsed.database or "").expanduser()


def backup_sqlite(source: Path, target: Path) -> int:
    """Copies `source` to `target` (replaced atomically: a half-written copy never sits at
    `target`, and none is left beside it when anything fails); checks the copy's integrity;
    returns its size in bytes."""
    if not source.is_file():
        raise FileNotFoundError(source)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    try:
        partial.unlink(missing_ok=True)
        _copy(source, partial)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target.stat().st_size


def _copy(source: Path, copy_path: Path) -> None:
    live = sqlite3.connect(source, timeout=30)
    copy = sqlite3.connect(copy_path)
    try:
        live.backup(copy)  # all pages in one step: one consistent instant
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        (verdict,) = copy.execute("PRAGMA integrity_check").fetchone()
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
