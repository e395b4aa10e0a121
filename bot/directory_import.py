"""`pufa directory import`: validate a coordinator's CSV, then store it in one transaction."""

import sys
from pathlib import Path

from bot.settings import Settings
from content.directory import parse_csv
from storage.db import Database
from storage.directory import add_points, replace_points


async def import_directory(settings: Settings, path: Path, *, append: bool) -> int:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        print(f"无法读取 {path}: {exc}", file=sys.stderr)
        return 1
    entries, problems = parse_csv(raw, path.name)
    if problems:
        for problem in problems:
            print(f"错误  {problem}", file=sys.stderr)
        print("没有导入任何条目，请修改后重试。", file=sys.stderr)
        return 1
    db = Database(settings.database_url)
    try:
        await db.upgrade()
        rows = [entry.model_dump() for entry in entries]
        async with db.session() as session:
            store = add_points if append else replace_points
            count = await store(session=session, entries=rows)
    finally:
        await db.dispose()
    print(f"已导入 {count} 个法律服务点。")
    return 0
