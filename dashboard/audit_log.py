"""The audit log: who did what (promotions, broadcasts, content edits, exports, refusals)."""

from aiohttp import web

from dashboard.common import page_of, render, services
from storage.audit import recent


async def audit_page(request: web.Request) -> web.StreamResponse:
    bot = services(request)
    page = page_of(request)
    async with bot.db.session() as session:
        entries, total = await recent(session=session, offset=page.offset, limit=page.size)
    return render(
        request,
        "audit.html",
        entries=entries,
        tz=bot.tz,
        page=page,
        pages=page.pages(total),
        query={},
    )
