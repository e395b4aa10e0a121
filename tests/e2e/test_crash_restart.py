"""Kill -9 in the middle of a broadcast, start again: every recipient gets the message once
(an album too, whole), except the few in flight at the instant of the kill, which are
reported as uncertain."""

import asyncio
import os
import signal
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from content.loader import Library
from local_api import LocalBotApi
from scheduler.messages import AlbumItem, album_text
from scheduler.planning import store_draft
from storage import broadcasts as repo
from storage.db import Database
from tests.broadcasting import COORDINATOR, TZ, add_subscribers, draft
from tests.conftest import content_without_calendar, sqlite_url
from tests.processes import process_now

RECIPIENTS = list(range(10_001, 10_301))
# Each album is followed by its buttons' line a second later (one message a second in a chat),
# so fewer recipients keep the test as short
ALBUM_RECIPIENTS = list(range(10_401, 10_461))
RATE = 100  # a bot with paid broadcasts: keeps the test short, the limits still enforced
IN_FLIGHT = 10  # requests on the wire at once: the most a kill can leave uncertain


async def start_bot(api: LocalBotApi, database_url: str, cwd: Path) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUFA_")}
    env |= {
        "PUFA_BOT_TOKEN": api.token,
        "PUFA_API_BASE_URL": api.base_url,
        "PUFA_WEB_PORT": "0",  # any free port: health is not what is measured here
        "PUFA_DATABASE_URL": database_url,
        "PUFA_ADMIN_IDS": str(COORDINATOR),
        "PUFA_BROADCAST_RATE_PER_SECOND": str(RATE),
        "PUFA_BROADCAST_MAX_IN_FLIGHT": str(IN_FLIGHT),
        "PUFA_LOG_LEVEL": "WARNING",
        "PUFA_CONTENT_DIR": str(content_without_calendar(cwd)),
    }
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "run", env=env, cwd=cwd
    )


def received(api: LocalBotApi) -> Counter[int]:
    wanted = set(RECIPIENTS)
    return Counter(m.chat_id for m in api.sent if m.action == "send" and m.chat_id in wanted)


async def wait_until(
    api: LocalBotApi,
    done: Callable[[], bool],
    timeout: float,  # noqa: ASYNC109 - a deadline for the condition, not for I/O
) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not done():
        remaining = deadline - asyncio.get_running_loop().time()
        if remaining <= 0:
            raise TimeoutError(api.dump("the bot process did not get there in time"))
        await api.state.changed.wait(remaining)


async def kill_halfway_and_restart(
    api: LocalBotApi, url: str, cwd: Path, progress: Callable[[], int], total: int
) -> int:
    """Starts the bot, kills it (SIGKILL) once `progress()` reaches half of `total`, starts it
    again and waits for the coordinator's summary; `progress()` at the kill."""
    first = await start_bot(api, url, cwd)
    await wait_until(api, lambda: progress() >= total // 2, 120)
    first.send_signal(signal.SIGKILL)
    await first.wait()
    killed_at = progress()
    second = await start_bot(api, url, cwd)
    try:
        await wait_until(api, lambda: _summary(api) is not None, 120)
    finally:
        second.send_signal(signal.SIGTERM)
        await second.wait()
    return killed_at


async def delivery_states(url: str, broadcast_id: int) -> dict[int, str]:
    """Each recipient's delivery state as the database has it."""
    db = Database(url)
    async with db.session() as session:
        states = await repo.delivered_chats(session=session, broadcast_id=broadcast_id)
    await db.dispose()
    return states


async def test_sigkill_mid_broadcast_then_restart_sends_each_message_at_most_once(
    tmp_path: Path, library: Library
) -> None:
    url = sqlite_url(tmp_path)
    db = Database(url)
    await db.upgrade()
    await add_subscribers(db, RECIPIENTS)
    async with db.session() as session:
        row = await store_draft(
            session=session, draft=draft(), library=library, now=process_now(), tz=TZ
        )
    await db.dispose()
    async with LocalBotApi(enforce_limits=True, global_per_second=RATE) as api:
        api.user(COORDINATOR, "协调员")
        killed_at = await kill_halfway_and_restart(
            api, url, tmp_path, lambda: sum(received(api).values()), len(RECIPIENTS)
        )
        flood_errors = api.flood_errors
    states = await delivery_states(url, row.id or 0)
    counts = received(api)
    uncertain = {chat for chat, state in states.items() if state == "uncertain"}
    assert killed_at < len(RECIPIENTS)
    assert set(states.values()) <= {"sent", "uncertain"} and len(uncertain) <= IN_FLIGHT
    assert all(counts[chat] == 1 for chat in RECIPIENTS if chat not in uncertain)  # no loss
    assert all(counts[chat] <= 1 for chat in RECIPIENTS)  # no duplicate
    assert f"状态不确定：{len(uncertain)}" in (_summary(api) or "")
    assert flood_errors == 0


def _summary(api: LocalBotApi) -> str | None:
    texts = [m.content for m in api.messages_to(COORDINATOR) if "发送完毕" in m.content]
    return texts[-1] if texts else None


def albums(api: LocalBotApi) -> dict[int, Counter[str]]:
    """Each album recipient's albums: how many photos of each media group they got."""
    got: dict[int, Counter[str]] = {}
    for m in api.sent:
        if m.method == "sendMediaGroup" and m.chat_id in ALBUM_RECIPIENTS:
            got.setdefault(m.chat_id, Counter())[m.message["media_group_id"]] += 1
    return got


async def test_sigkill_mid_album_broadcast_then_restart_sends_each_album_at_most_once(
    tmp_path: Path, library: Library
) -> None:
    url = sqlite_url(tmp_path)
    db = Database(url)
    await db.upgrade()
    await add_subscribers(db, ALBUM_RECIPIENTS)
    async with LocalBotApi(enforce_limits=True, global_per_second=RATE) as api:
        api.user(COORDINATOR, "协调员")
        photos = api.make_album(COORDINATOR, 3, "宣传海报")  # as the coordinator sent it
        items = [
            AlbumItem("photo", m["photo"][-1]["file_id"], m.get("caption", "")) for m in photos
        ]
        album = replace(draft(), content_kind="album", text=album_text(items))
        async with db.session() as session:
            row = await store_draft(
                session=session, draft=album, library=library, now=process_now(), tz=TZ
            )
        await db.dispose()
        killed_at = await kill_halfway_and_restart(
            api, url, tmp_path, lambda: len(albums(api)), len(ALBUM_RECIPIENTS)
        )
        flood_errors = api.flood_errors
    states = await delivery_states(url, row.id or 0)
    got = albums(api)
    uncertain = {chat for chat, state in states.items() if state == "uncertain"}
    assert killed_at < len(ALBUM_RECIPIENTS)
    assert set(states.values()) <= {"sent", "uncertain"} and len(uncertain) <= IN_FLIGHT
    assert all(chat in got for chat in ALBUM_RECIPIENTS if chat not in uncertain)  # no loss
    assert all(list(got[chat].values()) == [3] for chat in got)  # one album each, whole
    assert flood_errors == 0
