"""Migration 0027 on tickets from before it, on SQLite and PostgreSQL: the columns come in place
(the tickets keep their consents); an ask from before was the desk's own and went, so it still
counts, a start forgets nothing and a 不用 to a move notice does not free it. From then on a
move's ask is the move notice's, being sent until marked so. Going back (to the revision
before) and up again keeps every ticket and consent."""

from datetime import timedelta
from pathlib import Path

import pytest

from storage.tickets import (
    contact_ask_sent,
    contact_declined_on_move,
    forget_unsent_asks,
    transfer,
)
from tests.clock import QUIET as NOW
from tests.conftest import BACKENDS
from tests.processes import downgrade, migrated, previous_revision
from tests.storage.old_tickets import (
    insert_rows,
    stored_ticket,
    ticket_and_consent_counts,
    ticket_row,
)

BEFORE = previous_revision("0027")
PHONE, RESIDENT = "13811112222", 7_390_201
LATER = NOW + timedelta(hours=3)
# id -> desk now, when that desk asked for the number
TICKETS = {1: ("b-desk", NOW), 2: ("a-desk", None)}


@pytest.mark.parametrize("backend", BACKENDS)
async def test_asks_from_before_count_and_the_tickets_keep_their_consents(
    tmp_path: Path, backend: str
) -> None:
    async with migrated(backend, tmp_path, BEFORE) as db:
        await insert_rows(
            db,
            {
                "ticket": [
                    ticket_row(
                        number,
                        RESIDENT,
                        desk,
                        "a-desk",
                        PHONE,
                        "open",
                        at=NOW,
                        due=LATER,
                        contact_asked_at=asked,
                    )
                    for number, (desk, asked) in TICKETS.items()
                ],
                "ticket_consent": [
                    {"ticket_id": n, "desk_id": "a-desk", "agreed_at": NOW} for n in TICKETS
                ],
            },
        )
        await db.upgrade()
        upgraded = await ticket_and_consent_counts(db)
        async with db.session() as session:
            forgotten = await forget_unsent_asks(session=session)
            freed = await contact_declined_on_move(
                session=session, ticket_id=1, resident_id=RESIDENT, desk_id="b-desk", stay=0
            )
        old = await stored_ticket(db, 1)
        async with db.session() as session:
            await transfer(
                session=session, ticket_id=2, from_desk="a-desk", to_desk="b-desk",
                due_at=LATER, escalate_at=LATER, ask_at=LATER,
            )  # fmt: skip
            sending = await forget_unsent_asks(session=session)
            await transfer(
                session=session, ticket_id=2, from_desk="b-desk", to_desk="c-desk",
                due_at=LATER, escalate_at=LATER, ask_at=LATER,
            )  # fmt: skip
            await contact_ask_sent(session=session, ticket_id=2, asked_at=LATER)
            kept = await forget_unsent_asks(session=session)
        moved = await stored_ticket(db, 2)
        await downgrade(db, BEFORE)
        down = await ticket_and_consent_counts(db)
        await db.upgrade()
        up_again = await stored_ticket(db, 1)
    assert upgraded == down == (2, 2)
    assert forgotten == [] and not freed
    assert (old.contact_asked_at, old.contact_asked_on_move) == (NOW, False)
    assert [t.id for t in sending] == [2] and kept == []
    assert (moved.desk_id, moved.contact_asked_at, moved.contact_asked_on_move) == (
        "c-desk", LATER, True,
    )  # fmt: skip
    assert up_again.contact_for("a-desk") == PHONE and not up_again.contact_asked_on_move
