"""Migration 0024 on SQLite and PostgreSQL: a QR code made before it keeps all it had, with no
place line (none was kept); a code made after keeps its poster's place line; going back (down
to 0021) keeps every code, without its place line, and up again works."""

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from storage.attribution import create_event, get_event
from storage.db import alembic_config
from storage.locks import migrating
from storage.models import UtcDateTime
from tests.clock import QUIET as NOW
from tests.conftest import BACKENDS
from tests.processes import store

BEFORE = "abcdefghjkmnpqrs"  # a code made before the migration
EVENT = sa.table(
    "qr_event",
    *(
        sa.column(name)
        for name in ("code", "title", "kind", "town", "volunteer_id", "event_date", "report_id")
    ),
    sa.column("created_at", UtcDateTime()),
)


async def _codes(db: object) -> list[tuple[str, str]]:
    async with db.engine.connect() as connection:  # type: ignore[attr-defined]
        found = await connection.execute(sa.text("SELECT code, title FROM qr_event ORDER BY code"))
        return [(code, title) for code, title in found.all()]


@pytest.mark.parametrize("backend", BACKENDS)
async def test_codes_keep_their_poster_place_line(tmp_path: Path, backend: str) -> None:
    async with store(backend, tmp_path) as data:
        db = data.database()
        try:
            await db.upgrade("0021")
            async with db.engine.begin() as connection:
                await connection.execute(
                    EVENT.insert(),
                    [
                        {
                            "code": BEFORE, "title": "东山村普法讲座", "kind": "event",
                            "town": "城关镇", "volunteer_id": 42,
                            "event_date": date(2026, 3, 12), "report_id": None,
                            "created_at": NOW,
                        }
                    ],
                )  # fmt: skip
            await db.upgrade()
            async with db.session() as session:
                old = await get_event(session=session, code=BEFORE)
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
            async with migrating(db.engine) as connection:
                await connection.run_sync(
                    lambda sync: command.downgrade(alembic_config(sync), "0021")
                )
            back = await _codes(db)
            await db.upgrade()
            async with db.session() as session:
                again = await get_event(session=session, code=new)
        finally:
            await db.dispose()
    assert old is not None
    assert (old.title, old.town, old.event_date, old.place) == (
        "东山村普法讲座",
        "城关镇",
        date(2026, 3, 12),
        "",
    )
    assert kept is not None and kept.place == "东山镇司法所 · 普法志愿服务"
    assert back == sorted([(BEFORE, "东山村普法讲座"), (new, "村委会法治宣传栏")])
    assert again is not None and (again.title, again.place) == ("村委会法治宣传栏", "")
