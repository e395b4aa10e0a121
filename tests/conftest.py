"""Shared fixtures: real content, real SQLite files under tmp_path, PostgreSQL when configured."""

import os
import shutil
import uuid
from collections.abc import AsyncIterator
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


@pytest.fixture(params=BACKENDS)
async def db(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """A migrated, empty database: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        database = Database(sqlite_url(tmp_path))
        await database.upgrade()
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
