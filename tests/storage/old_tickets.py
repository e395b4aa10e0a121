"""Tickets and their consents written with SQL into a database at an older revision (the
models describe the newest schema), for the ticket migrations' tests."""

from collections.abc import Mapping, Sequence
from datetime import datetime

import sqlalchemy as sa

from storage.db import Database
from storage.models import UtcDateTime
from storage.tickets import StoredTicket, get_ticket

TIMES = {"created_at", "due_at", "escalate_at", "contact_asked_at", "agreed_at"}


def ticket_row(
    number: int,
    resident: int,
    desk: str,
    first: str | None,
    contact: str,
    status: str,
    *,
    at: datetime,
    due: datetime,
    **more: object,
) -> dict[str, object]:
    """A labour ticket of `resident` at `desk` (first at `first`), created `at`, due and
    escalated at `due`; `more` are columns of later revisions."""
    return {
        "id": number, "resident_id": resident, "desk_id": desk, "first_desk_id": first,
        "category": "labor", "town": "", "text": "", "contact": contact, "status": status,
        "submission_key": f"k{number}", "created_at": at, "due_at": due, "escalate_at": due,
        **more,
    }  # fmt: skip


async def insert_rows(db: Database, rows: Mapping[str, Sequence[Mapping[str, object]]]) -> None:
    """Rows by table name, in one transaction, each table's columns those of its first row."""
    async with db.engine.begin() as connection:
        for name, table_rows in rows.items():
            if not table_rows:
                continue
            columns = (
                sa.column(key, UtcDateTime()) if key in TIMES else sa.column(key)
                for key in table_rows[0]
            )
            await connection.execute(sa.table(name, *columns).insert(), list(table_rows))


async def ticket_and_consent_counts(db: Database) -> tuple[int, int]:
    """How many tickets and consents the database holds (a migration keeps them all)."""
    async with db.engine.connect() as connection:
        tickets = await connection.execute(sa.text("SELECT COUNT(*) FROM ticket"))
        consents = await connection.execute(sa.text("SELECT COUNT(*) FROM ticket_consent"))
        return int(tickets.scalar_one()), int(consents.scalar_one())


async def stored_ticket(db: Database, ticket_id: int) -> StoredTicket:
    """The ticket as the repository reads it at the newest revision (it must exist)."""
    async with db.session() as session:
        found = await get_ticket(session=session, ticket_id=ticket_id)
    assert found is not None
    return found
