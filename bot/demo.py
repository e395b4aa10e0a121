"""`pufa demo`: the real bot against a local Bot API server, with a web chat to talk to it.

Each start fills a fresh database (a temporary SQLite file, unless PUFA_DATABASE_URL names
another one) with clearly fake sample data, and the page lets a newcomer be a resident, the
sample volunteer or a coordinator (DEMO_COORDINATOR is added to PUFA_ADMIN_IDS, and staffs
every sample desk, so a resident's 留言 can be answered, moved, ended and rated). The bot's
own web app (the coordinators' dashboard) listens on the port after the chat's, and content
edits made there go to a copy of the content in the demo's temporary folder. There is no
Telegram: the bot's start links (an invite, an event's poster, a card shared) open the web
chat with that /start, as its dashboard links open the dashboard on this machine."""

import json
import logging
import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import datetime
from importlib.resources import files
from pathlib import Path

from aiohttp import web

from bot.app import build_application
from bot.cli_text import cli_text
from bot.runners import claiming, listening_socket, poll_until, serving, stop_event
from bot.server import build_web_app
from bot.settings import Settings, local_address
from content.index_cache import cached_content
from content.loader import CONTENT_DIR, Library
from content.search import SearchIndex
from domain.sample_data import fill_sample_data
from handlers.kit.context import PufaApplication
from local_api import LocalBotApi
from storage.db import Database
from storage.models import Clock, utcnow

log = logging.getLogger(__name__)

DEFAULT_DATABASE = Settings.model_fields["database_url"].default
# The demo's people, one per role; the page switches between them.
DEMO_RESIDENT, DEMO_VOLUNTEER, DEMO_COORDINATOR = 10001, 10002, 10003
ROLES = (
    {"role": "resident", "label": "居民", "user_id": DEMO_RESIDENT, "name": "演示居民"},
    {"role": "volunteer", "label": "志愿者", "user_id": DEMO_VOLUNTEER, "name": "示例志愿者·王"},
    {"role": "coordinator", "label": "协调员", "user_id": DEMO_COORDINATOR, "name": "演示协调员"},
)


def demo_settings(settings: Settings, api: LocalBotApi, workdir: Path) -> Settings:
    """The settings the demo bot runs with: the local API, a fresh database of its own
    (unless one was configured), the demo coordinator among the admins, the web app on the
    next port, and a copy of the content the dashboard may edit (unless one was configured)."""
    url = settings.database_url
    if url == DEFAULT_DATABASE:
        url = f"sqlite+aiosqlite:///{workdir / 'demo.db'}"
    content_dir = settings.content_dir
    if content_dir is None:
        content_dir = workdir / "content"
        shutil.copytree(CONTENT_DIR, content_dir, ignore=shutil.ignore_patterns("__pycache__"))
    demo = settings.model_copy(
        update={
            "api_base_url": f"{chat_address(settings, api)}/bot",
            "database_url": url,
            "admin_ids": settings.admin_ids | {DEMO_COORDINATOR},
            "content_dir": content_dir,
            "web_port": api.port + 1,
        }
    )
    # Its links (printed, and /dashboard's) are for a browser on this machine.
    return demo.model_copy(update={"public_url": demo.public_base(on_this_machine=True)})


def staffed_desks(library: Library) -> Library:
    """The demo's desks: each sample desk, whose invented staff nobody is (the bot never sends
    to one), is staffed by the demo coordinator in their private chat instead, so the whole
    留言 round trip can be tried; its name still says it is a sample. Only the demo's own
    content is changed (at the start and after every reload, `Services.adjust_content`): the
    shipped desks.yaml, and a deployment's, stay as they are."""
    desks = [
        desk.model_copy(
            update={"staff": [DEMO_COORDINATOR], "staff_chat_id": None, "sample": False}
        )
        if desk.sample
        else desk
        for desk in library.desks
    ]
    return replace(library, desks=desks)


def chat_address(settings: Settings, api: LocalBotApi) -> str:
    """The web chat's address for a browser on this machine (also the bot's to the API)."""
    return local_address(settings.web_host, api.port)


async def prepare_demo(
    settings: Settings, *, now: datetime, content: tuple[Library, SearchIndex] | None = None
) -> tuple[Library, SearchIndex]:
    """Migrates the demo database and fills it with the sample data (once: a database that
    already has it is left alone); the content and search index for the bot: `content`, else
    read from the cache as `pufa run` does (each demo's fresh copy of the same content shares
    one cached index, so only the first demo builds it)."""
    library, index = content or cached_content(settings.content_dir, settings.cache_path)
    db = Database(settings.database_url)
    try:
        await db.upgrade()
        filled = await fill_sample_data(
            db,
            library,
            index,
            now=now,
            tz=settings.tz,
            volunteer_id=DEMO_VOLUNTEER,
            coordinator_id=DEMO_COORDINATOR,
        )
    finally:
        await db.dispose()
    log.info("demo sample data: %s", filled)
    return library, index


def chat_page() -> str:
    page = files("bot.web").joinpath("chat.html").read_text(encoding="utf-8")
    texts = {"not_utf8": cli_text("demo_page.not_utf8")}  # bot/cli.zh.yaml's demo_page
    page = page.replace("/*TEXTS*/{}", json.dumps(texts, ensure_ascii=False))
    return page.replace("/*ROLES*/[]", json.dumps(ROLES, ensure_ascii=False))


@asynccontextmanager
async def demo_bot(
    settings: Settings,
    port: int,
    *,
    clock: Clock = utcnow,
    content: tuple[Library, SearchIndex] | None = None,
) -> AsyncIterator[tuple[LocalBotApi, PufaApplication]]:
    """The local Bot API serving the web chat, and the bot (not yet polling) on a freshly
    filled demo database, with `content` (the library and its index) if given; everything
    is cleaned up on exit."""
    api = LocalBotApi(host=settings.web_host, port=port)
    page = chat_page()

    async def serve_page(_request: web.Request) -> web.Response:
        return web.Response(text=page, content_type="text/html")

    api.app.router.add_get("/", serve_page)
    with claiming(settings.web_host, port):
        await api.start()  # first: a port of 0 becomes a real one, which the bot must know
    try:
        with tempfile.TemporaryDirectory(prefix="pufa-demo-") as workdir:
            demo = demo_settings(settings, api, Path(workdir))
            library, index = await prepare_demo(demo, now=clock(), content=content)
            app = build_application(
                demo,
                api.token,
                library=library,
                index=index,
                clock=clock,
                chat_url=chat_address(settings, api),
                adjust_content=staffed_desks,
            )
            try:
                yield api, app
            finally:
                await app.services.db.dispose()
    finally:
        await api.stop()


async def run_demo(settings: Settings, port: int) -> None:
    async with demo_bot(settings, port) as (api, app):
        with listening_socket(settings.web_host, api.port + 1) as sock:
            _welcome(chat_address(settings, api), app)
            async with serving(build_web_app(app), sock):
                await poll_until(app, stop_event())


def _welcome(chat: str, app: PufaApplication) -> None:
    print(f"\n  {cli_text('demo.started', url=chat)}", flush=True)
    print(f"  {cli_text('demo.roles')}", flush=True)
    print(f"  {cli_text('demo.dashboard', url=app.services.dashboard.public_url)}", flush=True)
    print(f"  {cli_text('demo.stop')}\n", flush=True)
