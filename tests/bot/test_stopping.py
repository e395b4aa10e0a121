"""A clean stop (SIGTERM, SIGINT) of a real `pufa run` / `pufa webhook` process closes its
database: on SQLite the WAL is checkpointed into the main file, so that file alone (copied,
backed up by hand, moved to another machine) holds everything the bot wrote, also while
another process (a standby, an export) still has the database open."""

import contextlib
import shutil
import signal
import sqlite3
from pathlib import Path

import pytest

from local_api import LocalBotApi
from tests.e2e.test_instances import is_role
from tests.e2e.test_webhook_service import start_webhook
from tests.processes import BotProcess, Store, start_bot, stop_all
from tests.waiting import INDEX_BUILD_SECONDS, eventually


def rows_in_main_file_alone(live: Path, copy: Path) -> tuple[set[int], list[str]]:
    """The people and logged questions found in a copy of the database's main file only
    (what `cp pufa.db elsewhere` would take, without pufa.db-wal)."""
    shutil.copyfile(live, copy)
    with contextlib.closing(sqlite3.connect(copy)) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        if not {"person", "question_log"} <= tables:  # not even the schema
            return set(), []
        people = {row[0] for row in connection.execute("SELECT telegram_id FROM person")}
        questions = [row[0] for row in connection.execute("SELECT text FROM question_log")]
    return people, questions


async def start(api: LocalBotApi, data: Store, cwd: Path, mode: str, name: str) -> BotProcess:
    if mode == "webhook":
        return await start_webhook(api, data, cwd, name)
    return await start_bot(api, data, cwd, name=name)


async def ask(api: LocalBotApi, user_id: int) -> None:
    user = api.user(user_id, "居民")
    api.send_command(user, "/start")
    api.send_text(user, "老板拖欠工资怎么办")
    await api.wait_for_messages(user_id, 2)


@pytest.mark.parametrize(
    ("mode", "sig"),
    [("run", signal.SIGTERM), ("webhook", signal.SIGTERM), ("run", signal.SIGINT)],
)
async def test_a_stopped_bot_leaves_everything_in_the_database_file_itself(
    mode: str, sig: signal.Signals, tmp_path: Path
) -> None:
    live = tmp_path / "pufa.db"
    data = Store(f"sqlite+aiosqlite:///{live}")
    async with LocalBotApi() as api:
        bot = await start(api, data, tmp_path, mode, "bot")
        try:
            await eventually(lambda: is_role(bot, "active", 200), INDEX_BUILD_SECONDS)
            await ask(api, 61_001)
            # another process has the database open (a standby, `pufa export`): closing the
            # bot's own connections then does not fold the WAL into the file by itself
            with contextlib.closing(sqlite3.connect(live)) as other:
                other.execute("SELECT count(*) FROM person").fetchone()
                assert await bot.stop(sig) == 0
                people, questions = rows_in_main_file_alone(live, tmp_path / "copy.db")
        finally:
            await stop_all(bot)
    assert 61_001 in people and questions == ["老板拖欠工资怎么办"]
    assert not (tmp_path / "pufa.db-wal").exists() or not (tmp_path / "pufa.db-wal").stat().st_size
    assert "Traceback" not in bot.output()


async def test_an_instance_stopped_as_a_standby_or_after_taking_over_closes_its_database(
    tmp_path: Path,
) -> None:
    live = tmp_path / "pufa.db"
    data = Store(f"sqlite+aiosqlite:///{live}")
    async with LocalBotApi() as api:
        first = await start_bot(api, data, tmp_path, name="first")
        second = third = None
        try:
            await eventually(lambda: is_role(first, "active", 200), INDEX_BUILD_SECONDS)
            second = await start_bot(api, data, tmp_path, name="second")
            await eventually(lambda: is_role(second, "standby", 503), INDEX_BUILD_SECONDS)
            third = await start_bot(api, data, tmp_path, name="third")
            await eventually(lambda: is_role(third, "standby", 503), INDEX_BUILD_SECONDS)
            assert await third.stop() == 0  # stopped while standing by
            await ask(api, 62_001)
            assert await first.stop() == 0  # the second one, still open, takes over
            people, _ = rows_in_main_file_alone(live, tmp_path / "first.db")
            assert 62_001 in people
            await eventually(lambda: is_role(second, "active", 200), INDEX_BUILD_SECONDS)
            await ask(api, 62_002)
            assert await second.stop() == 0
            people, _ = rows_in_main_file_alone(live, tmp_path / "second.db")
        finally:
            await stop_all(first, *(bot for bot in (second, third) if bot is not None))
    assert {62_001, 62_002} <= people
    assert all("Traceback" not in bot.output() for bot in (first, second, third) if bot)
