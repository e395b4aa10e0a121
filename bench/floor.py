"""The floor under start-up time and memory: what importing the libraries alone costs.

Each round starts fresh interpreters, in turns, that only import, then exit, and reports
wall time and resident memory (VmRSS) after the imports:
- PTB alone (what the bare echo bot of bench/stack.py imports);
- the mandated stack: PTB, sqlmodel with aiosqlite, jieba, aiohttp's web server, APScheduler;
- everything `pufa run` imports before it starts (bot.runners).

A start-up target below the mandated stack's import time, or a memory target below its
memory plus the search index, cannot be met by this program's own code.

Run: python bench/floor.py [--rounds 5]
"""

import argparse
import json
import statistics
import subprocess
import sys

SETS = {
    "PTB alone": "telegram.ext",
    "mandated stack": (
        "telegram.ext, sqlmodel, sqlalchemy.ext.asyncio, aiosqlite, jieba, aiohttp.web, "
        "apscheduler.schedulers.asyncio"
    ),
    "pufa run's imports": "bot.runners",
}

PROBE = """
import time
t0 = time.perf_counter()
import {modules}
elapsed = time.perf_counter() - t0
rss = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmRSS:"))
print(__import__("json").dumps([elapsed, rss / 1024]))
"""


def measure(modules: str) -> tuple[float, float]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(modules=modules)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    seconds, megabytes = json.loads(out)
    return seconds, megabytes


def main(rounds: int) -> None:
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in SETS}
    for _ in range(rounds):
        for name, modules in SETS.items():
            results[name].append(measure(modules))
    for name, runs in results.items():
        seconds = statistics.median(s for s, _ in runs)
        megabytes = statistics.median(m for _, m in runs)
        print(f"{name:20s} imports {seconds:5.2f} s  RSS {megabytes:5.0f} MB  ({rounds} rounds)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    main(parser.parse_args().rounds)
