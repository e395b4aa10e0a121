"""A broadcast to 1,000 subscribers while things go wrong, through `pufa run` (a subprocess) and
the local Bot API server enforcing Telegram's limits:

- Telegram answers 502 to every send for 60 s;
- the database is unreachable for 60 s (SQLite: another process holds the file's write lock;
  PostgreSQL: the connection is cut by a proxy and new ones refused);
- every send stalls 10 s (the message is delivered, the answer comes 10 s late), for 10 s.

The fault starts once 200 recipients have their message. Printed for each: lost (got nothing
and not marked uncertain), duplicates, uncertain (at most the in-flight window, 16), whether
the coordinator got the summary, and the wall time.

Run from the repository root: python bench/faults.py [--recipients 1000]
[--only 5xx|database|stall] [--backend sqlite|postgresql] (PostgreSQL at
PUFA_TEST_DATABASE_URL, or postgres@127.0.0.1:5432/test).
"""

import argparse
import asyncio
import os
import signal
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from broadcast import (
    COORDINATOR,
    FIRST_ID,
    Tally,
    outcome,
    prepare,
    start_bot,
    summary_sent,
    until,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.outage, run as a script

from local_api import LocalBotApi
from tests.outage import SqliteLock, TcpProxy, postgres_behind_proxy

RATE = 30
IN_FLIGHT = 16
PG_URL = os.environ.get(
    "PUFA_TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
Fault = Callable[[LocalBotApi, SqliteLock | TcpProxy], Coroutine[Any, Any, None]]


async def telegram_502(api: LocalBotApi, _outage: SqliteLock | TcpProxy) -> None:
    api.fail_for(60, status=502)


async def database_lost(_api: LocalBotApi, outage: SqliteLock | TcpProxy) -> None:
    await outage.cut()
    await asyncio.sleep(60)
    await outage.restore()


async def telegram_stalls(api: LocalBotApi, _outage: SqliteLock | TcpProxy) -> None:
    api.stall(10, methods={"sendMessage"}, when="after")
    await asyncio.sleep(10)
    api.end_stalls()


FAULTS: dict[str, tuple[str, Fault]] = {
    "5xx": ("60 s of 502 from Telegram", telegram_502),
    "database": ("60 s without the database", database_lost),
    "stall": ("10 s of sends stalled 10 s each", telegram_stalls),
}


@asynccontextmanager
async def database(backend: str, folder: str) -> AsyncIterator[tuple[str, SqliteLock | TcpProxy]]:
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{folder}/bench.db", SqliteLock(Path(folder) / "bench.db")
        return
    async with postgres_behind_proxy(PG_URL) as (url, proxy):
        yield url, proxy


async def run(name: str, backend: str, recipients: int) -> dict[str, object]:
    folder = tempfile.mkdtemp(prefix="pufa-bench-faults-")
    _, fault = FAULTS[name]
    async with database(backend, folder) as (url, outage):
        broadcast_id = await prepare(url, recipients)
        first, last = FIRST_ID, FIRST_ID + recipients - 1
        async with LocalBotApi(enforce_limits=True) as api:
            api.user(COORDINATOR, "协调员")
            tally = Tally(api, first, last)
            started = time.monotonic()
            process = await start_bot(api, url, RATE, folder)
            try:
                await until(api, lambda: tally.update() >= 200, 120)
                faulty = asyncio.create_task(fault(api, outage))
                await until(api, lambda: summary_sent(api), recipients / RATE * 3 + 400)
                await faulty
            finally:
                process.send_signal(signal.SIGTERM)
                await process.wait()
            wall = time.monotonic() - started
            tally.update()
            summary = summary_sent(api)
        result = await outcome(url, broadcast_id, tally)
    return {**result, "summary": summary, "wall": wall}


async def main(recipients: int, only: str | None, backends: list[str]) -> None:
    print(f"{recipients} recipients at {RATE}/s (about {recipients / RATE:.0f} s without faults)")
    print(f"{'fault':34} {'backend':10} {'lost':>4} {'dup':>4} {'uncertain':>9} "
          f"{'failed':>6} {'summary':>7} {'wall s':>7}")  # fmt: skip
    for name, (title, _) in FAULTS.items():
        if only and only != name:
            continue
        for backend in backends:
            r = await run(name, backend, recipients)
            print(
                f"{title:34} {backend:10} {r['lost']:>4} {r['duplicates']:>4} "
                f"{r['uncertain']:>6}/{IN_FLIGHT:<2} {r['failed']:>6} "
                f"{'yes' if r['summary'] else 'NO':>7} {r['wall']:>7.0f}"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=1000)
    parser.add_argument("--only", choices=list(FAULTS))
    parser.add_argument("--backend", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    chosen = [args.backend] if args.backend else ["sqlite", "postgresql"]
    asyncio.run(main(args.recipients, args.only, chosen))
