"""Long-running modes: polling and webhook (aiohttp), both stopped cleanly by SIGINT/SIGTERM."""

import asyncio
import logging
import secrets
import signal
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update

from bot.app import build_application, on_startup
from bot.settings import Settings
from handlers.kit.context import PufaApplication

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def stop_event() -> asyncio.Event:
    """An event set by SIGINT or SIGTERM."""
    event = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, event.set)
    return event


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
    await poll_until(app, stop_event())


def webhook_app(app: PufaApplication, secret: str, path: str) -> web.Application:
    """aiohttp app that checks Telegram's secret header and queues each update."""

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not secrets.compare_digest(given.encode(), secret.encode()):
            return web.Response(status=403)
        try:
            update = Update.de_json(await request.json(), app.bot)
        except (ValueError, TypeError, KeyError):
            return web.Response(status=400)
        await app.update_queue.put(update)
        return web.Response()

    async def health(_request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    server = web.Application(client_max_size=1 << 20)
    server.router.add_post(path, receive)
    server.router.add_get("/healthz", health)
    return server


async def run_webhook(settings: Settings, token: str) -> None:
    if not settings.webhook_url or not settings.webhook_secret:
        raise SystemExit("webhook 模式需要设置 PUFA_WEBHOOK_URL 和 PUFA_WEBHOOK_SECRET")
    secret = settings.webhook_secret.get_secret_value()
    path = urlsplit(settings.webhook_url).path or "/"
    app = build_application(settings, token)
    stop = stop_event()
    async with app:
        await on_startup(app)
        await app.start()
        await app.bot.set_webhook(
            settings.webhook_url, secret_token=secret, allowed_updates=Update.ALL_TYPES
        )
        runner = web.AppRunner(webhook_app(app, secret, path))
        await runner.setup()
        await web.TCPSite(runner, settings.web_host, settings.web_port).start()
        log.info("webhook listening on %s:%s%s", settings.web_host, settings.web_port, path)
        await stop.wait()
        await runner.cleanup()
        await app.stop()
