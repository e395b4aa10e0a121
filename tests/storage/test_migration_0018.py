"""Migration 0018 on reports from before it, on SQLite and PostgreSQL: every report is 待审核
(pending, counted as before) and can then be reviewed; going back keeps every report."""

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from storage.models import ReviewState, UtcDateTime
from storage.report_review import Decided, decide
from tests.clock import QUIET as NOW
from tests.conftest import BACKENDS
from tests.processes import downgrade, migrated

REPORT = sa.table(
    "activity_report",
    *(
        sa.column(name)
        for name in (
            "id", "volunteer_id", "town", "activity_type", "topics", "activity_date", "place",
            "audience", "hours", "summary", "photo_file_ids", "status", "submission_key",
        )
    ),
    *(sa.column(name, UtcDateTime()) for name in ("created_at", "updated_at")),
)  # fmt: skip


@pytest.mark.parametrize("backend", BACKENDS)
async def test_reports_from_before_are_pending(tmp_path: Path, backend: str) -> None:
    async with migrated(backend, tmp_path, "0017") as db:
        async with db.engine.begin() as connection:
            await connection.execute(
                REPORT.insert(),
                [
                    {
                        "id": number, "volunteer_id": 42, "town": "", "activity_type": "x",
                        "topics": "", "activity_date": date(2026, 3, 1), "place": "",
                        "audience": 10, "hours": 1.0, "summary": "", "photo_file_ids": "",
                        "status": status, "submission_key": f"k{number}",
                        "created_at": NOW, "updated_at": NOW,
                    }
                    for number, status in ((1, "submitted"), (2, "withdrawn"))
                ],
            )  # fmt: skip
        await db.upgrade()
        async with db.engine.connect() as connection:
            found = await connection.execute(
                sa.text("SELECT id, review, review_reason FROM activity_report ORDER BY id")
            )
            reviews = found.all()
        async with db.session() as session:
            done = await decide(
                session=session, report_id=1, verdict=ReviewState.RETURNED,
                reviewer_id=7, reviewer="协调员", reason="人数不对", now=NOW,
            )  # fmt: skip
            withdrawn = await decide(
                session=session, report_id=2, verdict=ReviewState.VERIFIED,
                reviewer_id=7, reviewer="协调员", now=NOW,
            )  # fmt: skip
        await downgrade(db, "0017")
        async with db.engine.connect() as connection:
            count = await connection.execute(sa.text("SELECT COUNT(*) FROM activity_report"))
            left = count.scalar()
    assert [tuple(row) for row in reviews] == [(1, "pending", ""), (2, "pending", "")]
    assert done.outcome is Decided.DONE and withdrawn.outcome is Decided.NOT_FOUND
    assert left == 2
