"""The whole stack: `pufa run` in a subprocess against the local Bot API server.

Measures start-up time to the first answer, updates per second (server -> getUpdates ->
handler -> sendMessage) and the bot process's peak memory (VmHWM).

All the bot's sends share one rate limiter set to Telegram's ~30 messages/s, so by default
replies are capped there, as in production. `--rate 1000` lifts the cap to measure what the
stack itself can do.

Run: python bench/stack.py [--users 500] [--per-user 4] [--rate 30]
"""

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

from local_api import LocalBotApi

QUESTIONS = ["老板拖欠工资怎么办", "哪里可以免费请律师", "借钱不还怎么办", "今天天气怎么样"]


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def main(users: int, per_user: int, rate: float) -> None:
    async with LocalBotApi() as api:
        data = tempfile.mkdtemp(prefix="pufa-bench-")
        env = {
            **os.environ,
            "PUFA_BOT_TOKEN": api.token,
            "PUFA_API_BASE_URL": api.base_url,
            "PUFA_WEB_PORT": "0",  # any free port: health is not what is measured here
            "PUFA_DATABASE_URL": f"sqlite+aiosqlite:///{data}/bench.db",
            "PUFA_LOG_LEVEL": "WARNING",
            "PUFA_BROADCAST_RATE_PER_SECOND": str(rate),
            "PUFA_USER_RATE_PER_MINUTE": str(per_user + 1),
        }
        first = api.user(1, "首位用户")
        api.send_text(first, QUESTIONS[0])
        t0 = time.perf_counter()
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "run", env=env
        )
        try:
            await api.wait_for_messages(first.id, timeout=30)
            startup = time.perf_counter() - t0
            print(f"start-up to first answer (pufa run, fresh database): {startup:.2f} s")
            total = users * per_user
            before = len(api.sent)
            t1 = time.perf_counter()
            for round_ in range(per_user):
                for uid in range(1000, 1000 + users):
                    api.send_text(api.user(uid), QUESTIONS[(uid + round_) % len(QUESTIONS)])
            while len(api.sent) - before < total:
                await asyncio.sleep(0.05)
                if time.perf_counter() - t1 > 300:
                    raise TimeoutError(f"only {len(api.sent) - before}/{total} answers")
            elapsed = time.perf_counter() - t1
            print(
                f"{total} questions from {users} users answered in {elapsed:.2f} s: "
                f"{total / elapsed:.0f} updates/s (bot send limit {rate:g}/s)"
            )
            print(f"peak RSS of pufa run: {peak_rss_mb(proc.pid):.0f} MB")
        finally:
            proc.terminate()
            await proc.wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--per-user", type=int, default=4)
    parser.add_argument("--rate", type=float, default=30, help="the bot's overall sends/s")
    args = parser.parse_args()
    asyncio.run(main(args.users, args.per_user, args.rate))
