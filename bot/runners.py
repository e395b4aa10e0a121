"""Long-running modes: polling and webhook (aiohttp), both stopped cleanly by SIGINT/SIGTERM."""

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update

from bot.app import build_application, on_startup
from bot.server import WebhookRoute, build_web_app
from bot.settings import Settings
from handlers.kit.context import PufaApplication

log = logging.getLogger(__name__)


def stop_event() -> asyncio.Event:
    """An event set by SIGINT or SIGTERM."""
    event = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, event.set)
    return event


@contextlib.asynccontextmanager
async def serving(server: web.Application, settings: Settings) -> AsyncIterator[None]:
    """Serve the bot's web app on PUFA_WEB_HOST:PUFA_WEB_PORT while the block runs."""
    runner = web.AppRunner(server)
    await runner.setup()
    try:
        await web.TCPSite(runner, settings.web_host, settings.web_port).start()
        log.info("web app listening on %s:%s", settings.web_host, settings.web_port)
        yield
    finally:
        await runner.cleanup()


async def poll_until(app: PufaApplication, stop: asyncio.Event) -> None:
    async with app:
        await on_startup(app)
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(allowed_updates=Update.ALL_TYPES)
        log.info("polling as @%s", app.bot.username)
        await stop.wait()
        await app.updater.stop()
        await app.stop()


async def run_polling(settings: Settings, token: str) -> None:
    app = build_application(settings, token)
    async with serving(build_web_app(app), settings):
        await poll_until(app, stop_event())


async def run_webhook(settings: Settings, token: str) -> None:
    if not settings.webhook_url or not settings.webhook_secret:
        raise SystemExit("webhook 模式需要设置 PUFA_WEBHOOK_URL 和 PUFA_WEBHOOK_SECRET")
    route = WebhookRoute(
        path=urlsplit(settings.webhook_url).path or "/",
        secret=settings.webhook_secret.get_secret_value(),
    )
    app = build_application(settings, token)
    stop = stop_event()
    async with app:
        await on_startup(app)
        await app.start()
        await app.bot.set_webhook(
            settings.webhook_url, secret_token=route.secret, allowed_updates=Update.ALL_TYPES
        )
        async with serving(build_web_app(app, route), settings):
            log.info("webhook at %s", route.path)
            await stop.wait()
        await app.stop()
