"""Migration 0023 on tickets from before it, on SQLite and PostgreSQL: a ticket's phone number
stays with the desk it was first sent to (its present desk if it has no first desk: from before
0015), also after it moved; a ticket without a number (or erased) agreed for no desk. Consent
for the new desk can then be given; going back keeps every ticket."""

from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from storage.models import UtcDateTime
from storage.tickets import agree_contact, get_ticket
from tests.clock import QUIET as NOW
from tests.conftest import BACKENDS
from tests.processes import downgrade, migrated, previous_revision
from tests.storage.old_tickets import insert_rows, ticket_row

BEFORE = previous_revision("0023")
PHONE, RESIDENT = "13811112222", 7_390_001
LATER = NOW + timedelta(hours=3)
# id -> (desk now, first desk, contact, status), and the desks its number goes to after
TICKETS = {
    1: (("a-desk", "a-desk", PHONE, "open"), {"a-desk"}),
    2: (("b-desk", "a-desk", PHONE, "open"), {"a-desk"}),  # moved: the number stayed
    3: (("c-desk", None, PHONE, "closed"), {"c-desk"}),  # from before 0015
    4: (("a-desk", "a-desk", "", "open"), set()),  # no number
    5: (("b-desk", "a-desk", "", "closed"), set()),  # erased
}


@pytest.mark.parametrize("backend", BACKENDS)
async def test_the_number_stays_with_the_first_desk(tmp_path: Path, backend: str) -> None:
    async with migrated(backend, tmp_path, BEFORE) as db:
        await insert_rows(
            db,
            {
                "ticket": [
                    ticket_row(number, RESIDENT, *ticket, at=NOW, due=LATER)
                    for number, (ticket, _) in TICKETS.items()
                ]
            },
        )
        await db.upgrade()
        async with db.session() as session:
            stored = [await get_ticket(session=session, ticket_id=n) for n in TICKETS]
        async with db.engine.connect() as connection:
            query = sa.text("SELECT agreed_at FROM ticket_consent")
            found = await connection.execute(query.columns(agreed_at=UtcDateTime()))
            when = set(found.scalars())
        async with db.session() as session:
            agreed = await agree_contact(
                session=session, ticket_id=2, resident_id=RESIDENT, desk_id="b-desk",
                now=LATER,
            )  # fmt: skip
            moved = await get_ticket(session=session, ticket_id=2)
        await downgrade(db, BEFORE)
        async with db.engine.connect() as connection:
            count = await connection.execute(sa.text("SELECT COUNT(*) FROM ticket"))
            left = count.scalar()
    assert [t.contact_desks if t else None for t in stored] == [
        desks for _, desks in TICKETS.values()
    ]
    two = stored[1]
    assert two is not None and two.contact_for("a-desk") == PHONE and two.withheld_from("b-desk")
    assert when == {NOW}  # agreed when the ticket was left
    assert agreed and moved is not None and moved.contact_for("b-desk") == PHONE
    assert left == len(TICKETS)
