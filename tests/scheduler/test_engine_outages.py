"""The engine when the database or Telegram misbehave: nothing lost, nothing sent twice,
uncertain only what was really in flight, and the coordinator told the truth."""

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from content.loader import Library
from storage.db import Database
from tests.broadcasting import COORDINATOR, Stack, add_subscribers, broadcasting_stack, draft
from tests.conftest import BACKENDS, PG_URL, sqlite_url
from tests.outage import SqliteLock, TcpProxy, postgres_behind_proxy

RECIPIENTS = list(range(5001, 5091))


@dataclass
class Unreliable:
    db: Database
    outage: SqliteLock | TcpProxy
    hold: float  # how long an outage must last to be felt (SQLite waits 5 s for its lock)


@pytest.fixture(params=BACKENDS)
async def unreliable(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Unreliable]:
    if request.param == "sqlite":
        db = Database(sqlite_url(tmp_path))
        await db.upgrade()
        yield Unreliable(db, SqliteLock(tmp_path / "pufa.db"), hold=7.0)
        await db.dispose()
        return
    async with postgres_behind_proxy(PG_URL) as (url, proxy):
        db = Database(url)
        await db.upgrade()
        yield Unreliable(db, proxy, hold=3.0)
        await db.dispose()


async def _sent_to_some(stack: Stack, at_least: int) -> None:
    await stack.api.wait_until(
        lambda: sum(stack.received(u) for u in RECIPIENTS) >= at_least, "deliveries"
    )


async def test_a_database_outage_mid_broadcast_loses_nothing_and_sends_nothing_twice(
    unreliable: Unreliable, library: Library
) -> None:
    db = unreliable.db
    await add_subscribers(db, RECIPIENTS)
    async with broadcasting_stack(db, library) as stack:
        row = await stack.service.create(draft())
        assert row.id is not None
        await _sent_to_some(stack, 20)
        await unreliable.outage.cut()
        await asyncio.sleep(unreliable.hold)  # the outage itself: it lasts this long
        await unreliable.outage.restore()
        done = await stack.broadcast(row.id)
        states = await stack.states(row.id)
    assert set(states.values()) == {"sent"}  # every outcome written once the database was back
    assert all(stack.received(u) == 1 for u in RECIPIENTS)
    assert done.status == "done" and stack.api.flood_errors == 0
    [summary] = [m for m in stack.api.messages_to(COORDINATOR) if "发送完毕" in m.content]
    assert f"成功：{len(RECIPIENTS)}/{len(RECIPIENTS)}" in summary.content


async def test_a_stall_shorter_than_the_send_timeout_leaves_nothing_uncertain(
    db: Database, library: Library
) -> None:
    await add_subscribers(db, RECIPIENTS[:30])
    async with broadcasting_stack(db, library, send_timeout=10) as stack:
        stack.api.stall(2, methods={"sendMessage"}, when="after", times=5)
        row = await stack.service.create(draft())
        assert row.id is not None
        await stack.broadcast(row.id)
        assert set((await stack.states(row.id)).values()) == {"sent"}


async def test_a_stall_past_the_timeout_leaves_only_what_was_in_flight_uncertain(
    db: Database, library: Library
) -> None:
    """Stalled requests may have arrived: never sent again, at most the in-flight window of
    them, and the summary says their state is uncertain because they timed out."""
    await add_subscribers(db, RECIPIENTS[:40])
    # A timeout no request but a stalled one reaches on a loaded machine (at 0.5 s, one more
    # than the stalled six timed out under load), and a stall well past it.
    async with broadcasting_stack(db, library, send_timeout=3, max_in_flight=4) as stack:
        stack.api.stall(8, methods={"sendMessage"}, when="after", times=6)
        row = await stack.service.create(draft())
        assert row.id is not None
        await stack.broadcast(row.id)
        states = await stack.states(row.id)
        uncertain = [chat for chat, state in states.items() if state == "uncertain"]
        assert 1 <= len(uncertain) <= 6 and set(states.values()) <= {"sent", "uncertain"}
        assert all(stack.received(c) == 1 for c in uncertain)  # they did arrive, once
        assert all(stack.received(c) == 1 for c, s in states.items() if s == "sent")
        [summary] = [m for m in stack.api.messages_to(COORDINATOR) if "发送完毕" in m.content]
        assert f"状态不确定：{len(uncertain)}" in summary.content and "超时" in summary.content
