"""The whole stack: `pufa run` in a subprocess against the local Bot API server.

Measures start-up time to the first answer, updates per second (server -> getUpdates ->
handler -> sendMessage) and the bot process's peak memory (VmHWM).

All the bot's sends share one rate limiter set to Telegram's ~30 messages/s, so by default
replies are capped there, as in production. `--rate 1000` lifts the cap to measure what the
stack itself can do. `--latency 0.05` adds 50 ms to every sendMessage, as a real network
does. `--reference` runs the yardstick instead of `pufa run`: a bare PTB echo bot that
handles updates concurrently, on the same server and load. `--reference --mandated-imports`
runs that echo bot after importing the mandated stack first (bench/floor.py's list): the
start-up and memory no bot on these libraries can go below.

Run: python bench/stack.py [--users 500] [--per-user 4] [--rate 30] [--latency 0]
     [--reference [--mandated-imports]]
"""

import argparse
import asyncio
import importlib
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from floor import SETS

from local_api import LocalBotApi

QUESTIONS = ["老板拖欠工资怎么办", "哪里可以免费请律师", "借钱不还怎么办", "今天天气怎么样"]


def cpu_seconds(pid: int) -> float:
    """User + system CPU of the process so far (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def echo_bot(concurrency: int, mandated_imports: bool) -> None:
    """The reference: PTB with nothing but an echo handler, updates handled concurrently
    (PTB's `concurrent_updates(True)` is 256 at once, each with its own connection: under
    load httpcore's pool bookkeeping then takes most of its CPU; a lower figure avoids it)."""
    if mandated_imports:
        for module in SETS["mandated stack"].split(", "):
            importlib.import_module(module)
    from telegram import Update
    from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

    async def echo(update: Update, _ctx: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.text is not None
        await update.message.reply_text(update.message.text)

    app = (
        ApplicationBuilder()
        .token(os.environ["PUFA_BOT_TOKEN"])
        .base_url(os.environ["PUFA_API_BASE_URL"])
        .concurrent_updates(concurrency)
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.run_polling(poll_interval=0)


async def main(
    users: int,
    per_user: int,
    rate: float,
    latency: float,
    reference: bool,
    concurrency: int,
    mandated_imports: bool,
) -> None:
    async with LocalBotApi() as api:
        api.latency(latency, methods=["sendMessage"])
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
        command = [__file__, "--serve-echo", f"--echo-concurrency={concurrency}"]
        name = f"the echo bot ({concurrency} at once)"
        if mandated_imports:
            command.append("--mandated-imports")
            name += " with the mandated imports"
        if not reference:
            command, name = ["-m", "bot.cli", "run"], "pufa run"
        proc = await asyncio.create_subprocess_exec(sys.executable, *command, env=env)
        try:
            await api.wait_for_messages(first.id, timeout=30)
            startup = time.perf_counter() - t0
            print(f"start-up to first answer ({name}, fresh database): {startup:.2f} s")
            total = users * per_user
            before = len(api.sent)
            cpu0 = cpu_seconds(proc.pid)
            t1 = time.perf_counter()
            for round_ in range(per_user):
                for uid in range(1000, 1000 + users):
                    api.send_text(api.user(uid), QUESTIONS[(uid + round_) % len(QUESTIONS)])
            while len(api.sent) - before < total:
                await asyncio.sleep(0.05)
                if time.perf_counter() - t1 > 300:
                    raise TimeoutError(f"only {len(api.sent) - before}/{total} answers")
            elapsed = time.perf_counter() - t1
            cpu = cpu_seconds(proc.pid) - cpu0
            print(
                f"{total} questions from {users} users answered in {elapsed:.2f} s: "
                f"{total / elapsed:.1f} updates/s (bot send limit {rate:g}/s, "
                f"sendMessage latency {latency * 1000:g} ms)"
            )
            print(f"CPU of {name} per update: {cpu / total * 1000:.1f} ms")
            print(f"peak RSS of {name}: {peak_rss_mb(proc.pid):.0f} MB")
        finally:
            proc.terminate()
            await proc.wait()
        if not reference:  # a clean stop writes every question still waiting in the log
            with sqlite3.connect(f"{data}/bench.db") as db:
                [(logged,)] = db.execute("SELECT count(*) FROM question_log").fetchall()
            print(f"questions logged after the stop: {logged}/{total + 1}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--per-user", type=int, default=4)
    parser.add_argument("--rate", type=float, default=30, help="the bot's overall sends/s")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per sendMessage")
    parser.add_argument("--reference", action="store_true", help="time the bare echo bot")
    parser.add_argument("--echo-concurrency", type=int, default=256, help="updates at once")
    parser.add_argument(
        "--mandated-imports", action="store_true", help="the echo bot imports the stack first"
    )
    parser.add_argument("--serve-echo", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_echo:
        echo_bot(args.echo_concurrency, args.mandated_imports)
    else:
        options = (args.rate, args.latency, args.reference, args.echo_concurrency)
        asyncio.run(main(args.users, args.per_user, *options, args.mandated_imports))
