"""Migration 0014: decisions about unanswered questions made before it keep everything they
had and record nothing added (an undo then only puts the question back on the list); going
back to 0013 keeps them too."""

from pathlib import Path

from sqlalchemy import text

from storage.db import Database
from storage.models import GapDecision
from storage.questions import decide_gap, decided
from tests.clock import QUIET as NOW
from tests.conftest import sqlite_url
from tests.processes import downgrade

DECIDED = (
    "INSERT INTO content_gap (question, decision, card_id, decided_by, decided_at) "
    "VALUES ('押金退不回来', 'answered', 'consumer-rights', 7, '2026-03-02 01:00:00.000000')"
)


async def test_decisions_from_before_it_are_kept_with_nothing_added(tmp_path: Path) -> None:
    db = Database(sqlite_url(tmp_path))
    await db.upgrade("0013")
    async with db.session() as session:
        await session.exec(text(DECIDED))  # type: ignore[call-overload]
    await db.upgrade()
    async with db.session() as session:
        kept = await decided(session=session, question="押金退不回来")
    await db.dispose()
    assert kept is not None
    assert (kept.decision, kept.card_id, kept.decided_by, kept.added) == (
        GapDecision.ANSWERED,
        "consumer-rights",
        7,
        None,
    )


async def test_downgrading_it_keeps_the_decisions(tmp_path: Path) -> None:
    db = Database(sqlite_url(tmp_path))
    await db.upgrade()
    async with db.session() as session:
        await decide_gap(
            session=session,
            question="押金退不回来",
            decision=GapDecision.LEARNT,
            card_id="consumer-rights",
            by=7,
            now=NOW,
            added='["押金退不回来"]',
        )
    await downgrade(db, "0013")
    async with db.session() as session:
        found = await session.exec(  # type: ignore[call-overload]
            text("SELECT question, decision FROM content_gap")
        )
        rows = [tuple(row) for row in found.all()]
    await db.dispose()
    assert rows == [("押金退不回来", "learnt")]
