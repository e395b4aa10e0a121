"""Migration 0019 on reports from before it, on SQLite and PostgreSQL: the ID-card, bank-card
and phone numbers in their place and 简介 are masked as a new report's are, the rest of each
report stays, and running it again (down to 0018, up again) changes nothing."""

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from domain.reports import without_numbers
from storage.db import Database
from storage.models import UtcDateTime
from storage.reports import get_report
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
STORED = {  # id: (place, summary)
    1: ("桃园村王大爷家（电话13911112222）", "帮张三（身份证320102198001011234）讲解了继承法"),
    2: ("城关社区文化广场", "工资卡6222021234567890123被冻结的问题也解答了，联系0571-87654321"),
    3: ("村委会 139 1111 2222", "讲解宪法，80 人参加，发放资料 200 份"),
}
MASKED = {
    1: ("桃园村王大爷家（电话***********）", "帮张三（身份证******************）讲解了继承法"),
    2: ("城关社区文化广场", "工资卡*******************被冻结的问题也解答了，联系*************"),
    3: ("村委会 *************", "讲解宪法，80 人参加，发放资料 200 份"),
}


async def _texts(db: Database) -> dict[int, tuple[str, str]]:
    async with db.engine.connect() as connection:
        found = await connection.execute(
            sa.text("SELECT id, place, summary FROM activity_report ORDER BY id")
        )
        return {number: (place, summary) for number, place, summary in found.all()}


@pytest.mark.parametrize("backend", BACKENDS)
async def test_stored_reports_places_and_summaries_are_masked_once(
    tmp_path: Path, backend: str
) -> None:
    async with migrated(backend, tmp_path, "0018") as db:
        async with db.engine.begin() as connection:
            await connection.execute(
                REPORT.insert(),
                [
                    {
                        "id": number, "volunteer_id": 42, "town": "城关镇",
                        "activity_type": "lecture", "topics": "labor",
                        "activity_date": date(2026, 3, 1), "place": place,
                        "audience": 80, "hours": 2.0, "summary": summary,
                        "photo_file_ids": "p1", "status": "submitted",
                        "submission_key": f"k{number}", "created_at": NOW,
                        "updated_at": NOW,
                    }
                    for number, (place, summary) in STORED.items()
                ],
            )  # fmt: skip
        await db.upgrade()
        once = await _texts(db)
        await downgrade(db, "0018")
        await db.upgrade()
        twice = await _texts(db)
        async with db.session() as session:
            report = await get_report(session=session, report_id=1)
        async with db.engine.connect() as connection:
            found = await connection.execute(
                sa.select(REPORT.c.updated_at).where(REPORT.c.id == 1)
            )
            updated = found.scalar_one()
    assert once == MASKED
    assert twice == MASKED
    for number, (place, summary) in STORED.items():  # as the /report chat masks a new one
        assert once[number] == (without_numbers(place)[0], without_numbers(summary)[0])
    assert updated == NOW  # not a correction
    assert report is not None
    assert (report.data.audience, report.data.town, report.data.photo_file_ids) == (
        80,
        "城关镇",
        ("p1",),
    )
