"""A database made by an earlier release's migrations, with rows in every table, upgraded to
the newest schema: every row and every value it had is still there."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory

from storage.db import Database, alembic_config
from tests.conftest import PG_URL, sqlite_url
from tests.processes import store

ROWS = 3
SCRIPTS = ScriptDirectory.from_config(alembic_config())
HEAD = SCRIPTS.get_current_head()
assert HEAD is not None
# Every revision a database of an earlier release can be at (the merged heads of a branch too).
EARLIER = [r.revision for r in SCRIPTS.walk_revisions() if r.revision != HEAD]


def value(column: sa.Column[Any], i: int) -> Any:
    """The i-th row's value for `column`: the same for the same type, so foreign keys find
    their rows; distinct per row, so unique constraints hold."""
    kind = column.type
    if isinstance(kind, sa.Boolean):
        return i % 2 == 0
    if isinstance(kind, sa.Integer):
        return i + 1
    if isinstance(kind, sa.Float | sa.Numeric):
        return i + 0.5
    if isinstance(kind, sa.DateTime):
        return datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=i)
    if isinstance(kind, sa.Date):
        return date(2026, 1, 1 + i)
    if isinstance(kind, sa.String):
        return f"v{i + 1}"
    raise AssertionError(f"no sample for {column.table.name}.{column.name}: {kind!r}")


def tables(connection: sa.Connection) -> list[sa.Table]:
    meta = sa.MetaData()
    meta.reflect(connection)
    return [t for t in meta.sorted_tables if t.name != "alembic_version"]


Snapshot = dict[str, tuple[list[str], list[tuple[Any, ...]]]]  # table -> (columns, rows)


def fill(connection: sa.Connection) -> Snapshot:
    """Rows in every table; returns each table's columns and rows as read back."""
    found = tables(connection)
    for table in found:
        rows = [{c.name: value(c, i) for c in table.columns} for i in range(ROWS)]
        connection.execute(table.insert(), rows)
    return {t.name: read(connection, t, [c.name for c in t.columns]) for t in found}


def read(
    connection: sa.Connection, table: sa.Table, names: list[str]
) -> tuple[list[str], list[tuple[Any, ...]]]:
    rows = connection.execute(sa.select(*(table.c[n] for n in names))).all()
    return names, sorted((tuple(row) for row in rows), key=repr)


def reread(connection: sa.Connection, before: Snapshot) -> Snapshot:
    """The same columns of the same tables, read now."""
    now = {t.name: t for t in tables(connection)}
    missing = set(before) - set(now)
    assert not missing, f"tables gone: {missing}"
    return {name: read(connection, now[name], names) for name, (names, _) in before.items()}


async def upgraded_keeps_everything(db: Database, start: str) -> None:
    await db.upgrade(start)
    async with db.engine.begin() as connection:
        before = await connection.run_sync(fill)
    assert before and all(len(rows) == ROWS for _, rows in before.values())
    await db.upgrade()
    async with db.engine.begin() as connection:
        after = await connection.run_sync(reread, before)
        version = await connection.execute(sa.text("SELECT version_num FROM alembic_version"))
    assert version.scalar() == HEAD
    assert after == before


@pytest.mark.parametrize("start", EARLIER)
async def test_upgrade_from_an_earlier_release_loses_no_row_on_sqlite(
    tmp_path: Path, start: str
) -> None:
    db = Database(sqlite_url(tmp_path))
    try:
        await upgraded_keeps_everything(db, start)
    finally:
        await db.dispose()


@pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL")
async def test_upgrade_from_the_previous_release_loses_no_row_on_postgresql(
    tmp_path: Path,
) -> None:
    async with store("postgresql", tmp_path) as data:
        db = data.database()
        try:
            await upgraded_keeps_everything(db, EARLIER[0])
        finally:
            await db.dispose()
