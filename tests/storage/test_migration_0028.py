"""Migration 0028 on tickets from before it, on SQLite and PostgreSQL: the columns come in place
(the tickets keep their consents); every ticket is in stay 0, so a 不用 from before (stay 0)
still frees its move notice's ask, and none is out of date. From then on a move starts the
next stay (a 不用 of stay 0 frees nothing), and a change marks the desk's messages out of
date until a redraw clears the change it read (a later one stays). Going back (to the
revision before) and up again keeps every ticket and consent."""

from datetime import timedelta
from pathlib import Path

import pytest

from storage.tickets import (
    agree_contact,
    contact_declined_on_move,
    mark_drawn,
    outdated,
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

BEFORE = previous_revision("0028")
PHONE, RESIDENT = "13811112222", 7_390_301
LATER = NOW + timedelta(hours=3)


@pytest.mark.parametrize("backend", BACKENDS)
async def test_tickets_from_before_are_in_stay_0_and_drawn(tmp_path: Path, backend: str) -> None:
    async with migrated(backend, tmp_path, BEFORE) as db:
        await insert_rows(
            db,
            {
                "ticket": [
                    ticket_row(
                        number,
                        RESIDENT,
                        "b-desk",
                        "a-desk",
                        PHONE,
                        "open",
                        at=NOW,
                        due=LATER,
                        contact_asked_at=NOW,
                        contact_asked_on_move=True,
                    )
                    for number in (1, 2)
                ],
                "ticket_consent": [
                    {"ticket_id": n, "desk_id": "a-desk", "agreed_at": NOW} for n in (1, 2)
                ],
            },
        )
        await db.upgrade()
        upgraded = await ticket_and_consent_counts(db)
        async with db.session() as session:
            none_outdated = await outdated(session=session)
            freed = await contact_declined_on_move(
                session=session, ticket_id=1, resident_id=RESIDENT, desk_id="b-desk", stay=0
            )
            await transfer(
                session=session, ticket_id=2, from_desk="b-desk", to_desk="a-desk",
                due_at=LATER, escalate_at=LATER,
            )  # fmt: skip
            await transfer(
                session=session, ticket_id=2, from_desk="a-desk", to_desk="b-desk",
                due_at=LATER, escalate_at=LATER, ask_at=LATER,
            )  # fmt: skip
            stale = await contact_declined_on_move(
                session=session, ticket_id=2, resident_id=RESIDENT, desk_id="b-desk", stay=0
            )
        first, second = await stored_ticket(db, 1), await stored_ticket(db, 2)
        async with db.session() as session:
            await agree_contact(
                session=session, ticket_id=2, resident_id=RESIDENT, desk_id="b-desk", now=LATER
            )
            marked = await outdated(session=session)
        agreed = await stored_ticket(db, 2)
        async with db.session() as session:  # a redraw read it, then the ticket changed
            await transfer(
                session=session, ticket_id=2, from_desk="b-desk", to_desk="c-desk",
                due_at=LATER, escalate_at=LATER, ask_at=LATER,
            )  # fmt: skip
            await contact_declined_on_move(
                session=session, ticket_id=2, resident_id=RESIDENT, desk_id="c-desk", stay=3
            )
            cleared_read = await mark_drawn(
                session=session, ticket_id=2, change=agreed.desk_redraw
            )
            still = await outdated(session=session)
        changed = await stored_ticket(db, 2)
        async with db.session() as session:
            cleared = await mark_drawn(session=session, ticket_id=2, change=changed.desk_redraw)
            left = await outdated(session=session)
        await downgrade(db, BEFORE)
        down = await ticket_and_consent_counts(db)
        await db.upgrade()
        up_again = await stored_ticket(db, 2)
    assert upgraded == (2, 2) and down == (2, 3)
    assert none_outdated == [] and freed and not stale
    assert (first.stay, first.contact_asked_at, first.desk_redraw) == (0, None, 1)
    assert (second.stay, second.contact_asked_on_move) == (2, True)
    assert marked == [1, 2] and agreed.desk_redraw == 1
    assert not cleared_read and still == [1, 2] and changed.desk_redraw == 2
    assert cleared and left == [1]
    assert (up_again.stay, up_again.desk_redraw) == (0, 0)
    assert up_again.contact_for("b-desk") == PHONE
