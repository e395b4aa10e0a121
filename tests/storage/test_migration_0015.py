"""Migration 0015 on tickets from before it: their present desk is taken as the one they were
first sent to and (if answered) the one that answered; going back keeps every ticket."""

from pathlib import Path

from sqlalchemy import text

from storage.db import Database
from storage.ticket_messages import remember_message
from storage.tickets import add_entry
from tests.clock import QUIET as NOW
from tests.conftest import sqlite_url
from tests.processes import downgrade

TICKET = (
    "INSERT INTO ticket (id, desk_id, category, town, text, contact, status, created_at, "
    "due_at, escalate_at, answered_at, submission_key) VALUES (:id, 'a-desk', '', '', '', '', "
    "'answered', '2026-03-02 01:00:00.000000', '2026-03-02 09:00:00.000000', "
    "'2026-03-03 09:00:00.000000', :answered, :key)"
)
ENTRY = (
    "INSERT INTO ticket_entry (ticket_id, author, text, at) "
    "VALUES (1, :author, 'x', '2026-03-02 02:00:00.000000')"
)


async def test_tickets_from_before_it_stay_at_their_desk(tmp_path: Path) -> None:
    db = Database(sqlite_url(tmp_path))
    await db.upgrade("0014")
    async with db.session() as session:
        for number, answered in ((1, "2026-03-02 08:59:00.000000"), (2, None)):
            await session.exec(  # type: ignore[call-overload]
                text(TICKET).bindparams(id=number, answered=answered, key=f"k{number}")
            )
        for author in ("resident", "desk"):
            await session.exec(text(ENTRY).bindparams(author=author))  # type: ignore[call-overload]
        await session.exec(  # type: ignore[call-overload]
            text("INSERT INTO ticket_message (ticket_id, chat_id, message_id) VALUES (1, -1, 1)")
        )
    await db.upgrade()
    async with db.session() as session:
        tickets = (
            await session.exec(  # type: ignore[call-overload]
                text("SELECT id, first_desk_id, answered_desk_id FROM ticket ORDER BY id")
            )
        ).all()
        entries = (
            await session.exec(  # type: ignore[call-overload]
                text("SELECT author, desk_id FROM ticket_entry ORDER BY id")
            )
        ).all()
        buttons = (
            await session.exec(text("SELECT staff_buttons FROM ticket_message"))  # type: ignore[call-overload]
        ).all()
    await db.dispose()
    assert [tuple(row) for row in tickets] == [(1, "a-desk", "a-desk"), (2, "a-desk", None)]
    assert [tuple(row) for row in entries] == [("resident", None), ("desk", "a-desk")]
    assert [tuple(row) for row in buttons] == [(0,)]


async def test_downgrading_it_keeps_every_ticket_and_its_exchange(tmp_path: Path) -> None:
    db = Database(sqlite_url(tmp_path))
    await db.upgrade()
    async with db.session() as session:
        await session.exec(  # type: ignore[call-overload]
            text(TICKET).bindparams(id=1, answered=None, key="k1")
        )
        await add_entry(
            session=session, ticket_id=1, author="desk", text="答复", now=NOW, desk_id="a-desk"
        )
        await remember_message(
            session=session, ticket_id=1, chat_id=-100, message_id=5, staff_buttons=True
        )
    await downgrade(db, "0014")
    async with db.session() as session:
        counts = [
            (await session.exec(text(f"SELECT COUNT(*) FROM {table}"))).one()[0]  # type: ignore[call-overload]
            for table in ("ticket", "ticket_entry", "ticket_message")
        ]
    await db.dispose()
    assert counts == [1, 1, 1]
