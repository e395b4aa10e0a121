"""Migration 0013 on tickets from before it: those answered are judged by the deadline they have
then (the export's 按时答复 does not change on upgrade), and all have waited since creation."""

from pathlib import Path

from sqlalchemy import text

from storage.db import Database
from storage.ticket_messages import remember_message
from storage.tickets import add_entry, get_ticket
from tests.clock import QUIET as NOW
from tests.conftest import sqlite_url
from tests.processes import downgrade

TICKET = (
    "INSERT INTO ticket (id, desk_id, category, town, text, contact, status, created_at, "
    "due_at, escalate_at, answered_at, submission_key) VALUES (:id, 'a-desk', '', '', '', '', "
    "'answered', '2026-03-02 01:00:00.000000', '2026-03-02 09:00:00.000000', "
    "'2026-03-03 09:00:00.000000', :answered, :key)"
)


async def test_tickets_answered_before_it_keep_their_judgement(tmp_path: Path) -> None:
    db = Database(sqlite_url(tmp_path))
    await db.upgrade("0012")
    async with db.session() as session:
        for number, answered in (
            (1, "2026-03-02 08:59:00.000000"),
            (2, "2026-03-02 09:01:00.000000"),
            (3, None),
        ):
            await session.exec(  # type: ignore[call-overload]
                text(TICKET).bindparams(id=number, answered=answered, key=f"k{number}")
            )
    await db.upgrade()
    async with db.session() as session:
        found = await session.exec(  # type: ignore[call-overload]
            text("SELECT id, answered_on_time FROM ticket ORDER BY id")
        )
        rows = [tuple(row) for row in found.all()]
    await db.dispose()
    assert rows == [(1, 1), (2, 0), (3, None)]


async def test_tickets_from_before_it_have_waited_since_their_creation(tmp_path: Path) -> None:
    db = Database(sqlite_url(tmp_path))
    await db.upgrade("0012")
    async with db.session() as session:
        await session.exec(  # type: ignore[call-overload]
            text(TICKET).bindparams(id=1, answered=None, key="k1")
        )
    await db.upgrade()
    async with db.session() as session:
        stored = await get_ticket(session=session, ticket_id=1)
    await db.dispose()
    assert stored is not None and stored.waiting_since == stored.created_at


async def test_downgrading_it_keeps_every_ticket_and_its_exchange(tmp_path: Path) -> None:
    """Going back to 0012 drops its columns in place: rebuilding the ticket table on SQLite
    would cascade to the tickets' messages and entries."""
    db = Database(sqlite_url(tmp_path))
    await db.upgrade()
    async with db.session() as session:
        await session.exec(  # type: ignore[call-overload]
            text(TICKET).bindparams(id=1, answered=None, key="k1")
        )
        await add_entry(session=session, ticket_id=1, author="resident", text="补充", now=NOW)
        await remember_message(session=session, ticket_id=1, chat_id=-100, message_id=5)
    await downgrade(db, "0012")
    async with db.session() as session:
        counts = [
            (await session.exec(text(f"SELECT COUNT(*) FROM {table}"))).one()[0]  # type: ignore[call-overload]
            for table in ("ticket", "ticket_entry", "ticket_message")
        ]
    await db.dispose()
    assert counts == [1, 1, 1]
