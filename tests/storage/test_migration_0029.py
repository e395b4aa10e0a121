"""Migration 0029 on tickets from before it, on SQLite and PostgreSQL: the index of the tickets
whose desks' messages are out of date comes with the condition the model gives it, and the
query that looks for them reads it (its 0 written into the SQL, so PostgreSQL's generic plan
of a prepared query could use it too); the same tickets are found as before. Going back (to
the revision before) drops it, keeping every ticket and consent, and up again brings it."""

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.schema import CreateIndex
from sqlmodel import SQLModel

from storage.db import Database
from storage.tickets import outdated
from tests.clock import QUIET as NOW
from tests.conftest import BACKENDS
from tests.processes import downgrade, migrated, previous_revision
from tests.storage.old_tickets import insert_rows, ticket_and_consent_counts, ticket_row

BEFORE = previous_revision("0029")
INDEX = "ix_ticket_desk_redraw"
RESIDENT = 7_390_401
# id -> desk_redraw: drawn (-2), never changed (0), out of date (3, 1)
MARKS = {1: -2, 2: 3, 3: 0, 4: 1}


def condition(sql: str) -> str:
    """An index's condition as one comparable string."""
    return sql.replace("(", "").replace(")", "").replace(" ", "")


async def ticket_indexes(db: Database) -> dict[str, tuple[list[str], str]]:
    """The ticket table's indexes as the database has them: columns and condition."""
    async with db.engine.connect() as connection:
        found = await connection.run_sync(lambda sync: sa.inspect(sync).get_indexes("ticket"))
    indexes = {}
    for index in found:
        where = next((str(v) for k, v in index["dialect_options"].items() if "where" in k), "")
        indexes[str(index["name"])] = ([str(c) for c in index["column_names"]], condition(where))
    return indexes


def modelled(db: Database) -> tuple[list[str], str]:
    """The index as the model declares it, in the database's dialect."""
    [index] = [i for i in SQLModel.metadata.tables["ticket"].indexes if i.name == INDEX]
    ddl = str(CreateIndex(index).compile(dialect=db.engine.dialect))
    _create, where = ddl.split(" WHERE ", 1) if " WHERE " in ddl else (ddl, "")
    return [column.name for column in index.columns], condition(where)


async def plan_of_outdated(db: Database) -> str:
    """How the database would read `outdated`'s query as sent, with no parameter (its 0 is
    in the SQL); on PostgreSQL with sequential scans off: the table is tiny here."""
    sent: list[tuple[str, object]] = []

    def note(
        _conn: object, _cursor: object, statement: str, parameters: object, *_: object
    ) -> None:
        sent.append((statement, parameters))

    sa.event.listen(db.engine.sync_engine, "before_cursor_execute", note)
    try:
        async with db.session() as session:
            await outdated(session=session)
    finally:
        sa.event.remove(db.engine.sync_engine, "before_cursor_execute", note)
    [(statement, parameters)] = [(s, p) for s, p in sent if "desk_redraw" in s]
    assert not parameters, statement
    async with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            await connection.execute(sa.text("SET LOCAL enable_seqscan = off"))
            rows = await connection.execute(sa.text(f"EXPLAIN {statement}"))
        else:
            rows = await connection.execute(sa.text(f"EXPLAIN QUERY PLAN {statement}"))
        return "\n".join(str(row[-1]) for row in rows)


@pytest.mark.parametrize("backend", BACKENDS)
async def test_the_outdated_tickets_are_found_through_a_partial_index(
    tmp_path: Path, backend: str
) -> None:
    async with migrated(backend, tmp_path, BEFORE) as db:
        await insert_rows(
            db,
            {
                "ticket": [
                    ticket_row(n, RESIDENT, "a", None, "", "open", at=NOW, due=NOW, desk_redraw=m)
                    for n, m in MARKS.items()
                ],
                "ticket_consent": [{"ticket_id": 2, "desk_id": "a", "agreed_at": NOW}],
            },
        )
        async with db.session() as session:
            before = await outdated(session=session)
        await db.upgrade()
        upgraded = await ticket_indexes(db)
        async with db.session() as session:
            found = await outdated(session=session)
        plan = await plan_of_outdated(db)
        await downgrade(db, BEFORE)
        down, down_counts = await ticket_indexes(db), await ticket_and_consent_counts(db)
        async with db.session() as session:
            found_down = await outdated(session=session)
        await db.upgrade()
        up_again = await ticket_indexes(db)
    assert before == found == found_down == [2, 4]
    assert upgraded[INDEX] == modelled(db) == (["id"], "desk_redraw>0")
    assert INDEX in plan, plan
    assert INDEX not in down and down_counts == (4, 1)
    assert up_again[INDEX] == upgraded[INDEX]
