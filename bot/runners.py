"""Long-running modes: polling and webhook (aiohttp), both stopped cleanly by SIGINT/SIGTERM.

Both serve the web app from the start and act only while holding the bot's instance lock
(see bot.instance): a second process of the same bot stands by until the first one is gone.
"""

import asyncio
import contextlib
import errno
import logging
import signal
import socket
from collections.abc import AsyncIterator, Iterator
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update

from bot.app import build_application, on_startup
from bot.cli_text import cli_text
from bot.go_live import warn_about_sample_data
from bot.instance import (
    Instance,
    InstanceRole,
    LostLock,
    bot_id,
    hold_until_stopped,
    wait_for_lock,
)
from bot.polling import PollingErrors
from bot.server import WebhookRoute, build_web_app, web_runner
from bot.settings import ConfigurationError, Settings
from handlers.kit.context import PufaApplication
from storage.locks import InstanceLock, instance_lock

log = logging.getLogger(__name__)


def stop_event() -> asyncio.Event:
    """An event set by SIGINT or SIGTERM."""
    event = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, event.set)
    return event


class PortInUse(Exception):
    """Another program listens on the port this one was to take."""

    def __init__(self, host: str, port: int) -> None:
        super().__init__(f"{host}:{port} is in use")
        self.host, self.port = host, port


@contextlib.contextmanager
def claiming(host: str, port: int) -> Iterator[None]:
    """A block that binds host:port: PortInUse if the port is taken, ConfigurationError if
    the host is no address of this machine."""
    try:
        yield
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise PortInUse(host, port) from None
        if isinstance(error, socket.gaierror) or error.errno == errno.EADDRNOTAVAIL:
            raise ConfigurationError(cli_text("config.web_host", host=host)) from None
        raise


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket listening on host:port (its first address; "" is every IPv4 address), bound
    before the bot is built so that the bot knows its port: 0 becomes a free one."""
    with claiming(host, port):
        family = socket.AF_INET
        if host:
            family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        return socket.create_server((host, port), family=family, backlog=128)


@contextlib.asynccontextmanager
async def serving(server: web.Application, sock: socket.socket) -> AsyncIterator[None]:
    """Serve the bot's web app on a listening socket while the block runs."""
    runner = web_runner(server)
    await runner.setup()
    try:
        await web.SockSite(runner, sock).start()
        log.info("web app listening on %s:%s", *sock.getsockname()[:2])
        yield
    finally:
        await runner.cleanup()


@contextlib.asynccontextmanager
async def initialized(app: PufaApplication) -> AsyncIterator[None]:
    """`async with app`, also when initializing fails (Telegram out of reach): PTB's shutdown
    skips an application that did not finish initializing, leaving the bot's HTTP sessions
    open, so the bot is shut down here too (a second shutdown does nothing)."""
    try:
        async with app:
            yield
    finally:
        await app.bot.shutdown()


async def poll_until(app: PufaApplication, stop: asyncio.Event) -> None:
    """Poll with no instance lock (the demo: one process, its own local server)."""
    async with initialized(app):
        await on_startup(app)
        await app.start()
        assert app.updater is not None
        await start_polling(app)
        log.info("polling as @%s", app.bot.username)
        await stop.wait()
        await app.updater.stop()
        await app.stop()


async def start_polling(app: PufaApplication) -> None:
    """Poll for every kind of update; a network error while polling is a WARNING line."""
    assert app.updater is not None
    await app.updater.start_polling(
        allowed_updates=Update.ALL_TYPES, error_callback=PollingErrors(app.services.clock)
    )


async def run_polling(settings: Settings, token: str) -> None:
    await _serve(settings, token, None)


async def run_webhook(settings: Settings, token: str) -> None:
    if not settings.webhook_url or not settings.webhook_secret:
        raise ConfigurationError(cli_text("run.webhook_settings"))
    route = WebhookRoute(
        path=urlsplit(settings.webhook_url).path or "/",
        secret=settings.webhook_secret.get_secret_value(),
    )
    await _serve(settings, token, route)


async def _serve(settings: Settings, token: str, route: WebhookRoute | None) -> None:
    """Take the web port, stand by until this instance holds the lock, then act until
    stopped; LostLock if the lock goes meanwhile."""
    if settings.public_base() is None:
        log.warning(
            "PUFA_WEB_HOST %s listens on every address and PUFA_PUBLIC_URL is not set: "
            "/dashboard tells coordinators to ask for it instead of sending a login link",
            settings.web_host or '""',
        )
    with listening_socket(settings.web_host, settings.web_port) as sock:
        # The bot's links (the dashboard's login links) carry the port actually bound.
        bound = settings.model_copy(update={"web_port": sock.getsockname()[1]})
        await _serve_on(sock, bound, token, route)


async def _serve_on(
    sock: socket.socket, settings: Settings, token: str, route: WebhookRoute | None
) -> None:
    app = build_application(settings, token)
    instance = Instance()
    stop = stop_event()
    lock = instance_lock(settings.database_url, bot_id(token), schema=settings.database_schema)
    try:
        async with serving(
            build_web_app(
                app,
                route,
                instance=instance,
                metrics_token=settings.metrics_token.get_secret_value()
                if settings.metrics_token
                else None,
            ),
            sock,
        ):
            if await wait_for_lock(lock, instance, stop, settings.lock_check_seconds):
                await _act(app, instance, settings, route, lock, stop)
    finally:
        try:
            await lock.release()
        finally:  # also a standby's: its /healthz opened the database
            await app.services.db.dispose()


async def _act(
    app: PufaApplication,
    instance: Instance,
    settings: Settings,
    route: WebhookRoute | None,
    lock: InstanceLock,
    stop: asyncio.Event,
) -> None:
    """The active instance's life: start, take updates until stopped (or the lock is lost),
    then finish what is in flight: queued updates, the engine's sends."""
    async with initialized(app):
        await on_startup(app)
        await warn_about_sample_data(app.services)
        await app.start()
        try:
            if route is None:
                await start_polling(app)
                log.info("active: polling as @%s", app.bot.username)
            else:
                await _set_webhook(app, settings, route)
                log.info("active: webhook at %s", route.path)
            instance.role = InstanceRole.ACTIVE
            await hold_until_stopped(lock, stop, settings.lock_check_seconds)
        except LostLock:
            log.error("lost the instance lock: stopping at once (another instance may be active)")
            raise
        finally:
            instance.role = InstanceRole.STOPPING
            if app.updater is not None and app.updater.running:
                await app.updater.stop()
            await app.stop()
            log.info("stopped: queued updates handled, delivery engine stopped")


async def _set_webhook(app: PufaApplication, settings: Settings, route: WebhookRoute) -> None:
    assert settings.webhook_url is not None
    await app.bot.set_webhook(
        settings.webhook_url,
        secret_token=route.secret,
        allowed_updates=Update.ALL_TYPES,
        max_connections=settings.webhook_max_connections,
        drop_pending_updates=settings.webhook_drop_pending,
    )
