"""Migration 0016 on tickets from before it, on SQLite and PostgreSQL: an ended ticket keeps no
reason (none was kept), but for one /deleteme ended (at its creation instant, unanswered);
going back keeps every ticket."""

from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from storage.models import UtcDateTime
from storage.tickets import close, get_ticket
from tests.clock import QUIET as NOW
from tests.conftest import BACKENDS
from tests.processes import downgrade, migrated

TICKET = sa.table(
    "ticket",
    *(
        sa.column(name)
        for name in ("id", "desk_id", "category", "town", "text", "contact", "status")
    ),
    sa.column("submission_key"),
    *(
        sa.column(name, UtcDateTime())
        for name in ("created_at", "due_at", "escalate_at", "answered_at", "closed_at")
    ),
)
LATER = NOW + timedelta(hours=3)
# id -> (status, answered_at, closed_at, submission key), and the reason after the upgrade
BEFORE = {
    1: (("closed", None, LATER, "k1"), None),  # ended by staff, unanswered: reason unknown
    2: (("closed", LATER, LATER, "k2"), None),  # answered, then ended
    3: (("closed", None, NOW, "erased-3"), "erased"),  # /deleteme ended it unanswered
    4: (("closed", LATER, NOW, "erased-4"), None),  # /deleteme ended an answered one
    5: (("closed", None, LATER, "erased-5"), None),  # ended by staff, then erased
    6: (("open", None, None, "k6"), None),
}


@pytest.mark.parametrize("backend", BACKENDS)
async def test_only_tickets_deleteme_ended_get_a_reason(tmp_path: Path, backend: str) -> None:
    async with migrated(backend, tmp_path, "0015") as db:
        async with db.engine.begin() as connection:
            await connection.execute(
                TICKET.insert(),
                [
                    {
                        "id": number, "desk_id": "a-desk", "category": "", "town": "",
                        "text": "", "contact": "", "status": status,
                        "submission_key": key, "created_at": NOW, "due_at": LATER,
                        "escalate_at": LATER, "answered_at": answered, "closed_at": closed,
                    }
                    for number, ((status, answered, closed, key), _) in BEFORE.items()
                ],
            )  # fmt: skip
        await db.upgrade()
        async with db.engine.connect() as connection:
            found = await connection.execute(
                sa.text("SELECT id, close_reason FROM ticket ORDER BY id")
            )
            reasons = {number: reason for number, reason in found.all()}
        async with db.session() as session:
            assert await close(session=session, ticket_id=6, now=LATER)
            stored = await get_ticket(session=session, ticket_id=6)
        await downgrade(db, "0015")
        async with db.engine.connect() as connection:
            count = await connection.execute(sa.text("SELECT COUNT(*) FROM ticket"))
            left = count.scalar()
    assert reasons == {number: reason for number, (_, reason) in BEFORE.items()}
    assert stored is not None and stored.closed and stored.close_reason is None
    assert left == len(BEFORE)
