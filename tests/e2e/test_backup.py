"""`pufa db backup` while the bot runs and writes (a broadcast being sent): the copy is
consistent, and a bot started on the restored copy comes up with everything in it."""

import asyncio
import os
import shutil
import sys
from pathlib import Path

from sqlalchemy import func
from sqlmodel import col, select

from content.loader import Library
from local_api import LocalBotApi
from storage.models import Delivery, Recipient
from tests.broadcasting import COORDINATOR, add_subscribers
from tests.conftest import sqlite_url
from tests.e2e.test_instances import (
    RATE,
    RECIPIENTS,
    SETTINGS,
    broadcast_now,
    is_role,
    received,
    until,
)
from tests.processes import Store, start_bot, stop_all
from tests.waiting import INDEX_BUILD_SECONDS, eventually


async def pufa(*args: str, env: dict[str, str], cwd: Path) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        *args,
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await process.communicate()
    return process.returncode or 0, out.decode()


def env_for(data: Store) -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("PUFA_")} | data.env()


async def test_backup_of_a_running_bot_restores_and_the_bot_starts_on_it(
    tmp_path: Path, library: Library
) -> None:
    live = Store(sqlite_url(tmp_path))
    db = live.database()
    await db.upgrade()
    await add_subscribers(db, RECIPIENTS)
    await db.dispose()
    copy = tmp_path / "backups" / "pufa-copy.db"
    async with LocalBotApi(enforce_limits=True, global_per_second=RATE) as api:
        api.user(COORDINATOR, "协调员")
        bot = await start_bot(api, live, tmp_path, name="live", settings=SETTINGS)
        try:
            await eventually(lambda: is_role(bot, "active", 200), INDEX_BUILD_SECONDS)
            await broadcast_now(live, library)
            await until(lambda: sum(received(api).values()) >= len(RECIPIENTS) // 4)
            code, said = await pufa("db", "backup", str(copy), env=env_for(live), cwd=tmp_path)
            assert code == 0, said
            assert sum(received(api).values()) < len(RECIPIENTS)  # taken mid-broadcast
        finally:
            await stop_all(bot)
    restored_dir = tmp_path / "restored"
    restored_dir.mkdir()
    shutil.copy(copy, restored_dir / "pufa.db")
    restored = Store(sqlite_url(restored_dir))
    db = restored.database()
    async with db.session() as session:
        recipients = (await session.exec(select(func.count()).select_from(Recipient))).one()
        deliveries = (await session.exec(select(func.count(col(Delivery.id))))).one()
    await db.dispose()
    assert recipients == len(RECIPIENTS) and deliveries == len(RECIPIENTS)
    async with LocalBotApi() as api:
        bot = await start_bot(api, restored, restored_dir, name="restored")
        try:
            await eventually(lambda: is_role(bot, "active", 200), INDEX_BUILD_SECONDS)
            user = api.user(71_001, "居民")
            api.send_command(user, "/start")
            [_welcome] = await api.wait_for_messages(user.id)
        finally:
            await stop_all(bot)


async def test_backup_on_postgresql_points_to_pg_dump(tmp_path: Path) -> None:
    env = env_for(Store("postgresql+asyncpg://u@127.0.0.1:1/x"))
    code, said = await pufa("db", "backup", str(tmp_path / "x.db"), env=env, cwd=tmp_path)
    assert code == 2 and "pg_dump" in said


async def test_backup_of_a_missing_database_says_so(tmp_path: Path) -> None:
    env = env_for(Store(sqlite_url(tmp_path / "nowhere")))
    code, said = await pufa("db", "backup", str(tmp_path / "x.db"), env=env, cwd=tmp_path)
    missing = tmp_path / "nowhere" / "pufa.db"
    assert code == 1 and said.startswith(f"找不到机器人的数据库 {missing}（"), said
    assert not (tmp_path / "nowhere").exists() and not (tmp_path / "x.db").exists()
