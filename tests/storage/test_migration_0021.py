"""Migration 0021 on SQLite and PostgreSQL: a report's notification copies recorded before it
stay notifications (redrawn on review); a correction notice recorded after is withdrawn with
them after an erasure but never redrawn; going back (down to 0020) and up again keeps the
copies, all as notifications."""

from pathlib import Path

import pytest

from storage.report_messages import copies_to_withdraw
from storage.report_review import notices, record_notices
from storage.volunteers import erase_person
from tests.conftest import BACKENDS
from tests.processes import downgrade
from tests.reporting import one_report

VOLUNTEER = 4_243
CHAT = 9_000_000_002


@pytest.mark.parametrize("backend", BACKENDS)
async def test_correction_notices_are_recorded_apart(tmp_path: Path, backend: str) -> None:
    async with one_report(backend, tmp_path, VOLUNTEER) as (db, report_id):
        async with db.session() as session:
            await record_notices(session=session, report_id=report_id, copies=[(CHAT, 1)])
            await record_notices(
                session=session, report_id=report_id, copies=[(CHAT, 2)], correction=True
            )
        async with db.session() as session:
            shown = await notices(session=session, report_id=report_id)
        await downgrade(db, "0020")
        await db.upgrade()
        async with db.session() as session:
            back = await notices(session=session, report_id=report_id)
            await erase_person(session=session, telegram_id=VOLUNTEER)
        async with db.session() as session:
            pending = await copies_to_withdraw(session=session)
    assert shown == [(CHAT, 1)]
    assert sorted(back) == [(CHAT, 1), (CHAT, 2)]
    assert sorted(pending) == [(CHAT, 1), (CHAT, 2)]
