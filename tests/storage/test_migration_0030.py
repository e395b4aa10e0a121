"""Migration 0030 on tickets from before it, on SQLite and PostgreSQL: every consent from
before counts as told (its desk was told, or the ticket came to it with the number), except
the one of the desk a ticket is at whose messages are still out of date (the redraw that
tells it has not gone through): that desk is told once, by the first to claim it. A consent
recorded from then on is to be told. Going back (to the revision before) and up again keeps
every ticket and consent."""

from datetime import timedelta
from pathlib import Path

import pytest

from storage.db import Database
from storage.tickets import agree_contact, claim_agreed_note
from tests.clock import QUIET as NOW
from tests.conftest import BACKENDS
from tests.processes import downgrade, migrated, previous_revision
from tests.storage.old_tickets import insert_rows, ticket_and_consent_counts, ticket_row

BEFORE = previous_revision("0030")
PHONE, RESIDENT = "13811112222", 7_390_501
LATER = NOW + timedelta(hours=3)


async def claims(db: Database, pairs: list[tuple[int, str]]) -> list[bool]:
    """Whether each (ticket, desk) is claimed to be told now, in turn."""
    claimed = []
    for ticket_id, desk_id in pairs:
        async with db.session() as session:
            claimed.append(
                await claim_agreed_note(session=session, ticket_id=ticket_id, desk_id=desk_id)
            )
    return claimed


@pytest.mark.parametrize("backend", BACKENDS)
async def test_consents_from_before_are_told_unless_their_redraw_is_still_to_come(
    tmp_path: Path, backend: str
) -> None:
    # 1: drawn since its consent at b-desk; 2: at b-desk, agreed there, not drawn yet;
    # 3: out of date at c-desk, its consents those of the desks it was at before
    tickets = [
        ticket_row(1, RESIDENT, "b-desk", "a-desk", PHONE, "open", at=NOW, due=LATER,
                   desk_redraw=-1),
        ticket_row(2, RESIDENT, "b-desk", "a-desk", PHONE, "open", at=NOW, due=LATER,
                   desk_redraw=1),
        ticket_row(3, RESIDENT, "c-desk", "a-desk", PHONE, "open", at=NOW, due=LATER,
                   desk_redraw=2),
    ]  # fmt: skip
    consents = [
        {"ticket_id": n, "desk_id": desk, "agreed_at": NOW}
        for n, desk in ((1, "a-desk"), (1, "b-desk"), (2, "a-desk"), (2, "b-desk"))
    ] + [{"ticket_id": 3, "desk_id": "a-desk", "agreed_at": NOW}]
    async with migrated(backend, tmp_path, BEFORE) as db:
        await insert_rows(db, {"ticket": tickets, "ticket_consent": consents})
        await db.upgrade()
        upgraded = await ticket_and_consent_counts(db)
        old = [(1, "a-desk"), (1, "b-desk"), (2, "a-desk"), (2, "b-desk"), (3, "a-desk")]
        first = await claims(db, old)
        again = await claims(db, old)
        async with db.session() as session:
            agreed = await agree_contact(
                session=session, ticket_id=3, resident_id=RESIDENT, desk_id="c-desk", now=LATER
            )
        after = await claims(db, [(3, "c-desk"), (3, "c-desk")])
        await downgrade(db, BEFORE)
        down = await ticket_and_consent_counts(db)
        await db.upgrade()
        up_again = await claims(db, old)
    assert upgraded == (3, 5) and down == (3, 6)
    assert first == [False, False, False, True, False] and again == [False] * 5
    assert agreed and after == [True, False]
    # what was told is not known below 0030: as at the first upgrade (2 is still not drawn)
    assert up_again == first
