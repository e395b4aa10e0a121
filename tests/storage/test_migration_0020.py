"""Migration 0020 on SQLite and PostgreSQL: daily digests are recorded with the reports they
list, a digest listing an erased volunteer's report is to be withdrawn; going back (down to
0019) drops the record, and up again starts it empty."""

from pathlib import Path

import pytest

from storage.report_messages import digests_to_withdraw, record_digest
from storage.volunteers import erase_person
from tests.conftest import BACKENDS
from tests.processes import downgrade
from tests.reporting import one_report

VOLUNTEER = 4_242


@pytest.mark.parametrize("backend", BACKENDS)
async def test_digests_are_recorded_and_dropped_going_back(tmp_path: Path, backend: str) -> None:
    async with one_report(backend, tmp_path, VOLUNTEER) as (db, report_id):
        async with db.session() as session:
            await record_digest(
                session=session,
                chat_id=9_000_000_001,  # beyond 32 bits, as Telegram's ids may be
                message_id=3,
                head="📋",
                tail="⏳",
                lines=[(report_id, f"#{report_id}")],
            )
        async with db.session() as session:
            await erase_person(session=session, telegram_id=VOLUNTEER)
        async with db.session() as session:
            [digest] = await digests_to_withdraw(session=session)
        await downgrade(db, "0019")
        await db.upgrade()
        async with db.session() as session:
            left = await digests_to_withdraw(session=session)
    assert (digest.chat_id, digest.head, digest.tail) == (9_000_000_001, "📋", "⏳")
    assert [(line.report_id, line.erased) for line in digest.lines] == [(report_id, True)]
    assert left == []
