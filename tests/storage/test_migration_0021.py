"""Migration 0021 on SQLite and PostgreSQL: a report's notification copies recorded before it
stay notifications (redrawn on review); a correction notice recorded after is withdrawn with
them after an erasure but never redrawn; going back (down to 0020) and up again keeps the
copies, all as notifications."""

from pathlib import Path

import pytest
from alembic import command

from storage.db import alembic_config
from storage.locks import migrating
from storage.report_messages import copies_to_withdraw
from storage.report_review import notices, record_notices
from storage.volunteers import erase_person
from tests.conftest import BACKENDS
from tests.processes import store
from tests.reporting import add_report, add_volunteer

VOLUNTEER = 4_243
CHAT = 9_000_000_002


@pytest.mark.parametrize("backend", BACKENDS)
async def test_correction_notices_are_recorded_apart(tmp_path: Path, backend: str) -> None:
    async with store(backend, tmp_path) as data:
        db = data.database()
        try:
            await db.upgrade()
            await add_volunteer(db, VOLUNTEER)
            report_id = await add_report(db, VOLUNTEER)
            async with db.session() as session:
                await record_notices(session=session, report_id=report_id, copies=[(CHAT, 1)])
                await record_notices(
                    session=session, report_id=report_id, copies=[(CHAT, 2)], correction=True
                )
            async with db.session() as session:
                shown = await notices(session=session, report_id=report_id)
            async with migrating(db.engine) as connection:
                await connection.run_sync(
                    lambda sync: command.downgrade(alembic_config(sync), "0020")
                )
            await db.upgrade()
            async with db.session() as session:
                back = await notices(session=session, report_id=report_id)
                await erase_person(session=session, telegram_id=VOLUNTEER)
            async with db.session() as session:
                pending = await copies_to_withdraw(session=session)
        finally:
            await db.dispose()
    assert shown == [(CHAT, 1)]
    assert sorted(back) == [(CHAT, 1), (CHAT, 2)]
    assert sorted(pending) == [(CHAT, 1), (CHAT, 2)]
