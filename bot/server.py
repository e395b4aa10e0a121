"""The bot's own web app, served on PUFA_WEB_HOST:PUFA_WEB_PORT in both `pufa run` and
`pufa webhook`: `/healthz`, and in webhook mode the route Telegram posts updates to. Other
web features (metrics, the coordinators' dashboard) add their routes to this one app."""

import json
import logging
import secrets
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from telegram import Update

import dashboard
from handlers.kit.context import PufaApplication

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1 << 20  # Telegram's updates are far smaller; anything bigger is refused (413)
APP_KEY = web.AppKey("pufa_application", PufaApplication)


@dataclass(frozen=True)
class WebhookRoute:
    path: str
    secret: str


def build_web_app(app: PufaApplication, webhook: WebhookRoute | None = None) -> web.Application:
    server = web.Application(client_max_size=MAX_BODY)
    server[APP_KEY] = app
    server.router.add_get("/healthz", _health)
    dashboard.mount(server, app)
    if webhook is not None:
        server.router.add_post(webhook.path, _webhook_receiver(app, webhook.secret))
    return server


async def _health(_request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


def _webhook_receiver(app: PufaApplication, secret: str) -> Any:
    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not secrets.compare_digest(given.encode(), secret.encode()):
            log.warning("webhook request without the right secret refused")
            return web.Response(status=403)
        update = parse_update(await request.read(), app)
        if update is None:
            log.warning("malformed webhook body refused")
            return web.Response(status=400)
        await app.update_queue.put(update)
        return web.Response()

    return receive


def parse_update(body: bytes, app: PufaApplication) -> Update | None:
    """The update in a webhook body, or None for anything that is not one (not JSON, not an
    object, no integer update_id, nested too deep, fields of the wrong type)."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or type(data.get("update_id")) is not int:
        return None
    try:
        return Update.de_json(data, app.bot)
    except Exception:  # any field of the wrong shape makes the body malformed
        return None
