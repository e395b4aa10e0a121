"""One active instance per bot: real `pufa run` processes of the same bot on one database. The
second stands by (sends nothing, takes no updates, /healthz 503) and takes over when the active
one is killed or stopped; two first starts on an empty database both come up."""

import asyncio
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from content.loader import Library
from local_api import LocalBotApi
from scheduler.planning import store_draft
from storage import broadcasts as repo
from storage.locks import lock_key
from storage.models import ActivityReport
from tests.broadcasting import COORDINATOR, TZ, add_subscribers, add_volunteers, draft
from tests.conftest import BACKENDS, PG_URL
from tests.processes import BotProcess, Store, process_now, start_bot, stop_all, store
from tests.waiting import INDEX_BUILD_SECONDS, eventually

RECIPIENTS = list(range(20_001, 20_501))
RATE = 100  # paid broadcasts: keeps the tests short, the limits still enforced
IN_FLIGHT = 10
SETTINGS = {
    "admin_ids": str(COORDINATOR),
    "broadcast_rate_per_second": str(RATE),
    "broadcast_max_in_flight": str(IN_FLIGHT),
    "broadcast_poll_seconds": "1",
}


async def is_role(bot: BotProcess, role: str, status: int) -> bool:
    answer = await bot.health()
    return answer[0] == status and answer[1].get("role") == role


async def until(check: Callable[[], bool], timeout: float = 120) -> None:  # noqa: ASYNC109
    async def holds() -> bool:
        return check()

    await eventually(holds, timeout)


def received(api: LocalBotApi) -> Counter[int]:
    wanted = set(RECIPIENTS)
    return Counter(m.chat_id for m in api.sent if m.action == "send" and m.chat_id in wanted)


def summaries(api: LocalBotApi) -> list[str]:
    return [m.content for m in api.messages_to(COORDINATOR) if "发送完毕" in m.content]


def conflicts(api: LocalBotApi) -> int:
    """getUpdates answered 409: two pollers at once."""
    return sum(1 for c in api.calls if c.method == "getUpdates" and c.status == 409)


@asynccontextmanager
async def active_and_standby(
    backend: str, tmp_path: Path, api: LocalBotApi
) -> AsyncIterator[tuple[Store, BotProcess, BotProcess]]:
    """Two processes of the bot on one database with subscribers: the first active, the
    second standing by."""
    async with store(backend, tmp_path) as data:
        db = data.database()
        await db.upgrade()
        await add_subscribers(db, RECIPIENTS)
        await db.dispose()
        first = await start_bot(api, data, tmp_path, name="first", settings=SETTINGS)
        second: BotProcess | None = None
        try:
            await eventually(lambda: is_role(first, "active", 200), INDEX_BUILD_SECONDS)
            second = await start_bot(api, data, tmp_path, name="second", settings=SETTINGS)
            await eventually(lambda: is_role(second, "standby", 503), INDEX_BUILD_SECONDS)
            yield data, first, second
        finally:
            await stop_all(first, *([second] if second else []))


async def broadcast_now(data: Store, library: Library) -> int:
    db = data.database()
    async with db.session() as session:
        row = await store_draft(
            session=session, draft=draft(), library=library, now=process_now(), tz=TZ
        )
    await db.dispose()
    assert row.id is not None
    return row.id


async def states(data: Store, broadcast_id: int) -> dict[int, str]:
    db = data.database()
    async with db.session() as session:
        found = await repo.delivered_chats(session=session, broadcast_id=broadcast_id)
    await db.dispose()
    return found


@pytest.mark.parametrize("backend", BACKENDS)
async def test_standby_takes_over_from_a_killed_active_instance_and_finishes_the_broadcast(
    backend: str, tmp_path: Path, library: Library
) -> None:
    async with LocalBotApi(enforce_limits=True, global_per_second=RATE) as api:
        api.user(COORDINATOR, "协调员")
        async with active_and_standby(backend, tmp_path, api) as (data, first, second):
            assert "standing by" in second.output()
            row_id = await broadcast_now(data, library)
            await until(lambda: sum(received(api).values()) >= len(RECIPIENTS) // 3)
            first.process.send_signal(signal.SIGKILL)
            await first.process.wait()
            killed_at = sum(received(api).values())
            await until(lambda: bool(summaries(api)))
            await eventually(lambda: is_role(second, "active", 200), INDEX_BUILD_SECONDS)
            assert "taking over" in second.output()
            found = await states(data, row_id)
    counts = received(api)
    uncertain = {chat for chat, state in found.items() if state == "uncertain"}
    assert killed_at < len(RECIPIENTS)
    assert set(found.values()) <= {"sent", "uncertain"} and len(uncertain) <= IN_FLIGHT
    assert all(counts[chat] == 1 for chat in RECIPIENTS if chat not in uncertain)
    assert max(counts.values()) == 1
    assert len(summaries(api)) == 1 and f"状态不确定：{len(uncertain)}" in summaries(api)[0]
    assert api.flood_errors == 0 and conflicts(api) == 0


@pytest.mark.parametrize("backend", BACKENDS)
async def test_rolling_upgrade_loses_nothing_and_marks_nothing_uncertain(
    backend: str, tmp_path: Path, library: Library
) -> None:
    """The new version starts as a standby, the old one is stopped (SIGTERM) mid-broadcast:
    it finishes its requests on the wire and frees the lock; the new one carries on."""
    async with LocalBotApi(enforce_limits=True, global_per_second=RATE) as api:
        api.user(COORDINATOR, "协调员")
        async with active_and_standby(backend, tmp_path, api) as (data, old, new):
            row_id = await broadcast_now(data, library)
            await until(lambda: sum(received(api).values()) >= len(RECIPIENTS) // 3)
            assert await old.stop() == 0
            assert "queued updates handled, delivery engine stopped" in old.output()
            await until(lambda: bool(summaries(api)))
            await eventually(lambda: is_role(new, "active", 200), INDEX_BUILD_SECONDS)
            found = await states(data, row_id)
    counts = received(api)
    assert set(found.values()) == {"sent"}
    assert all(counts[chat] == 1 for chat in RECIPIENTS)
    assert len(summaries(api)) == 1 and "状态不确定：0" in summaries(api)[0]
    assert api.flood_errors == 0 and conflicts(api) == 0


@pytest.mark.parametrize("backend", BACKENDS)
async def test_two_first_starts_on_an_empty_database_both_come_up(
    backend: str, tmp_path: Path
) -> None:
    async with LocalBotApi() as api, store(backend, tmp_path) as data:
        bots = await asyncio.gather(
            *(start_bot(api, data, tmp_path, name=f"twin{n}") for n in (1, 2))
        )
        try:

            async def one_active_one_standby() -> bool:
                roles = sorted([str(await bot.role()) for bot in bots])
                return roles == ["active", "standby"]

            await eventually(one_active_one_standby, INDEX_BUILD_SECONDS)  # two builds at once
            assert all(bot.running() for bot in bots)
            user = api.user(31_001, "居民")
            api.send_command(user, "/start")
            [_reply] = await api.wait_for_messages(user.id)
            standby = [bot for bot in bots if await bot.role() == "standby"]
            assert await standby[0].stop() == 0  # a standby stops at once when told
        finally:
            await stop_all(*bots)
        assert all("Traceback" not in bot.output() for bot in bots)
        assert conflicts(api) == 0


async def test_a_stopped_instance_removes_its_lock_file_and_a_killed_ones_is_taken_over(
    tmp_path: Path,
) -> None:
    async with LocalBotApi() as api, store("sqlite", tmp_path) as data:
        lock_file = tmp_path / f"pufa.db.instance-{api.token.split(':')[0]}.lock"
        killed = await start_bot(api, data, tmp_path, name="killed")
        await eventually(lambda: is_role(killed, "active", 200), INDEX_BUILD_SECONDS)
        await stop_all(killed)  # SIGKILL: no clean exit
        assert lock_file.exists()
        bot = await start_bot(api, data, tmp_path, name="next")
        try:
            await eventually(lambda: is_role(bot, "active", 200), INDEX_BUILD_SECONDS)
            assert "standing by" not in bot.output()  # the file left behind holds nobody
            assert await bot.stop() == 0
        finally:
            await stop_all(bot)
    assert not lock_file.exists()


@pytest.mark.parametrize("backend", BACKENDS)
async def test_two_migrations_at_once_take_turns(backend: str, tmp_path: Path) -> None:
    async with store(backend, tmp_path) as data:
        upgrades = [
            await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot.cli", "db", "upgrade", env=_env(data), cwd=tmp_path
            )
            for _ in range(3)
        ]
        assert [await p.wait() for p in upgrades] == [0, 0, 0]


def _env(data: Store) -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("PUFA_")} | data.env()


@pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL")
async def test_an_active_instance_that_loses_its_lock_connection_stops_at_once(
    tmp_path: Path,
) -> None:
    """The database drops the lock's session (a restart, a network cut): the active instance
    must stop acting (it exits for its service manager to restart it as a standby) and the
    standby takes over."""
    async with LocalBotApi() as api, store("postgresql", tmp_path) as data:
        first = await start_bot(api, data, tmp_path, name="first")
        second: BotProcess | None = None
        try:
            await eventually(lambda: is_role(first, "active", 200), INDEX_BUILD_SECONDS)
            second = await start_bot(api, data, tmp_path, name="second")
            await eventually(lambda: is_role(second, "standby", 503), INDEX_BUILD_SECONDS)
            key = lock_key(f"pufa-bot:{data.schema}:{api.token.split(':')[0]}")
            admin = create_async_engine(PG_URL)
            async with admin.begin() as conn:
                ended = await conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE application_name = :name AND pid IN "
                        "(SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted)"
                    ),
                    {"name": f"pufa-instance-lock {key}"},
                )
                assert ended.all() == [(True,)]
            await admin.dispose()
            assert await asyncio.wait_for(first.process.wait(), 30) == 75
            assert "lost the instance lock" in first.output()
            await eventually(lambda: is_role(second, "active", 200), INDEX_BUILD_SECONDS)
        finally:
            await stop_all(first, *([second] if second else []))


async def unannounced_reports(data: Store, count: int) -> None:
    """Reports a crash left without their notification to the coordinators."""
    db = data.database()
    await add_volunteers(db, [72_001])
    async with db.session() as session:
        for n in range(count):
            session.add(
                ActivityReport(
                    volunteer_id=72_001,
                    activity_type="lecture",
                    activity_date=process_now().date(),
                    submission_key=f"unannounced-{n}",
                    created_at=process_now() - timedelta(minutes=5),
                )
            )
    await db.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
async def test_two_processes_started_together_send_everything_once(
    backend: str, tmp_path: Path, library: Library
) -> None:
    """(A1) Three broadcasts due in the same minute and reports awaiting their notification;
    two processes of the bot start at once: one message per recipient and broadcast, one
    digest, at most one progress message and exactly one summary per broadcast, no 429."""
    recipients = RECIPIENTS[:150]
    async with LocalBotApi(enforce_limits=True, global_per_second=RATE) as api:
        api.user(COORDINATOR, "协调员")
        async with store(backend, tmp_path) as data:
            db = data.database()
            await db.upgrade()
            await add_subscribers(db, recipients)
            async with db.session() as session:
                for key in ("a1", "a2", "a3"):
                    await store_draft(
                        session=session,
                        draft=draft(key=key),
                        library=library,
                        now=process_now(),
                        tz=TZ,
                    )
            await db.dispose()
            await unannounced_reports(data, 2)
            bots = await asyncio.gather(
                *(start_bot(api, data, tmp_path, name=f"p{n}", settings=SETTINGS) for n in (1, 2))
            )
            try:
                await until(lambda: len(summaries(api)) >= 3)

                async def both_say_their_role() -> bool:
                    """The standby may still be starting when the active one is done."""
                    return None not in [await bot.role() for bot in bots]

                await eventually(both_say_their_role, INDEX_BUILD_SECONDS)
                roles = sorted([str(await bot.role()) for bot in bots])
            finally:
                await stop_all(*bots)
    to_coordinator = [m.content for m in api.messages_to(COORDINATOR) if m.action == "send"]
    counts = Counter(m.chat_id for m in api.sent if m.action == "send")
    assert roles == ["active", "standby"]
    assert all(counts[chat] == 3 for chat in recipients)
    assert len(summaries(api)) == 3
    assert len([t for t in to_coordinator if "今日活动报告" in t]) == 1
    journal = api.messages_to(COORDINATOR)
    progress = {m.message_id for m in journal if m.action == "send" and "正在发送" in m.content}
    assert len(progress) <= 3  # at most one a broadcast, and each ends without its stop button
    for message_id in progress:
        *_, last = (m for m in journal if m.message_id == message_id and m.action != "delete")
        assert "⏹ 停止发送" not in last.button_labels(), last.content
    assert api.flood_errors == 0 and conflicts(api) == 0


async def test_a_report_begun_on_the_killed_instance_is_finished_on_the_standby(
    tmp_path: Path,
) -> None:
    """A volunteer is mid-/report when the active instance is killed: the standby takes over
    and the volunteer carries on from the same step, pressing the buttons the first sent."""
    async with LocalBotApi() as api, store("sqlite", tmp_path) as data:
        settings = {"admin_ids": str(COORDINATOR), "user_rate_per_minute": "1000"}
        first = await start_bot(api, data, tmp_path, name="first", settings=settings)
        second: BotProcess | None = None
        try:
            await eventually(lambda: is_role(first, "active", 200), INDEX_BUILD_SECONDS)
            second = await start_bot(api, data, tmp_path, name="second", settings=settings)
            await eventually(lambda: is_role(second, "standby", 503), INDEX_BUILD_SECONDS)
            admin = api.user(COORDINATOR, "协调员")
            api.send_command(admin, "/invite 城关镇 单次")
            invitation, _qr = await api.wait_for_messages(admin.id, 2)
            code = invitation.content.split("邀请码：", 1)[1][:10]
            user = api.user(73_001, "志愿者")
            api.send_command(user, f"/start join_{code}")
            await api.wait_for_messages(user.id)
            api.send_text(user, "王志愿")
            [place] = await api.wait_for_messages(user.id)
            api.press_button(user, place, "城关社区")
            _dropped, org = await api.wait_for_messages(user.id, 2)  # the list loses its buttons
            api.press_button(user, org, "跳过")
            await api.wait_for_messages(user.id, 3)
            api.send_text(user, "138 0013 8000")
            _skip_dropped, done = await api.wait_for_messages(user.id, 2)
            assert "登记成功" in done.content, done.content
            api.send_command(user, "/report")
            [types] = await api.wait_for_messages(user.id)
            api.press_button(user, types, "宪法宣传")
            _dropped, date = await api.wait_for_messages(user.id, 2)  # types lose their buttons
            api.press_button(user, date, "今天")
            _dropped, topics = await api.wait_for_messages(user.id, 2)
            api.press_button(user, topics, "宪法与国家宪法日")  # a report needs a topic
            [ticked] = await api.wait_for_messages(user.id)
            assert ticked.action == "edit", ticked.describe()
            first.process.send_signal(signal.SIGKILL)
            await first.process.wait()
            await eventually(lambda: is_role(second, "active", 200), INDEX_BUILD_SECONDS)
            api.press_button(user, topics, "完成")  # a button the killed instance sent
            dropped, place = await api.wait_for_messages(user.id, 2)  # its question is known
            assert (dropped.message_id, dropped.buttons()) == (topics.message_id, [])
            assert "地点" in place.content, place.content
        finally:
            await stop_all(first, *([second] if second else []))


@pytest.mark.parametrize("backend", BACKENDS)
async def test_residents_questions_are_answered_once_and_never_by_the_standby(
    backend: str, tmp_path: Path
) -> None:
    """(A2) 200 residents ask while a second process stands by: each gets one answer, the
    standby takes no update (it never saw one) and nobody polls twice at once."""
    residents = list(range(30_001, 30_201))
    async with (
        LocalBotApi() as api,
        active_and_standby(backend, tmp_path, api) as (_, first, second),
    ):
        for chat_id in residents:
            api.send_text(api.user(chat_id), "老板拖欠工资怎么办")

        def answered() -> Counter[int]:
            wanted = set(residents)
            sent = (m for m in api.sent if m.action == "send")
            return Counter(m.chat_id for m in sent if m.chat_id in wanted)

        await until(lambda: len(answered()) == len(residents))
        active, standby = (await first.health())[1], (await second.health())[1]
    assert set(answered().values()) == {1}
    assert active["role"] == "active" and active["last_update_at"] is not None
    assert standby["role"] == "standby" and standby["last_update_at"] is None
    assert conflicts(api) == 0
