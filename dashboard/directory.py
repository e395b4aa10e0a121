"""The legal service directory: the list, and a CSV import (Chinese or English column names;
every bad row listed; nothing imported when any row is bad), as `pufa directory import`. One
import at a time, then the list (a reload imports nothing again), and a point appended that
is there already is not added twice (storage.directory.add_points)."""

import asyncio

from aiohttp import web

from content.directory import parse_csv
from dashboard.common import audit, number, render, see_other, services, texts
from storage.directory import add_points, list_points, replace_points

MAX_UPLOAD = 512 * 1024
MAX_POINTS = 1_000_000
IMPORTING_KEY = web.AppKey("dashboard_directory_importing", asyncio.Lock)


async def directory_page(request: web.Request) -> web.StreamResponse:
    query = request.query
    return await _page(
        request,
        imported=number(query.get("imported"), maximum=MAX_POINTS),
        listed=number(query.get("listed"), maximum=MAX_POINTS),
    )


async def _page(
    request: web.Request,
    *,
    problems: list[str] | None = None,
    imported: int | None = None,
    listed: int | None = None,
) -> web.StreamResponse:
    bot = services(request)
    async with bot.db.session() as session:
        points = await list_points(session=session)
    return render(
        request,
        "directory.html",
        status=400 if problems else 200,
        points=points,
        kinds=bot.ui.list_separator.join(bot.library.point_kinds.kinds),
        problems=problems or [],
        imported=imported,
        listed=listed,
    )


async def import_csv(request: web.Request) -> web.StreamResponse:
    bot = services(request)
    form = await request.post()
    upload = form.get("file")
    if not isinstance(upload, web.FileField):
        return await _page(request, problems=[texts(request).pick_file])
    raw = upload.file.read(MAX_UPLOAD + 1)
    if len(raw) > MAX_UPLOAD:
        return await _page(request, problems=[texts(request).file_too_big])
    library = bot.library
    entries, found = parse_csv(
        raw, upload.filename or "CSV", layout=library.csv.directory, kinds=library.point_kinds
    )
    if found:
        return await _page(request, problems=[str(p) for p in found])
    append = form.get("append") == "1"
    async with request.config_dict[IMPORTING_KEY], bot.db.session() as session:
        store = add_points if append else replace_points
        count = await store(session=session, entries=(e.model_dump() for e in entries))
    await audit(request, "directory.import", upload.filename or "", f"{count} append={append}")
    # appended points listed already (their name and town) were not added again: say how many
    return see_other(f"/dashboard/directory?imported={count}&listed={len(entries) - count}")
