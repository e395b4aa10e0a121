"""Signing in without passwords: /dashboard in the chat sends a one-time link; opening it (and
pressing 登录, so a link preview cannot spend it) starts a session held in an HttpOnly cookie.
Every request checks the session and that its owner is still a coordinator; every form
carries the session's CSRF token. An address that is not there is said in Chinese, and a
form's address opened (a reload, a bookmark) leads to the page the form is on."""

import secrets
from collections.abc import Awaitable, Callable
from datetime import timedelta

from aiohttp import web

from dashboard.common import (
    ACTIVE_KEY,
    USER_KEY,
    form_page,
    notice,
    render,
    see_other,
    services,
    texts,
)
from handlers.kit.roles import is_coordinator
from storage.audit import record
from storage.dashboard import (
    close_session,
    find_session,
    forget_expired,
    login_unspent,
    open_session,
    redeem_login,
)

COOKIE = "pufa_dashboard"
OPEN_PATHS = ("/dashboard/login", "/dashboard/static/")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # the login link's token never leaves in a Referer
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'; form-action 'self'"
    ),
}


@web.middleware
async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await _checked(request, handler)
    response.headers.update(SECURITY_HEADERS)
    return response


async def _checked(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not request.config_dict[ACTIVE_KEY]():  # a standby: it sends nothing, not even here
        return notice(request, texts(request).standby, 503)
    if request.path.startswith(OPEN_PATHS):
        return await handler(request)
    bot = services(request)
    async with bot.db.session() as session:
        signed = await find_session(
            session=session, cookie=request.cookies.get(COOKIE, ""), now=bot.now()
        )
    if signed is None:
        return notice(request, texts(request).login_first, 401)
    if not await is_coordinator(bot, signed.telegram_id):
        # demoted: each page of the tab says so, until the session expires or a promotion ends it
        return notice(request, texts(request).no_longer_coordinator, 403)
    if request.method == "POST":
        form = await request.post()
        given = form.get("csrf")
        if not isinstance(given, str) or not secrets.compare_digest(given, signed.csrf):
            async with bot.db.session() as session:
                await record(
                    session=session,
                    actor_id=signed.telegram_id,
                    action="dashboard.csrf",
                    target=request.path[:200],
                    allowed=False,
                    now=bot.now(),
                )
            return notice(request, texts(request).bad_form, 403)
    request[USER_KEY] = signed
    try:
        return await handler(request)
    except web.HTTPMethodNotAllowed:
        if request.method == "GET":
            return await form_page(request)
        return notice(request, texts(request).no_page, 404)
    except web.HTTPNotFound:  # a mistyped address, a photo that is not there
        return notice(request, texts(request).no_page, 404)


async def login_page(request: web.Request) -> web.StreamResponse:
    """The link's page: a button that spends the token (a link preview only loads this). A
    link already spent (or expired) says so and how to get a new one, unless this browser is
    signed in already: then it goes straight to the dashboard."""
    bot = services(request)
    token = request.query.get("token", "")[:100]
    now = bot.now()
    async with bot.db.session() as session:
        unspent = await login_unspent(session=session, token=token, now=now)
        signed = await find_session(
            session=session, cookie=request.cookies.get(COOKIE, ""), now=now
        )
    if not unspent and signed is not None and await is_coordinator(bot, signed.telegram_id):
        return see_other("/dashboard/")
    if token and not unspent:
        return notice(request, texts(request).bad_link, 410)
    return render(request, "login.html", token=token)


async def login(request: web.Request) -> web.StreamResponse:
    bot = services(request)
    form = await request.post()
    token = form.get("token")
    now = bot.now()
    async with bot.db.session() as session:
        await forget_expired(session=session, now=now)
        telegram_id = await redeem_login(
            session=session, token=token if isinstance(token, str) else "", now=now
        )
    if telegram_id is None:
        return notice(request, texts(request).bad_link, 403)
    if not await is_coordinator(bot, telegram_id):
        return notice(request, texts(request).coordinators_only, 403)
    settings = bot.dashboard
    async with bot.db.session() as session:
        cookie = await open_session(
            session=session,
            telegram_id=telegram_id,
            valid_for=timedelta(hours=settings.session_hours),
            now=now,
        )
        await record(session=session, actor_id=telegram_id, action="dashboard.login", now=now)
    response = see_other("/dashboard/")
    response.set_cookie(
        COOKIE,
        cookie,
        max_age=settings.session_hours * 3600,
        path="/dashboard",
        httponly=True,
        secure=settings.secure,
        samesite="Lax",
    )
    return response


async def logout(request: web.Request) -> web.StreamResponse:
    bot = services(request)
    async with bot.db.session() as session:
        await close_session(session=session, cookie=request.cookies.get(COOKIE, ""))
    response = notice(request, texts(request).logged_out, 200)
    response.del_cookie(COOKIE, path="/dashboard")
    return response
