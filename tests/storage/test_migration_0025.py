"""Migration 0025 on tickets from before it, on SQLite and PostgreSQL: none knows the desk it came
from (it was not kept) and none was asked for its number, so the desk a ticket was moved to
before may ask once; a move from then on keeps the desk it came from. Going back keeps every
ticket and the desks its number was agreed for, and up again works."""

from datetime import timedelta
from pathlib import Path

import pytest

from storage.tickets import ask_for_contact, get_ticket, transfer
from tests.clock import QUIET as NOW
from tests.conftest import BACKENDS
from tests.processes import downgrade, migrated, previous_revision
from tests.storage.old_tickets import insert_rows, ticket_and_consent_counts, ticket_row

BEFORE = previous_revision("0025")
PHONE, RESIDENT = "13811112222", 7_390_101
LATER = NOW + timedelta(hours=3)
# id -> desk now, first desk, contact, status
TICKETS = {
    1: ("b-desk", "a-desk", PHONE, "open"),  # moved: its number stayed with a-desk
    2: ("a-desk", "a-desk", PHONE, "open"),  # never moved
    3: ("b-desk", "a-desk", "", "closed"),  # moved, erased
}


@pytest.mark.parametrize("backend", BACKENDS)
async def test_tickets_from_before_came_from_nowhere_known_and_may_be_asked_once(
    tmp_path: Path, backend: str
) -> None:
    async with migrated(backend, tmp_path, BEFORE) as db:
        await insert_rows(
            db,
            {
                "ticket": [
                    ticket_row(number, RESIDENT, *ticket, at=NOW, due=LATER)
                    for number, ticket in TICKETS.items()
                ],
                "ticket_consent": [
                    {"ticket_id": n, "desk_id": "a-desk", "agreed_at": NOW} for n in (1, 2)
                ],
            },
        )
        await db.upgrade()
        async with db.session() as session:
            old = [await get_ticket(session=session, ticket_id=n) for n in TICKETS]
        async with db.session() as session:
            asked = await ask_for_contact(
                session=session, ticket_id=1, desk_id="b-desk", now=LATER
            )
            again = await ask_for_contact(
                session=session, ticket_id=1, desk_id="b-desk", now=LATER
            )
            moved = await transfer(
                session=session, ticket_id=2, from_desk="a-desk", to_desk="b-desk",
                due_at=LATER, escalate_at=LATER,
            )  # fmt: skip
        async with db.session() as session:
            one = await get_ticket(session=session, ticket_id=1)
            two = await get_ticket(session=session, ticket_id=2)
        before_down = await ticket_and_consent_counts(db)
        await downgrade(db, BEFORE)
        after_down = await ticket_and_consent_counts(db)
        await db.upgrade()
        async with db.session() as session:
            up_again = await get_ticket(session=session, ticket_id=2)
    assert [(t.moved_from_desk_id, t.contact_asked_at) if t else None for t in old] == [
        (None, None)
    ] * len(TICKETS)
    assert asked and not again and moved
    assert one is not None and one.contact_asked_at == LATER
    assert two is not None and two.moved_from_desk_id == "a-desk"
    assert before_down == after_down == (len(TICKETS), 2)
    assert up_again is not None and up_again.moved_from_desk_id is None
    assert up_again.contact_for("a-desk") == PHONE
