"""The coordinators' web dashboard: served by the bot's own web app (bot/server.py) under
/dashboard, server-rendered in Simplified Chinese, for phone and PC. Only coordinators get in
(a one-time link from /dashboard in the chat, see auth.py)."""

from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web

from dashboard import auth, overview
from dashboard.common import APP_KEY
from handlers.kit.context import PufaApplication

STATIC = Path(__file__).resolve().parent / "static"


def mount(server: web.Application, app: PufaApplication) -> None:
    """Adds the dashboard's routes to the bot's web app."""
    board = web.Application(middlewares=[auth.guard])
    board[APP_KEY] = app
    aiohttp_jinja2.setup(
        board,
        loader=jinja2.PackageLoader("dashboard", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    board.router.add_get("/login", auth.login_page)
    board.router.add_post("/login", auth.login)
    board.router.add_post("/logout", auth.logout)
    board.router.add_get("/", overview.overview)
    board.router.add_static("/static/", STATIC)
    server.router.add_get("/dashboard", _to_dashboard)
    server.add_subapp("/dashboard", board)


async def _to_dashboard(_request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound("/dashboard/")
