"""Migration 0024 on SQLite and PostgreSQL: a QR code made before it keeps all it had, with no
place line (none was kept); a code made after keeps its poster's place line; going back (to the
revision before) keeps every code, without its place line, and up again works."""

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from storage.attribution import create_event, get_event
from storage.db import Database
from storage.models import UtcDateTime
from tests.clock import QUIET as NOW
from tests.conftest import BACKENDS
from tests.processes import downgrade, migrated, previous_revision

BEFORE = previous_revision("0024")
OLD = "abcdefghjkmnpqrs"  # a code made before the migration
EVENT = sa.table(
    "qr_event",
    *(
        sa.column(name)
        for name in ("code", "title", "kind", "town", "volunteer_id", "event_date", "report_id")
    ),
    sa.column("created_at", UtcDateTime()),
)


async def _codes(db: Database) -> list[tuple[str, str]]:
    async with db.engine.connect() as connection:
        found = await connection.execute(sa.text("SELECT code, title FROM qr_event ORDER BY code"))
        return [(code, title) for code, title in found.all()]


@pytest.mark.parametrize("backend", BACKENDS)
async def test_codes_keep_their_poster_place_line(tmp_path: Path, backend: str) -> None:
    async with migrated(backend, tmp_path, BEFORE) as db:
        async with db.engine.begin() as connection:
            await connection.execute(
                EVENT.insert(),
                [
                    {
                        "code": OLD, "title": "东山村普法讲座", "kind": "event",
                        "town": "城关镇", "volunteer_id": 42,
                        "event_date": date(2026, 3, 12), "report_id": None,
                        "created_at": NOW,
                    }
                ],
            )  # fmt: skip
        await db.upgrade()
        async with db.session() as session:
            old = await get_event(session=session, code=OLD)
            made = await create_event(
                session=session,
                title="村委会法治宣传栏",
                place="东山镇司法所 · 普法志愿服务",
                volunteer_id=42,
                town="城关镇",
                event_date=None,
                now=NOW,
            )
            new = made.code
        async with db.session() as session:
            kept = await get_event(session=session, code=new)
        await downgrade(db, BEFORE)
        back = await _codes(db)
        await db.upgrade()
        async with db.session() as session:
            again = await get_event(session=session, code=new)
    assert old is not None
    assert (old.title, old.town, old.event_date, old.place) == (
        "东山村普法讲座",
        "城关镇",
        date(2026, 3, 12),
        "",
    )
    assert kept is not None and kept.place == "东山镇司法所 · 普法志愿服务"
    assert back == sorted([(OLD, "东山村普法讲座"), (new, "村委会法治宣传栏")])
    assert again is not None and (again.title, again.place) == ("村委会法治宣传栏", "")
