"""A contest at district scale: 5,000 participants answering within one minute.

Drives the storage and domain layers as the handlers do for each press (参加: the contest,
the town, the attempt; an answer: one read of the attempt and its contest, marked against
the clock, one conditional write), open loop: every participant joins and answers at random
moments of the minute, one after the other as a person would, and `--workers` presses are
handled at once (default 16; the bot handles up to 64 updates at once, each person's in order,
see bot/ordering.py). Printed: the offered and recorded rates, how late presses
were handled after they arrived (p50, p99, max), that every answer was written exactly once,
the CPU per press, and the time to compute the leaderboard (the top 10 and every town;
target < 1 s) and to export the results.

    python bench/contest.py [--participants 5000] [--questions 1] [--seconds 60]
        [--backend sqlite|postgresql|both] [--workers 16]

PostgreSQL at PUFA_TEST_DATABASE_URL (or postgres@127.0.0.1:5432/test), in a fresh schema.
"""

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from content.loader import Library, load_library
from domain.quiz import BOARD_LINES, Answer, board_html, contest_table, draw, join_ids, judge
from storage import quiz as repo
from storage.db import Database
from storage.models import QuizAnswer, QuizAttempt, QuizContest, Subscription, utcnow

PG_URL = os.environ.get(
    "PUFA_TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
TOWNS = [f"示例县第{i}镇" for i in range(1, 21)]
FIRST_ID = 1_000_000
TZ = ZoneInfo("Asia/Shanghai")


@asynccontextmanager
async def database(backend: str) -> AsyncIterator[Database]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            db = Database(f"sqlite+aiosqlite:///{folder}/bench.db")
            await db.upgrade()
            yield db
            await db.dispose()
        return
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_async_engine(PG_URL)
    async with admin.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    db = Database(PG_URL, schema=schema)
    try:
        await db.upgrade()
        yield db
    finally:
        await db.dispose()
        async with admin.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


Job = tuple[Callable[[], Awaitable[None]], asyncio.Future[None]]


class Run:
    """Participants put each press on one queue at the moment they make it; `workers` take
    them, `workers` at a time, as the bot's update handling does."""

    def __init__(self, db: Database, contest: QuizContest, library: Library) -> None:
        self.db, self.contest, self.library = db, contest, library
        self.bank = {q.id: q for q in library.quiz}
        self.lags: list[float] = []
        self.done: list[float] = []
        self.refused = 0
        self.queue: asyncio.Queue[Job] = asyncio.Queue()

    async def worker(self) -> None:
        while True:
            work, done = await self.queue.get()
            try:
                await work()
                done.set_result(None)
            except Exception as error:
                done.set_exception(error)

    async def handled(self, work: Callable[[], Awaitable[None]]) -> None:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.queue.put_nowait((work, done))
        await done

    async def participant(self, number: int, moments: list[float], start: float) -> None:
        """Joins at the first moment, answers at the next ones (or at once, if late)."""
        loop = asyncio.get_running_loop()
        await asyncio.sleep(max(0.0, start + moments[0] - loop.time()))
        now = utcnow()
        attempt = QuizAttempt(
            contest_id=self.contest.id,
            telegram_id=FIRST_ID + number,
            chat_id=FIRST_ID + number,
            first_name=f"参赛者{number}",
            token="0123abcd",
            question_ids=self.contest.question_ids,
            asked_at=now,
            started_at=now,
        )
        stored: list[QuizAttempt] = []

        async def join() -> None:
            """As handlers/quiz/solo.py's on_join: the contest, the town, the attempt."""
            async with self.db.session() as session:
                await repo.get_contest(session=session, contest_id=self.contest.id or 0)
                attempt.town = await repo.town_of(session=session, chat_id=attempt.chat_id)
                found = await repo.start_attempt(session=session, attempt=attempt)
            assert found is not None and found.id is not None
            stored.append(found)

        await self.handled(join)
        self._finished(start + moments[0], loop.time())
        ids = self.contest.question_ids.split(",")
        rng = random.Random(number)
        for position, moment in enumerate(moments[1:]):
            await asyncio.sleep(max(0.0, start + moment - loop.time()))
            await self.handled(partial(self.answer, stored[0].id or 0, position, ids, rng))
            self._finished(start + moment, loop.time())

    async def answer(
        self, attempt_id: int, position: int, ids: list[str], rng: random.Random
    ) -> None:
        """What a press costs the bot, as in handlers/quiz/solo.py: one read and one
        conditional write in one transaction."""
        question = self.bank[ids[position]]
        option = question.answer[0] if rng.random() < 0.7 else len(question.options) - 1
        now = utcnow()
        async with self.db.session() as session:
            state = await repo.press_state(session=session, attempt_id=attempt_id)
            verdict = judge(
                state,
                self.library.quiz,
                user_id=state.telegram_id if state else 0,
                position=position,
                token="0123abcd",
                option=str(option),
                now=now,
            )
            assert isinstance(verdict, Answer), verdict
            standing = await repo.record_answer(
                session=session,
                attempt_id=attempt_id,
                position=position,
                given=verdict.given(),
                now=now,
                last=position + 1 == verdict.total,
            )
        self.refused += standing is None

    def _finished(self, due: float, now: float) -> None:
        self.lags.append(now - due)
        self.done.append(now)


async def bench(
    backend: str, participants: int, questions: int, seconds: float, workers: int
) -> None:
    library = load_library()
    async with database(backend) as db:
        now = utcnow()
        ids = draw(library.quiz, questions, random.Random(1), single_only=True)
        async with db.session() as session:
            contest = await repo.add_contest(
                session=session,
                contest=QuizContest(
                    campaign_id="constitution-week",
                    title="宪法宣传周普法知识竞赛",
                    opens_at=now,
                    closes_at=now + timedelta(hours=1),
                    seconds=30,
                    question_ids=join_ids(ids),
                ),
            )
        async with db.session() as session:  # each participant follows a town
            await session.exec(
                insert(Subscription),
                params=[
                    {
                        "chat_id": FIRST_ID + n,
                        "kind": "town",
                        "value": TOWNS[n % len(TOWNS)],
                        "created_at": now,
                    }
                    for n in range(participants)
                ],
            )
        run = Run(db, contest, library)
        rng = random.Random(42)
        schedule = [
            sorted(rng.uniform(0, seconds) for _ in range(questions + 1))
            for _ in range(participants)
        ]
        loop = asyncio.get_running_loop()
        start = loop.time() + 0.5
        pool = [asyncio.create_task(run.worker()) for _ in range(workers)]
        cpu = time.process_time()
        await asyncio.gather(*(run.participant(n, m, start) for n, m in enumerate(schedule)))
        cpu = time.process_time() - cpu
        for task in pool:
            task.cancel()
        requests = participants * (questions + 1)
        wall = max(run.done) - start
        lags = sorted(run.lags)
        async with db.session() as session:
            answers = (await session.exec(select(func.count()).select_from(QuizAnswer))).one()
        print(
            f"\n{backend}: {participants} participants x {questions} questions in {seconds:g} s,"
            f" {workers} worker(s)"
        )
        print(
            f"  offered {requests / seconds:.0f} requests/s (joins and answers); recorded "
            f"{requests / wall:.0f}/s, the last {wall - seconds:+.2f} s after the minute"
        )
        print(
            f"  written after arrival: p50 {statistics.median(lags) * 1000:.0f} ms, "
            f"p99 {lags[int(len(lags) * 0.99)] * 1000:.0f} ms, max {lags[-1] * 1000:.0f} ms"
        )
        print(f"  answers stored {answers} of {participants * questions}, refused {run.refused}")
        print(
            f"  CPU of this process (with the driver's threads) per request: "
            f"{cpu / requests * 1000:.1f} ms"
        )
        timings = []
        for _ in range(5):
            began = time.perf_counter()
            async with db.session() as session:
                board = await repo.board(
                    session=session, contest_id=contest.id or 0, limit=BOARD_LINES
                )
            board_html(
                library.ui.quiz,
                contest.title,
                board,
                questions,
                unknown_town=library.ui.unknown_town,
            )
            timings.append(time.perf_counter() - began)
        print(
            f"  leaderboard (top {BOARD_LINES}, {len(board.towns)} towns, {board.participants} "
            f"people): median {statistics.median(timings) * 1000:.1f} ms, "
            f"max {max(timings) * 1000:.1f} ms"
        )
        began = time.perf_counter()
        async with db.session() as session:
            rows = await repo.results(session=session, contest_id=contest.id or 0)
        data = contest_table(
            library.ui.quiz, contest, rows, "xlsx", TZ, unknown_town=library.ui.unknown_town
        )
        took = time.perf_counter() - began
        print(f"  XLSX export of {len(rows)} rows: {took:.2f} s, {len(data) // 1024} KB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=5000)
    parser.add_argument("--questions", type=int, default=1, help="answers a participant")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--workers", type=int, default=16, help="presses handled at once")
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    print(f"load: {os.getloadavg()[0]:.1f}")
    for backend in backends:
        asyncio.run(bench(backend, args.participants, args.questions, args.seconds, args.workers))


if __name__ == "__main__":
    main()
