"""Answer latency in process (warm), the index rebuild after a dashboard edit, and start-up
time to first answer of `pufa ask`.

Run: python bench/latency.py
"""

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from content.learnt import QuestionFeatures
from content.loader import build_index, load_library
from domain.answers import preview

HERE = Path(__file__).resolve().parent
QUESTION = "老板拖欠工资三个月了怎么办"


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def warm_latency(rounds: int = 20) -> None:
    started = time.perf_counter()
    library = load_library()
    index = build_index(library)
    build = time.perf_counter() - started
    questions = [json.loads(line)["q"] for line in (HERE / "questions.jsonl").open()]
    for question in questions:  # warm-up
        index.search(question)
    search_ms, answer_ms = [], []
    for _ in range(rounds):
        for question in questions:
            t0 = time.perf_counter()
            index.search(question)
            t1 = time.perf_counter()
            preview(library, index, question)
            t2 = time.perf_counter()
            search_ms.append((t1 - t0) * 1000)
            answer_ms.append((t2 - t1) * 1000)
    print(f"content load + index build: {build * 1000:.0f} ms ({len(library.cards)} cards)")
    for name, samples in (("search", search_ms), ("search + render answer", answer_ms)):
        print(
            f"{name:24} n={len(samples)} p50={statistics.median(samples):.3f} ms "
            f"p99={percentile(samples, 0.99):.3f} ms max={max(samples):.3f} ms"
        )


def rebuild(rounds: int = 3) -> None:
    """A dashboard edit rebuilds the index: without and with the labelled questions' features
    kept from the build before (QuestionFeatures, as the dashboard keeps them), in turns."""
    library = load_library()
    kept = QuestionFeatures()
    build_index(library, kept)  # the build before the edit
    plain: list[float] = []
    reused: list[float] = []
    for _ in range(rounds):
        for features, times in ((None, plain), (kept, reused)):
            started = time.perf_counter()
            build_index(library, features)
            times.append(time.perf_counter() - started)
    before, after = statistics.median(plain), statistics.median(reused)
    print(
        f"index rebuild after an edit ({rounds} runs in turns): median {before:.2f} s, "
        f"with the features kept {after:.2f} s ({after / before:.2f}x)"
    )


def cold_start(runs: int = 5) -> None:
    """Wall time from spawning `pufa ask --json -` to reading its first answer."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "ask", "--json", "-"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdin and proc.stdout
        proc.stdin.write(QUESTION + "\n")
        proc.stdin.flush()
        answer = json.loads(proc.stdout.readline())
        times.append(time.perf_counter() - t0)
        proc.stdin.close()
        proc.wait()
        assert answer["card_id"] == "unpaid-wages"
    print(
        f"start-up to first answer (pufa ask, {runs} runs): "
        f"median {statistics.median(times):.2f} s, max {max(times):.2f} s"
    )


if __name__ == "__main__":
    warm_latency()
    rebuild()
    cold_start()
