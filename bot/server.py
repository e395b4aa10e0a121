"""The bot's own web app, served on PUFA_WEB_HOST:PUFA_WEB_PORT in both `pufa run` and
`pufa webhook`: `/healthz`, `/metrics`, and in webhook mode the route Telegram posts updates
to. Other web features (the coordinators' dashboard) add their routes to this one app."""

import logging
import secrets
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from telegram import Update

import dashboard
from bot.instance import Instance, InstanceRole
from bot.metrics import CONTENT_TYPE, Metrics
from bot.telegram_http import load_json
from handlers.kit.context import PufaApplication

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1 << 20  # Telegram's updates are far smaller; anything bigger is refused (413)
APP_KEY = web.AppKey("pufa_application", PufaApplication)
INSTANCE_KEY = web.AppKey("pufa_instance", Instance)


PROBES = frozenset({"/healthz", "/metrics"})  # asked every few seconds by balancers, scrapers


class AccessLog(AbstractAccessLogger):
    """A line a request, without its query string: the dashboard's login link carries a
    one-time token there, which must not reach the logs. A probe answered as designed (200,
    or a standby's 503) is logged at DEBUG only: with a health check every second the log
    would be mostly probes; a refused or failing one (401, 500) is still logged."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        routine = request.path in PROBES and response.status in (200, 503)  # 503: a standby
        self.logger.log(
            logging.DEBUG if routine else logging.INFO,
            "%s %s %s %.0f ms",
            request.method,
            request.path,
            response.status,
            time * 1000,
        )


def web_runner(server: web.Application) -> web.AppRunner:
    return web.AppRunner(server, access_log_class=AccessLog)


@dataclass(frozen=True)
class WebhookRoute:
    path: str
    secret: str


def build_web_app(
    app: PufaApplication,
    webhook: WebhookRoute | None = None,
    *,
    instance: Instance | None = None,
    metrics_token: str | None = None,
) -> web.Application:
    """The web app; `instance` says whether this process is active (without one, as in
    the demo and in tests of a single in-process bot, it is)."""
    instance = instance or Instance(InstanceRole.ACTIVE)
    metrics = _watching(app, instance)
    server = web.Application(client_max_size=MAX_BODY)
    server[APP_KEY] = app
    server[INSTANCE_KEY] = instance
    server.router.add_get("/healthz", _health)
    server.router.add_get("/metrics", _metrics_page(app, instance, metrics, metrics_token))
    dashboard.mount(server, app, lambda: instance.active)
    if webhook is not None:
        server.router.add_post(webhook.path, _webhook_receiver(app, instance, webhook.secret))
    return server


def _watching(app: PufaApplication, instance: Instance) -> Metrics:
    """The metrics of the updates the bot handles; each is the instance's last update too."""
    metrics = Metrics()
    app.update_observers += [metrics.observe, lambda *_: instance.handled(app.services.now())]
    return metrics


async def _health(request: web.Request) -> web.Response:
    """200 only on the active instance with its database and scheduler working (a load
    balancer sends webhooks to it alone); 503 otherwise, with the same JSON saying why."""
    app, instance = request.app[APP_KEY], request.app[INSTANCE_KEY]
    database = await app.services.db.ping()
    scheduler = app.services.broadcasting.running
    healthy = instance.active and database and scheduler
    last = instance.last_update_at
    body = {
        "ok": healthy,
        "role": instance.role.value,
        "database": database,
        "scheduler": scheduler,
        "last_update_at": last.isoformat() if last else None,
    }
    return web.json_response(body, status=200 if healthy else 503)


def _metrics_page(
    app: PufaApplication, instance: Instance, metrics: Metrics, token: str | None
) -> Any:
    wanted = f"Bearer {token}".encode() if token else None

    async def page(request: web.Request) -> web.Response:
        given = request.headers.get("Authorization", "").encode()
        if wanted is not None and not secrets.compare_digest(given, wanted):
            return web.Response(status=401, headers={"WWW-Authenticate": "Bearer"})
        body = await metrics.render(app, instance)
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})

    return page


def _webhook_receiver(app: PufaApplication, instance: Instance, secret: str) -> Any:
    async def receive(request: web.Request) -> web.Response:
        if not instance.active:  # a standby, or stopping: Telegram retries (the active one)
            return web.Response(status=503)
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
        body.decode("utf-8")  # bytes that are not UTF-8: refused
        data = load_json(body)  # a lone surrogate escaped in JSON: U+FFFD
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or type(data.get("update_id")) is not int:
        return None
    try:
        return Update.de_json(data, app.bot)
    except Exception:  # any field of the wrong shape makes the body malformed
        return None
