"""Every dashboard page at district scale: 100,000 reports from 2,000 volunteers and 200,000
logged questions, in a fresh SQLite file (and a fresh PostgreSQL schema when
PUFA_TEST_DATABASE_URL is set). The real bot (against a local Bot API server) serves its web
app on a loopback port; each page is fetched over HTTP by a signed-in coordinator, and the
median and p95 are printed per page. Target: p95 < 300 ms.

The overview and the content gaps keep their figures (dashboard/kept.py): the first view
computes them and waits, later views are served the kept ones while figures older than a
minute are computed again in the background. The bot's clock here moves on by more than a
minute before every request, so every view after the first starts such a computation beside
it (the worst case); the first view's time is printed apart.

    python bench/dashboard_pages.py [--reports 100000] [--volunteers 2000] [--questions 200000]
        [--rounds 20] [--backend sqlite|postgresql|both]
"""

import argparse
import asyncio
import os
import random
import socket
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
from aiohttp import web
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import create_async_engine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from volunteer_stats import load as load_reports  # bench/volunteer_stats.py

from bot.app import build_application, prepare_database
from bot.server import build_web_app
from bot.settings import Settings
from dashboard.auth import COOKIE
from local_api import LocalBotApi
from storage.dashboard import open_session
from storage.models import QuestionLog

NOW = datetime(2026, 12, 31, 9, 0, tzinfo=UTC)  # "this year" holds every report: the worst case
ADMIN = 10_000  # the first volunteer of bench/volunteer_stats.py, made a coordinator
PAGES = (  # {report} is a report in the middle
    "/dashboard/",
    "/dashboard/reports",
    "/dashboard/reports?start=2026-01-01&end=2026-12-31&page=40",
    "/dashboard/reports?start=2026-01-01&end=2026-12-31&town=示例县东山镇&type=anti_fraud",
    "/dashboard/reports/{report}",
    "/dashboard/volunteers",
    "/dashboard/volunteers?q=志愿者12&page=2",
    f"/dashboard/volunteers/{ADMIN + 7}",
    "/dashboard/volunteers/roles?q=志愿者1",
    "/dashboard/broadcasts",
    "/dashboard/gaps",
    "/dashboard/directory",
    "/dashboard/audit",
)
QUESTIONS = ["老板拖欠工资怎么办", "邻居占了我家宅基地", "共享单车押金退不回来", "网购被骗了"]


async def load_questions(db_url: str, count: int, schema: str | None) -> None:
    """`count` questions over the year, a third unanswered, from 5,000 distinct wordings."""
    from storage.db import Database

    db = Database(db_url, schema=schema)
    rng = random.Random(7)
    start = NOW - timedelta(days=365)
    for first in range(0, count, 5000):
        rows = []
        for n in range(first, min(first + 5000, count)):
            matched = rng.random() > 0.33
            rows.append(
                {
                    "ref": f"b{n}",
                    "telegram_id": 500_000 + rng.randrange(20_000),
                    "chat_type": "private",
                    "source": "text",
                    "text": f"{rng.choice(QUESTIONS)}{rng.randrange(5000 // len(QUESTIONS))}",
                    "card_id": "unpaid-wages" if matched else None,
                    "score": 9.0 if matched else 2.0,
                    "matched": matched,
                    "ambiguous": False,
                    "feedback": "unsolved" if rng.random() < 0.03 else None,
                    "asked_at": start + timedelta(seconds=rng.randrange(365 * 86400)),
                }
            )
        async with db.session() as session:
            await (await session.connection()).execute(insert(QuestionLog), rows)
    await db.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def measure(name: str, url: str, schema: str | None, args: argparse.Namespace) -> None:
    from storage.db import Database

    db = Database(url, schema=schema)
    await db.upgrade()
    started = time.perf_counter()
    await load_reports(db, args.reports, args.volunteers)
    await db.dispose()
    await load_questions(url, args.questions, schema)
    if schema is not None:  # as autovacuum does after a bulk load: statistics, visibility map
        analysed = Database(url, schema=schema)
        async with analysed.engine.connect() as connection:
            ready = await connection.execution_options(isolation_level="AUTOCOMMIT")
            for table in ("activity_report", "question_log", "volunteer"):
                await ready.execute(text(f"VACUUM ANALYZE {table}"))
        await analysed.dispose()
    print(f"{name}: loaded in {time.perf_counter() - started:.0f} s", flush=True)
    port = free_port()
    async with LocalBotApi() as api:
        settings = Settings(
            _env_file=None,
            api_base_url=api.base_url,
            database_url=url,
            admin_ids=frozenset({ADMIN}),
            web_port=port,
        )
        clock = Clock(NOW)
        app = build_application(settings, api.token, clock=clock.now)
        if schema is not None:  # the bot's engine must look in the bench schema
            app.services.db = Database(url, schema=schema)
        async with app:
            await prepare_database(app.services)
            async with app.services.db.session() as session:
                cookie = await open_session(
                    session=session, telegram_id=ADMIN, valid_for=timedelta(days=1), now=NOW
                )
            runner = web.AppRunner(build_web_app(app))
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", port).start()
            try:
                pages = [p.format(report=args.reports // 2) for p in PAGES]
                await fetch_all(
                    f"http://127.0.0.1:{port}", cookie, pages, args.rounds, name, clock
                )
            finally:
                await runner.cleanup()
        await app.services.db.dispose()


class Clock:
    """The bot's clock: moved on past the dashboard's one-minute cache before each request."""

    STEP = timedelta(seconds=61)

    def __init__(self, start: datetime) -> None:
        self.at = start

    def now(self) -> datetime:
        return self.at

    def step(self) -> None:
        self.at += self.STEP


async def fetch_all(
    base: str, cookie: str, pages: list[str], rounds: int, name: str, clock: Clock
) -> None:
    jar = aiohttp.CookieJar(unsafe=True)
    jar.update_cookies({COOKIE: cookie}, response_url=aiohttp.client.URL(base + "/dashboard/"))
    worst = 0.0
    async with aiohttp.ClientSession(cookie_jar=jar) as client:
        for path in pages:
            timings = []
            for _ in range(rounds + 1):
                clock.step()
                started = time.perf_counter()
                async with client.get(base + path) as response:
                    await response.read()
                    assert response.status == 200, (path, response.status)
                timings.append((time.perf_counter() - started) * 1000)
            first, timings = timings[0], sorted(timings[1:])
            p95 = timings[min(len(timings) - 1, int(0.95 * len(timings)))]
            worst = max(worst, p95)
            print(
                f"{name:10} {path[:60]:62} first {first:6.0f} ms  "
                f"median {statistics.median(timings):6.1f} ms  p95 {p95:6.1f} ms",
                flush=True,
            )
    print(f"{name:10} worst p95 {worst:.0f} ms (target < 300 ms); load {os.getloadavg()[0]:.1f}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--volunteers", type=int, default=2_000)
    parser.add_argument("--questions", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            await measure("SQLite", f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}", None, args)
    pg_url = os.environ.get("PUFA_TEST_DATABASE_URL")
    if args.backend in ("postgresql", "both") and pg_url:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin = create_async_engine(pg_url)
        async with admin.begin() as conn:
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            await measure("PostgreSQL", pg_url, schema, args)
        finally:
            async with admin.begin() as conn:
                await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            await admin.dispose()


if __name__ == "__main__":
    asyncio.run(main())
