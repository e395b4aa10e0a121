"""Migration 0022 on broadcasts from before it, on SQLite and PostgreSQL: a calendar reminder a
coordinator moved (or sent now) before, told then by its `created_by`, is marked moved by hand,
and stays so after the coordinator's /deleteme clears that; the calendar's own reminders and
coordinators' broadcasts are not; going back (down to 0021) and up again keeps every broadcast
and delivery, and the same marks."""

from pathlib import Path

import pytest
import sqlalchemy as sa

from storage.broadcasts import get_broadcast
from storage.db import Database
from storage.models import UtcDateTime
from storage.volunteers import erase_person
from tests.clock import QUIET as NOW
from tests.conftest import BACKENDS
from tests.processes import downgrade, migrated

COORDINATOR = 4_244
BROADCAST = sa.table(
    "broadcast",
    *(
        sa.column(name)
        for name in (
            "id", "origin", "status", "created_by", "content_kind", "text", "audience",
            "audience_value", "campaign_id", "campaign_year", "lead_days", "dedupe_key",
            "total", "note",
        )
    ),
    *(sa.column(name, UtcDateTime()) for name in ("send_at", "created_at")),
)  # fmt: skip
DELIVERY = sa.table(
    "delivery",
    *(sa.column(name) for name in ("broadcast_id", "chat_id", "state", "attempts", "error")),
    sa.column("updated_at", UtcDateTime()),
)
# id -> (origin, status, created_by), and whether it was moved by hand after the upgrade
BEFORE = {
    1: (("campaign", "scheduled", COORDINATOR), True),  # moved with /campaigns 改时间
    2: (("campaign", "scheduled", None), False),  # as the calendar planned it
    3: (("campaign", "done", COORDINATOR), True),  # sent now (立即发送)
    4: (("coordinator", "scheduled", COORDINATOR), False),  # a coordinator's own
}


async def _marks(db: Database) -> dict[int, bool]:
    async with db.engine.connect() as connection:
        found = await connection.execute(
            sa.text("SELECT id, moved_by_hand FROM broadcast ORDER BY id")
        )
        return {number: bool(moved) for number, moved in found.all()}


@pytest.mark.parametrize("backend", BACKENDS)
async def test_reminders_moved_before_are_marked_moved_by_hand(
    tmp_path: Path, backend: str
) -> None:
    async with migrated(backend, tmp_path, "0021") as db:
        async with db.engine.begin() as connection:
            await connection.execute(
                BROADCAST.insert(),
                [
                    {
                        "id": number, "origin": origin, "status": status,
                        "created_by": by, "content_kind": "text", "text": "提醒",
                        "audience": "categories", "audience_value": "constitution",
                        "campaign_id": "constitution-day" if origin == "campaign" else None,
                        "campaign_year": 2027, "lead_days": number,
                        "dedupe_key": f"k{number}", "total": 0, "note": "",
                        "send_at": NOW, "created_at": NOW,
                    }
                    for number, ((origin, status, by), _) in BEFORE.items()
                ],
            )  # fmt: skip
            await connection.execute(
                DELIVERY.insert(),
                [
                    {
                        "broadcast_id": 1, "chat_id": 6_601, "state": "pending",
                        "attempts": 0, "error": "", "updated_at": NOW,
                    }
                ],
            )  # fmt: skip
        await db.upgrade()
        once = await _marks(db)
        await downgrade(db, "0021")
        async with db.engine.connect() as connection:
            found = await connection.execute(sa.text("SELECT COUNT(*) FROM delivery"))
            deliveries = found.scalar()
        await db.upgrade()
        twice = await _marks(db)
        async with db.session() as session:
            await erase_person(session=session, telegram_id=COORDINATOR)
        async with db.session() as session:
            moved = await get_broadcast(session=session, broadcast_id=1)
    assert once == twice == {number: marked for number, (_, marked) in BEFORE.items()}
    assert deliveries == 1
    assert moved is not None and moved.created_by is None and moved.moved_by_hand
