"""Factories for volunteers and activity reports, shared by the storage, export and e2e tests."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from itertools import count
from pathlib import Path
from typing import Any

from storage.db import Database
from storage.reports import ReportData, submit_report
from storage.volunteers import VolunteerProfile, create_invite, register_volunteer
from tests.processes import migrated

NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
_keys = count(1)


def report_data(**overrides: Any) -> ReportData:
    base = ReportData(
        activity_type="constitution",
        activity_date=date(2026, 11, 18),
        place="城关社区文化广场",
        audience=120,
        hours=2.0,
        summary="在社区广场开展宪法宣传，发放资料并解答群众提问。",
        town="示例县城关镇",
        topics=("constitution",),
        materials=300,
        photo_file_ids=("photo-a", "photo-b"),
    )
    return replace(base, **overrides)


async def add_volunteer(
    db: Database,
    telegram_id: int,
    name: str = "张三",
    town: str = "示例县城关镇",
    phone: str = "13800138000",
) -> None:
    async with db.session() as session:
        invite = await create_invite(
            session=session, created_by=None, valid_for=timedelta(days=30), now=NOW
        )
        profile = VolunteerProfile(name=name, town=town, place="城关社区", phone=phone)
        await register_volunteer(
            session=session, telegram_id=telegram_id, code=invite.code, profile=profile, now=NOW
        )


async def add_report(
    db: Database, volunteer_id: int, *, now: datetime = NOW, **overrides: Any
) -> int:
    async with db.session() as session:
        result = await submit_report(
            session=session,
            volunteer_id=volunteer_id,
            data=report_data(**overrides),
            submission_key=f"key-{next(_keys)}",
            now=now,
        )
    return result.report_id


@asynccontextmanager
async def one_report(
    backend: str, directory: Path, volunteer_id: int
) -> AsyncIterator[tuple[Database, int]]:
    """A new database on `backend`, migrated to the newest revision, holding one volunteer
    and one report of theirs: (the database, the report's id)."""
    async with migrated(backend, directory) as db:
        await add_volunteer(db, volunteer_id)
        yield db, await add_report(db, volunteer_id)
