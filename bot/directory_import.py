"""`pufa directory import`: validate a coordinator's CSV, then store it in one transaction."""

import asyncio
import sys
from pathlib import Path

from bot.settings import Settings
from content.directory import DirectoryEntry, parse_csv
from content.problems import unreadable
from storage.db import Database
from storage.directory import add_points, replace_points


def import_directory(settings: Settings, path: Path, *, append: bool) -> int:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        print(f"{path}: {unreadable(exc)}", file=sys.stderr)
        return 1
    entries, problems = parse_csv(raw, path.name)
    if problems:
        for problem in problems:
            print(f"错误  {problem}", file=sys.stderr)
        print("没有导入任何条目，请修改后重试。", file=sys.stderr)
        return 1
    count = asyncio.run(_store(settings.database_url, entries, append=append))
    print(f"已导入 {count} 个法律服务点。")
    return 0


async def _store(url: str, entries: list[DirectoryEntry], *, append: bool) -> int:
    db = Database(url)
    try:
        await db.upgrade()
        async with db.session() as session:
            store = add_points if append else replace_points
            return await store(session=session, entries=(e.model_dump() for e in entries))
    finally:
        await db.dispose()
