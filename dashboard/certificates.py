"""核验证书: a coordinator checks a volunteer's certificate of hours by its code (the same
answer as /verify in the chat and `pufa verify`); each check is audited."""

from aiohttp import web

from dashboard.common import audit, render, services
from domain.recognition import verify_certificate


async def verify_page(request: web.Request) -> web.StreamResponse:
    """The form, and with `?code=` the answer under it."""
    typed = request.query.get("code")
    if typed is None:
        return render(request, "verify.html", typed="", verdict=None)
    bot = services(request)
    async with bot.db.session() as session:
        verdict = await verify_certificate(session=session, typed=typed, ui=bot.ui, tz=bot.tz)
    await audit(request, "verify", verdict.code, f"genuine={verdict.genuine}")
    return render(request, "verify.html", typed=typed[:64], verdict=verdict)
