"""Shared fixtures: real content, real SQLite files under tmp_path, PostgreSQL when configured."""

import asyncio
import atexit
import functools
import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.settings import Settings
from content.index_cache import cached_content
from content.loader import CONTENT_DIR, Library, load_library
from content.search import SearchIndex
from storage.db import Database

# Machines running the suite are shared and often busy: an example's time says nothing there.
settings.register_profile("pufa", deadline=None)
settings.load_profile("pufa")

PG_URL = os.environ.get("PUFA_TEST_DATABASE_URL", "")
BACKENDS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]


@pytest.fixture(scope="session")
def library() -> Library:
    return load_library()


@pytest.fixture(scope="session")
def content_cache() -> Path:
    """Where the bot keeps its built search indexes (PUFA_CACHE_DIR or the user's cache), as
    the bot processes the tests start do: each content is indexed once on this machine."""
    return Settings(_env_file=None).cache_path


@pytest.fixture(scope="session")
def index(content_cache: Path) -> SearchIndex:
    return cached_content(None, content_cache)[1]


def content_without_calendar(directory: Path) -> Path:
    """A copy of the shipped content with an empty campaign calendar, for bot processes that
    run on the system clock: no reminder of the real calendar can fall due during a test."""
    copy = directory / "content"
    shutil.copytree(
        CONTENT_DIR, copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"), dirs_exist_ok=True
    )
    (copy / "campaigns.yaml").write_text("[]\n", encoding="utf-8")
    return copy


def sqlite_url(directory: Path) -> str:
    return f"sqlite+aiosqlite:///{directory / 'pufa.db'}"


@functools.cache
def _migrated_sqlite_file() -> Path:
    """A SQLite database migrated to the newest schema, made once per test process (in a
    thread of its own, since a test's event loop may be running) and removed at its exit."""
    directory = Path(tempfile.mkdtemp(prefix="pufa-migrated-"))
    atexit.register(shutil.rmtree, directory, ignore_errors=True)

    async def migrate() -> None:
        database = Database(sqlite_url(directory))
        await database.upgrade()
        await database.dispose()  # folds the write-ahead log in: the file alone is whole

    with ThreadPoolExecutor(max_workers=1) as thread:
        thread.submit(asyncio.run, migrate()).result()
    return directory / "pufa.db"


def migrated_sqlite_url(directory: Path) -> str:
    """`sqlite_url(directory)`, with a copy of a database already migrated to the newest
    schema put there first: migrating a new file takes a quarter of a second of CPU, copying
    one a millisecond, and most tests start from an empty current database. (The tests of
    migrating itself start from an empty file: `sqlite_url`.)"""
    directory.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_migrated_sqlite_file(), directory / "pufa.db")
    return sqlite_url(directory)


@pytest.fixture(params=BACKENDS)
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated, empty database: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        database = Database(migrated_sqlite_url(tmp_path))
        yield database
        await database.dispose()
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(PG_URL)
    async with admin.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    database = Database(PG_URL, schema=schema)
    await database.upgrade()
    yield database
    await database.dispose()
    async with admin.begin() as conn:
        await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    await admin.dispose()
