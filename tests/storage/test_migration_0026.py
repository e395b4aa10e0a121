"""Migration 0026 on SQLite and PostgreSQL: a digest recorded before it keeps its lines,
without their text (drawn as their reports are now); one recorded after keeps each line's
text as sent, but not an erased volunteer's (it names them); going back (to the revision
before) and up again keeps every digest and line, their texts gone."""

from pathlib import Path

import pytest
import sqlalchemy as sa

from storage.db import Database
from storage.report_messages import StoredDigest, digests_to_withdraw, record_digest
from storage.volunteers import erase_person
from tests.conftest import BACKENDS
from tests.processes import downgrade, previous_revision
from tests.reporting import add_report, add_volunteer, one_report

BEFORE = previous_revision("0026")
KEPT, ERASED = 4_244, 4_245
CHAT = 9_000_000_003
DIGEST = sa.table(
    "report_digest", *map(sa.column, ["id", "chat_id", "message_id", "head", "tail"])
)
LINE = sa.table("report_digest_line", *map(sa.column, ["digest_id", "report_id", "position"]))


async def _record_without_text(db: Database, message_id: int, report_ids: list[int]) -> None:
    """A digest as recorded before 0026."""
    async with db.engine.begin() as connection:
        await connection.execute(
            DIGEST.insert().values(chat_id=CHAT, message_id=message_id, head="📋", tail="")
        )
        found = await connection.execute(
            sa.select(DIGEST.c.id).where(DIGEST.c.message_id == message_id)
        )
        digest_id = found.scalar_one()
        await connection.execute(
            LINE.insert(),
            [
                {"digest_id": digest_id, "report_id": report_id, "position": position}
                for position, report_id in enumerate(report_ids)
            ],
        )


def _lines(digest: StoredDigest) -> list[tuple[int, bool, str | None]]:
    return [(line.report_id, line.erased, line.text) for line in digest.lines]


@pytest.mark.parametrize("backend", BACKENDS)
async def test_digest_lines_keep_their_text_from_now_on(tmp_path: Path, backend: str) -> None:
    async with one_report(backend, tmp_path, KEPT) as (db, kept):
        await add_volunteer(db, ERASED, name="钱志愿")
        erased = await add_report(db, ERASED)
        await downgrade(db, BEFORE)
        await _record_without_text(db, 1, [kept, erased])
        await db.upgrade()
        async with db.session() as session:
            await record_digest(
                session=session, chat_id=CHAT, message_id=2, head="📋", tail="",
                lines=[(kept, f"#{kept} 张三"), (erased, f"#{erased} 钱志愿")],
            )  # fmt: skip
        async with db.session() as session:
            await erase_person(session=session, telegram_id=ERASED)
        async with db.session() as session:
            before, after = await digests_to_withdraw(session=session)
        await downgrade(db, BEFORE)
        await db.upgrade()
        async with db.session() as session:
            again = await digests_to_withdraw(session=session)
    assert _lines(before) == [(kept, False, None), (erased, True, None)]
    assert _lines(after) == [(kept, False, f"#{kept} 张三"), (erased, True, None)]
    assert [_lines(digest) for digest in again] == [_lines(before), _lines(before)]
