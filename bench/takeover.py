"""Take-over time: two `pufa run` processes of one bot on one database (the local Bot API
server in between), the active one killed with SIGKILL; measured from the kill to the standby
answering /healthz with 200, and to its answering a resident who wrote at the instant of the
kill. Default settings (PUFA_LOCK_CHECK_SECONDS=1).

Run from the repository root: python bench/takeover.py [--trials 5]
[--backend sqlite|postgresql|both] (PostgreSQL at PUFA_TEST_DATABASE_URL, or
postgres@127.0.0.1:5432/test).
"""

import argparse
import asyncio
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.processes, as a script
os.environ.setdefault(
    "PUFA_TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)

from local_api import LocalBotApi
from tests.processes import BotProcess, start_bot, stop_all, store

DEFAULTS = {"lock_check_seconds": "1", "log_level": "WARNING"}


async def role_is(bot: BotProcess, role: str, status: int) -> None:
    while True:
        code, body = await bot.health()
        if code == status and body.get("role") == role:
            return
        await asyncio.sleep(0.02)


async def one_trial(backend: str, directory: Path, n: int) -> tuple[float, float]:
    async with LocalBotApi() as api, store(backend, directory) as data:
        active = await start_bot(api, data, directory, name=f"a{n}", settings=DEFAULTS)
        standby: BotProcess | None = None
        try:
            await asyncio.wait_for(role_is(active, "active", 200), 120)
            standby = await start_bot(api, data, directory, name=f"s{n}", settings=DEFAULTS)
            await asyncio.wait_for(role_is(standby, "standby", 503), 120)
            user = api.user(80_000 + n, "居民")
            killed = time.perf_counter()
            active.process.send_signal(signal.SIGKILL)
            api.send_command(user, "/start")
            await asyncio.wait_for(role_is(standby, "active", 200), 120)
            healthy = time.perf_counter() - killed
            await api.wait_for_messages(user.id, timeout=120)
            answered = time.perf_counter() - killed
        finally:
            await stop_all(active, *([standby] if standby else []))
    return healthy, answered


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    print(f"load: {os.getloadavg()[0]:.2f} (1-min average), {os.cpu_count()} cores")
    print("backend     /healthz 200 (median, min-max)   first answer (median, min-max)")
    for backend in backends:
        times = []
        for n in range(args.trials):
            with tempfile.TemporaryDirectory() as directory:
                times.append(await one_trial(backend, Path(directory), n))
        healthy = [t[0] for t in times]
        answered = [t[1] for t in times]
        print(
            f"{backend:<11} {statistics.median(healthy):5.2f} s ({min(healthy):.2f}-"
            f"{max(healthy):.2f})            {statistics.median(answered):5.2f} s "
            f"({min(answered):.2f}-{max(answered):.2f})"
        )


if __name__ == "__main__":
    asyncio.run(main())
