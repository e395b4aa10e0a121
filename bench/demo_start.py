"""`pufa demo`'s start-up: seconds from launching it to its welcome line (the web chat's
address), in rounds, with a cache directory of its own, so the first round builds the search
index and the others read it back. With `--against PATH` (another checkout, e.g. a
`git worktree` of an earlier commit), the two are started in turns, each with its own cache.

Run: python bench/demo_start.py [--rounds 4] [--against PATH]
"""

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]


def started_in(tree: Path, cache: Path) -> float:
    """Seconds until `pufa demo --port 0` run from `tree` prints its chat's address."""
    env = dict(os.environ, PYTHONPATH=str(tree), PUFA_CACHE_DIR=str(cache))
    start = time.perf_counter()
    demo = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "demo", "--port", "0"],
        cwd=tree,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert demo.stdout is not None
        for line in demo.stdout:
            if "http://" in line:
                return time.perf_counter() - start
        raise RuntimeError(f"pufa demo in {tree} ended without its welcome line")
    finally:
        demo.send_signal(signal.SIGINT)
        try:
            demo.wait(30)
        except subprocess.TimeoutExpired:
            demo.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--against", type=Path, help="another checkout, started in turns")
    args = parser.parse_args()
    trees = {"this checkout": HERE}
    if args.against:
        trees[f"{args.against}"] = args.against.resolve()
    with tempfile.TemporaryDirectory(prefix="pufa-demo-bench-") as scratch:
        caches = {name: Path(scratch) / str(n) for n, name in enumerate(trees)}
        times: dict[str, list[float]] = {name: [] for name in trees}
        for _ in range(args.rounds):
            for name, tree in trees.items():
                times[name].append(started_in(tree, caches[name]))
    for name, seconds in times.items():
        rest = seconds[1:]
        median = f", median of the rest {statistics.median(rest):.2f} s" if rest else ""
        listed = " / ".join(f"{s:.2f}" for s in rest)
        print(f"{name}: first {seconds[0]:.2f} s (builds its cache), then {listed}{median}")


if __name__ == "__main__":
    main()
