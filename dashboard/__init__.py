"""The coordinators' web dashboard: served by the bot's own web app (bot/server.py) under
/dashboard, server-rendered in Simplified Chinese, for phone and PC. Only coordinators get in
(a one-time link from /dashboard in the chat, see auth.py)."""

import asyncio
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web

from dashboard import (
    audit_log,
    auth,
    broadcasts,
    certificates,
    directory,
    gap_decisions,
    gaps,
    overview,
    reports,
    satisfaction,
    tickets,
    volunteers,
)
from dashboard.common import ACTIVE_KEY, APP_KEY, form_page
from dashboard.kept import Kept
from handlers.kit.context import PufaApplication

STATIC = Path(__file__).resolve().parent / "static"
FRESH = timedelta(seconds=60)  # how long the overview's and the gaps' figures are kept


def mount(server: web.Application, app: PufaApplication, active: Callable[[], bool]) -> None:
    """Adds the dashboard's routes to the bot's web app; `active` says whether this process
    is the active instance (a standby's dashboard refuses every page)."""
    board = web.Application(middlewares=[auth.guard])
    board[APP_KEY] = app
    board[ACTIVE_KEY] = active
    board[overview.KEPT_KEY] = Kept(FRESH)
    board[gaps.KEPT_KEY] = Kept(FRESH)
    board[gaps.DECIDING_KEY] = asyncio.Lock()
    board[directory.IMPORTING_KEY] = asyncio.Lock()
    board.on_cleanup.append(_stop_computing)
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
    board.router.add_get("/satisfaction", satisfaction.satisfaction_page)
    board.router.add_get("/reports", reports.reports_page)
    board.router.add_get("/reports/export", reports.export)
    board.router.add_post("/reports/verify", reports.verify_all)
    # forms' addresses that a page's would otherwise take, opened as pages: the form's page
    for form in (
        "/reports/verify",
        "/volunteers/invite",
        "/broadcasts/preview",
        "/broadcasts/create",
    ):
        board.router.add_get(form, form_page)
    board.router.add_get("/reports/{report_id}", reports.report_page)
    board.router.add_get("/reports/{report_id}/photo/{n}", reports.photo)
    board.router.add_post("/reports/{report_id}/review", reports.review_report)
    board.router.add_get("/volunteers", volunteers.volunteers_page)
    board.router.add_post("/volunteers/invite", volunteers.invite)
    board.router.add_get("/volunteers/roles", volunteers.roles_page)
    board.router.add_post("/volunteers/roles", volunteers.change)
    board.router.add_get("/volunteers/{volunteer_id}", volunteers.volunteer_page)
    board.router.add_get("/broadcasts", broadcasts.broadcasts_page)
    board.router.add_get("/broadcasts/count", broadcasts.recipient_count)
    board.router.add_post("/broadcasts/preview", broadcasts.preview)
    board.router.add_post("/broadcasts/create", broadcasts.create)
    board.router.add_get("/broadcasts/{broadcast_id}", broadcasts.broadcast_page)
    board.router.add_get("/broadcasts/{broadcast_id}/progress", broadcasts.progress)
    board.router.add_post("/broadcasts/{broadcast_id}/cancel", broadcasts.cancel)
    board.router.add_post("/broadcasts/{broadcast_id}/mute", broadcasts.mute)
    board.router.add_get("/gaps", gaps.gaps_page)
    board.router.add_post("/gaps", gaps.decide)
    board.router.add_get("/gaps/decided", gap_decisions.decisions_page)
    board.router.add_post("/gaps/undo", gap_decisions.undo)
    board.router.add_get("/tickets", tickets.tickets_page)
    board.router.add_get("/directory", directory.directory_page)
    board.router.add_post("/directory", directory.import_csv)
    board.router.add_get("/verify", certificates.verify_page)
    board.router.add_get("/audit", audit_log.audit_page)
    board.router.add_static("/static/", STATIC)
    server.router.add_get("/dashboard", _to_dashboard)
    server.add_subapp("/dashboard", board)


async def _to_dashboard(_request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound("/dashboard/")


async def _stop_computing(board: web.Application) -> None:
    await board[overview.KEPT_KEY].close()
    await board[gaps.KEPT_KEY].close()
