"""Broadcast to 10,000 subscribers through the local Bot API server enforcing Telegram's limits.

`pufa run` runs in a subprocess; the server (in this process) answers 429 to any send over
30/s overall, 1/s to one chat, 20/min to one group, exactly as the limits are written. Two
runs: a clean one, and one killed with SIGKILL halfway and started again. Printed for each:
the achieved rate as a fraction of the limit, 429s provoked, messages lost (a recipient not
marked uncertain who got nothing) and duplicated (anyone who got it twice), and uncertain
deliveries (in flight at the kill: delivered or not, never resent).

Above 30/s the bot pays (`allow_paid_broadcast`), and the server still refuses free sends
over Telegram's 30/s. `--reference` times the yardstick instead: a bare PTB loop sending the
same message to every recipient (16 at a time, no database), against the same server.

Run: python bench/broadcast.py [--recipients 10000] [--rate 30] [--only clean|kill]
     [--reference]
"""

import argparse
import asyncio
import os
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import insert

from content.loader import load_library
from local_api import LocalBotApi
from scheduler.planning import Plan, store_draft
from scheduler.timeparse import Now
from storage import broadcasts as repo
from storage.audience import Audience
from storage.db import Database
from storage.models import Recipient, Subscription

COORDINATOR = 900_001
FIRST_ID = 100_000_001


@dataclass
class Tally:
    """Counts the bot's sends to recipients as they arrive (incrementally: 10,000 of them)."""

    api: LocalBotApi
    first: int
    last: int
    seen: int = 0
    counts: Counter[int] | None = None

    def update(self) -> int:
        if self.counts is None:
            self.counts = Counter()
        for entry in self.api.sent[self.seen :]:
            if entry.action == "send" and self.first <= entry.chat_id <= self.last:
                self.counts[entry.chat_id] += 1
        self.seen = len(self.api.sent)
        return sum(self.counts.values())


async def prepare(url: str, recipients: int) -> int:
    db = Database(url)
    await db.upgrade()
    now = datetime.now(UTC)
    ids = range(FIRST_ID, FIRST_ID + recipients)
    async with db.session() as session:
        recipient_rows = [{"chat_id": i, "created_at": now, "updated_at": now} for i in ids]
        await session.exec(insert(Recipient), params=_defaults(recipient_rows))
        subscription_rows = [
            {"chat_id": i, "kind": "category", "value": "labor", "created_at": now} for i in ids
        ]
        await session.exec(insert(Subscription), params=subscription_rows)
        draft = Plan(
            created_by=COORDINATOR,
            key="bench",
            audience=Audience.ALL,
            audience_value="",
            when=Now(),
            text="📣 普法讲座：周六上午9点在村委会，律师免费解答劳动、婚姻、借贷问题。",
        )
        row = await store_draft(
            session=session,
            draft=draft,
            library=load_library(),
            now=now,
            tz=ZoneInfo("Asia/Shanghai"),
        )
    await db.dispose()
    assert row.id is not None
    return row.id


def _defaults(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    flags = {"chat_type": "private", "title": "", "active": True, "inactive_reason": ""}
    flags |= {"campaign_reminders": True, "volunteer_calls": True, "monthly_reminder": True}
    return [flags | row for row in rows]


async def start_bot(
    api: LocalBotApi, url: str, rate: float, cwd: str
) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUFA_")}
    env |= {
        "PUFA_BOT_TOKEN": api.token,
        "PUFA_API_BASE_URL": api.base_url,
        "PUFA_WEB_PORT": "0",  # any free port: health is not what is measured here
        "PUFA_DATABASE_URL": url,
        "PUFA_ADMIN_IDS": str(COORDINATOR),
        "PUFA_BROADCAST_RATE_PER_SECOND": str(rate),
        "PUFA_LOG_LEVEL": "WARNING",
    }
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", env=env, cwd=cwd
    )


async def until(api: LocalBotApi, done: Callable[[], bool], timeout: float) -> None:  # noqa: ASYNC109
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise TimeoutError("the bot did not finish in time")
        await api.state.changed.wait(1.0)


def summary_sent(api: LocalBotApi) -> bool:
    return any("发送完毕" in m.content for m in api.messages_to(COORDINATOR))


def segment_rate(api: LocalBotApi, first: int, last: int, since: int, until_: int) -> float:
    """Sends per second between the first and last recipient send in calls[since:until_]."""
    times = [
        c.time
        for c in api.calls[since:until_]
        if c.method == "sendMessage" and c.ok and first <= int(c.params["chat_id"]) <= last
    ]
    return (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else float("nan")


async def outcome(url: str, broadcast_id: int, tally: Tally) -> dict[str, int]:
    """What each recipient got, against what the database says: lost (nothing, and not marked
    uncertain), duplicates (more than once), uncertain, and failed."""
    db = Database(url)
    async with db.session() as session:
        states = await repo.delivered_chats(session=session, broadcast_id=broadcast_id)
    await db.dispose()
    counts = tally.counts or Counter()
    uncertain = {chat for chat, state in states.items() if state == "uncertain"}
    return {
        "lost": sum(
            1 for c in range(tally.first, tally.last + 1) if counts[c] == 0 and c not in uncertain
        ),
        "duplicates": sum(1 for n in counts.values() if n > 1),
        "uncertain": len(uncertain),
        "uncertain_delivered": sum(1 for c in uncertain if counts[c] == 1),
        "failed": sum(1 for state in states.values() if state == "failed"),
    }


async def run(recipients: int, rate: float, kill: bool) -> dict[str, object]:
    data = tempfile.mkdtemp(prefix="pufa-bench-broadcast-")
    url = f"sqlite+aiosqlite:///{data}/bench.db"
    broadcast_id = await prepare(url, recipients)
    first, last = FIRST_ID, FIRST_ID + recipients - 1
    async with LocalBotApi(enforce_limits=True) as api:
        api.user(COORDINATOR, "协调员")
        tally = Tally(api, first, last)
        rates: list[float] = []
        t0 = time.monotonic()
        proc = await start_bot(api, url, rate, data)
        mark = 0
        if kill:
            await until(api, lambda: tally.update() >= recipients // 2, recipients / rate * 3 + 60)
            proc.send_signal(signal.SIGKILL)
            await proc.wait()
            rates.append(segment_rate(api, first, last, 0, len(api.calls)))
            mark = len(api.calls)
            proc = await start_bot(api, url, rate, data)
        try:
            await until(api, lambda: summary_sent(api), recipients / rate * 3 + 60)
        finally:
            proc.send_signal(signal.SIGTERM)
            await proc.wait()
        wall = time.monotonic() - t0
        tally.update()
        rates.append(segment_rate(api, first, last, mark, len(api.calls)))
        floods = api.flood_errors
    return {
        "run": "SIGKILL at half, restarted" if kill else "clean",
        "rate": min(rates) / rate,
        "rates": [round(r / rate, 3) for r in rates],
        "per_second": min(rates),
        "floods": floods,
        **await outcome(url, broadcast_id, tally),
        "wall": wall,
    }


def report(result: dict[str, object], recipients: int, rate: float) -> None:
    print(f"\n{result['run']}: {recipients} recipients, limit {rate:g} msg/s")
    print(f"  achieved rate / limit: {result['rate']:.3f}  (per segment: {result['rates']})")
    print(f"  429s provoked:         {result['floods']}")
    print(f"  lost messages:         {result['lost']}")
    print(f"  duplicate messages:    {result['duplicates']}")
    print(
        f"  uncertain (in flight at the kill, not resent): {result['uncertain']}"
        f" ({result['uncertain_delivered']} of them had in fact arrived)"
    )
    print(f"  wall time:             {result['wall']:.1f} s")
    print(f"  messages/s:            {result['per_second']:.0f} (slowest segment)")


async def reference(recipients: int, rate: float) -> None:
    """A bare PTB send loop: no database, 16 requests on the wire, paid above 30/s."""
    from telegram import Bot

    paid = True if rate > 30 else None
    async with LocalBotApi(enforce_limits=True) as api, Bot(api.token, api.base_url) as bot:
        chats = iter(range(FIRST_ID, FIRST_ID + recipients))
        interval = 1 / rate
        t0 = time.monotonic()
        cpu0 = time.process_time()

        async def worker(start: float) -> None:
            next_at = start
            for chat_id in chats:
                await asyncio.sleep(max(0.0, next_at - time.monotonic()))
                next_at = max(next_at + 16 * interval, time.monotonic())
                await bot.send_message(chat_id, "📣 普法讲座", allow_paid_broadcast=paid)

        await asyncio.gather(*(worker(t0 + i * interval) for i in range(16)))
        wall = time.monotonic() - t0
        cpu = time.process_time() - cpu0
    print(f"\nreference (bare PTB send loop, no database): {recipients} recipients")
    print(f"  {recipients / wall:.0f} msg/s, 429s {api.flood_errors}, wall {wall:.1f} s")
    print(f"  CPU of this process (loop and server): {cpu / recipients * 1000:.1f} ms/message")


async def main(recipients: int, rate: float, only: str | None) -> None:
    for kill in (False, True):
        if only and only != ("kill" if kill else "clean"):
            continue
        report(await run(recipients, rate, kill), recipients, rate)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=30)
    parser.add_argument("--only", choices=["clean", "kill"])
    parser.add_argument("--reference", action="store_true", help="time a bare PTB send loop")
    args = parser.parse_args()
    if args.reference:
        asyncio.run(reference(args.recipients, args.rate))
    else:
        asyncio.run(main(args.recipients, args.rate, args.only))
    sys.exit(0)
