"""`pufa directory import` and `pufa advisers import`: validate a coordinator's CSV, then
store it in one transaction (a file with any bad row imports nothing)."""

import asyncio
import sys
from collections.abc import Callable, Coroutine, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.cli_text import cli_text
from bot.settings import Settings
from content.advisers import parse_advisers_csv
from content.directory import DirectoryEntry, parse_csv_rows
from content.loader import Problem, load_library
from content.problems import unreadable
from storage.db import Database
from storage.directory import add_points, listed, replace_points
from storage.residents import replace_advisers

M = TypeVar("M", bound=BaseModel)
Store = Callable[..., Coroutine[Any, Any, int]]


def import_directory(settings: Settings, path: Path, *, append: bool) -> int:
    raw = _read(path)
    if raw is None:
        return 1
    library = load_library(settings.content_dir)
    layout, kinds = library.csv.directory, library.point_kinds
    rows, problems = parse_csv_rows(raw, path.name, layout=layout, kinds=kinds)
    entries = [entry for _, entry in rows]
    store = _add_new_points(rows) if append else replace_points
    return _checked_store(settings, entries, problems, store, cli_text("directory.points"))


class AlreadyListed(Exception):
    """Points an `--append` would list twice: nothing is stored."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__()
        self.problems = problems


def _add_new_points(rows: Sequence[tuple[str, DirectoryEntry]]) -> Store:
    """add_points, refusing (AlreadyListed) when a point of the file is listed already (its
    name and town): appending a file imported before listed every point twice."""

    async def add_new(*, session: AsyncSession, entries: Iterable[dict[str, Any]]) -> int:
        there = await listed(session=session)
        twice = [
            Problem(where, "name", cli_text("directory.listed", name=e.name, town=e.town))
            for where, e in rows
            if (e.name, e.town) in there
        ]
        if twice:
            raise AlreadyListed(twice)
        return await add_points(session=session, entries=entries)

    return add_new


def import_advisers(settings: Settings, path: Path) -> int:
    """Replaces the village legal advisers; towns and villages must be those of towns.yaml."""
    raw = _read(path)
    if raw is None:
        return 1
    library = load_library(settings.content_dir)
    layout, towns = library.csv.advisers, library.towns
    advisers, problems = parse_advisers_csv(raw, path.name, layout, towns or None)
    return _checked_store(
        settings, advisers, problems, replace_advisers, cli_text("directory.advisers")
    )


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError as exc:
        print(f"{path}: {unreadable(exc)}", file=sys.stderr)
        return None


def _checked_store(
    settings: Settings, entries: Sequence[M], problems: list[Problem], store: Store, what: str
) -> int:
    if not problems:
        try:
            count = asyncio.run(_store(settings.database_url, entries, store))
        except AlreadyListed as listed:
            problems = listed.problems
        else:
            print(cli_text("directory.imported", count=count, what=what))
            return 0
    for problem in problems:
        print(cli_text("check.error", problem=problem), file=sys.stderr)
    print(cli_text("directory.nothing_imported"), file=sys.stderr)
    return 1


async def _store(url: str, entries: Sequence[BaseModel], store: Store) -> int:
    db = Database(url)
    try:
        await db.upgrade()
        async with db.session() as session:
            return await store(session=session, entries=(e.model_dump() for e in entries))
    finally:
        await db.dispose()
