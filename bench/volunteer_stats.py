"""Coordinators' numbers at district scale: 100,000 reports from 2,000 volunteers.

Loads them into a fresh SQLite file (and a fresh PostgreSQL schema when
PUFA_TEST_DATABASE_URL is set), then times /stats for a year (all its queries) and the
year's XLSX export, and prints the peak RSS. Targets: stats < 1 s, export < 10 s,
memory < 300 MB.

    python bench/volunteer_stats.py [--reports 100000] [--volunteers 2000]
"""

import argparse
import asyncio
import os
import random
import resource
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import create_async_engine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from content.loader import load_library
from domain.exports import export_labels, export_reports
from storage.db import Database
from storage.models import ActivityReport, Volunteer
from storage.stats import Period, period_stats

YEAR = Period(date(2026, 1, 1), date(2026, 12, 31))
TYPES = ["constitution", "civil_code", "consultation", "case_study", "arts", "anti_fraud"]
TOPICS = ["constitution", "civil_code", "labor", "fraud", "youth", "rural"]
TOWNS = [f"示例县第{i}镇" for i in range(1, 21)]
BATCH = 5000


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def load(db: Database, reports: int, volunteers: int) -> float:
    rng = random.Random(42)
    started = time.perf_counter()
    now = datetime(2026, 12, 31, tzinfo=UTC)
    async with db.session() as session:
        rows = [
            {
                "telegram_id": 10_000 + i,
                "name": f"志愿者{i}",
                "town": TOWNS[i % len(TOWNS)],
                "place": "",
                "organisation": "司法所",
                "phone": f"138{i:08d}",
                "invite_code": None,
                "active": True,
                "joined_at": now,
                "left_at": None,
            }
            for i in range(volunteers)
        ]
        await (await session.connection()).execute(insert(Volunteer), rows)
    for first in range(0, reports, BATCH):
        batch = []
        for n in range(first, min(first + BATCH, reports)):
            volunteer = rng.randrange(volunteers)
            batch.append(
                {
                    "volunteer_id": 10_000 + volunteer,
                    "town": TOWNS[volunteer % len(TOWNS)],
                    "activity_type": rng.choice(TYPES),
                    "topics": ",".join(rng.sample(TOPICS, 2)),
                    "activity_date": YEAR.start + timedelta(days=rng.randrange(365)),
                    "place": "村委会广场",
                    "lat": None,
                    "lon": None,
                    "audience": rng.randint(5, 300),
                    "hours": rng.choice([1.0, 1.5, 2.0, 3.0]),
                    "materials": rng.randint(0, 500),
                    "summary": "开展法治宣传活动，发放宣传资料，现场解答群众法律咨询。" * 2,
                    "photo_file_ids": "a,b",
                    "status": "submitted",
                    "submission_key": f"bench-{n}",
                    "created_at": now,
                    "updated_at": now,
                    "notified_at": now,
                }
            )
        async with db.session() as session:
            await (await session.connection()).execute(insert(ActivityReport), batch)
    return time.perf_counter() - started


async def measure(name: str, db: Database, reports: int, volunteers: int) -> None:
    await db.upgrade()
    loaded = await load(db, reports, volunteers)
    labels = export_labels(load_library(), ZoneInfo("Asia/Shanghai"))
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        async with db.session() as session:
            stats = await period_stats(session=session, period=YEAR)
        timings.append(time.perf_counter() - started)
    assert stats.total.activities == reports, stats.total
    started = time.perf_counter()
    async with db.session() as session:
        data = (
            await export_reports(
                session=session, period=YEAR, fmt="xlsx", labels=labels, with_phone=True
            )
        ).data
    exported = time.perf_counter() - started
    print(
        f"{name:10} load {loaded:6.1f} s | stats(year) best {min(timings):.3f} s, "
        f"first {timings[0]:.3f} s | export xlsx {exported:5.2f} s ({len(data) / 1e6:.1f} MB) | "
        f"peak RSS so far {peak_rss_mb():.0f} MB",
        flush=True,
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--volunteers", type=int, default=2_000)
    args = parser.parse_args()
    print(f"{args.reports} reports from {args.volunteers} volunteers, stats and export of 2026")
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}")
        await measure("SQLite", db, args.reports, args.volunteers)
        await db.dispose()
    pg_url = os.environ.get("PUFA_TEST_DATABASE_URL")
    if pg_url:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin = create_async_engine(pg_url)
        async with admin.begin() as conn:
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            db = Database(pg_url, schema=schema)
            await measure("PostgreSQL", db, args.reports, args.volunteers)
            await db.dispose()
        finally:
            async with admin.begin() as conn:
                await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            await admin.dispose()
    print(f"peak RSS {peak_rss_mb():.0f} MB (target < 300 MB)")


if __name__ == "__main__":
    asyncio.run(main())
