"""The fake Telegram Bot API server: aiohttp on loopback, spoken to by the real PTB ``Bot``.

It serves ``/bot<token>/<method>`` and ``/file/bot<token>/<path>`` like api.telegram.org,
lets tests and the demo act as users (:class:`UserActions`, :class:`PollActions`), records
what the bot did (:class:`Observers`), and can fail on purpose: injected errors, blocked
users, deleted chats, outages, stalled requests and latency (:class:`FaultControls`) and,
when enabled, Telegram's flood limits (paid broadcasts included).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Iterable
from types import TracebackType
from typing import Any

from aiohttp import web

from local_api.decoding import read_params
from local_api.demo import add_demo_routes
from local_api.errors import BAD_GATEWAY, NOT_FOUND, UNAUTHORIZED, ApiError
from local_api.faults import ABANDONED, FaultControls, FaultPlan
from local_api.limits import Clock, FloodGate, FloodLimits
from local_api.methods_bot import METHODS as BOT_METHODS
from local_api.methods_chats import METHODS as CHAT_METHODS
from local_api.methods_media import METHODS as MEDIA_METHODS
from local_api.methods_messages import METHODS as MESSAGE_METHODS
from local_api.methods_polls import METHODS as POLL_METHODS
from local_api.observe import Observers
from local_api.poll_actions import PollActions
from local_api.polls import close_due
from local_api.records import ApiCall, SentMessage
from local_api.registry import Params
from local_api.state import BotState, InjectedFailure
from local_api.utf8 import wire_json
from local_api.webhook import WebhookPump

_log = logging.getLogger(__name__)
METHODS = BOT_METHODS.merge(CHAT_METHODS, MESSAGE_METHODS, MEDIA_METHODS, POLL_METHODS)
# Telegram takes documents up to 50 MB from bots; aiohttp's default body limit is 1 MB.
_MAX_UPLOAD = 50 * 1024 * 1024


class LocalBotApi(PollActions, Observers, FaultControls):
    """A Bot API server for one bot; use ``async with LocalBotApi() as api:``."""

    def __init__(
        self,
        *,
        token: str = "123456:LOCAL-TEST",
        bot_username: str = "pufa_demo_bot",
        bot_name: str = "普法助手",
        host: str = "127.0.0.1",
        port: int = 0,
        enforce_limits: bool = False,
        global_per_second: int = 30,
        private_per_second: int = 1,
        group_per_minute: int = 20,
        paid_per_second: int = 1000,
        clock: Clock = time.monotonic,
    ) -> None:
        self.token = token
        self.host = host
        self.port = port
        self.clock = clock
        bot_id = token.split(":", 1)[0]
        self.state = BotState(
            {
                "id": int(bot_id) if bot_id.isdigit() else 123456,
                "is_bot": True,
                "first_name": bot_name,
                "username": bot_username,
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": True,
                "can_connect_to_business": False,
                "has_main_web_app": False,
            },
            clock,
        )
        limits = FloodLimits(
            global_per_second, private_per_second, group_per_minute, paid_per_second
        )
        self.gate = FloodGate(limits, clock) if enforce_limits else None
        self.faults = FaultPlan(clock, METHODS.sending)
        self.app = web.Application(client_max_size=_MAX_UPLOAD)
        self.app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        self.app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        add_demo_routes(self.app, self)
        self._runner: web.AppRunner | None = None
        self._webhook = WebhookPump(self.state)
        self._queued: set[asyncio.Task[tuple[int, dict[str, Any]]]] = set()  # stall "queued"

    # lifecycle

    async def start(self) -> None:
        """Binds ``host:port`` (port 0 picks a free one, then :attr:`port` holds it).

        An instance serves once: start, stop, done.
        """
        if self._runner is not None or self.state.closed:
            raise RuntimeError("LocalBotApi serves once; create a new one")
        # A client that hangs up cancels its request's handler, so a stalled request whose
        # client gave up is never processed (see local_api.faults).
        self._runner = web.AppRunner(
            self.app, access_log=None, shutdown_timeout=2.0, handler_cancellation=True
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        await self._webhook.start()

    async def stop(self) -> None:
        """Ends long polls at once, then closes the server."""
        self.state.closed = True
        self.state.changed.fire()
        await self._webhook.stop()
        queued = list(self._queued)  # held still: the server goes before serving them
        for task in queued:
            task.cancel()
        await asyncio.gather(*queued, return_exceptions=True)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> LocalBotApi:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    # addresses and records

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """For PTB's ``base_url`` (PTB appends the token)."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    @property
    def bot_user(self) -> dict[str, Any]:
        return dict(self.state.bot_user)

    @property
    def calls(self) -> list[ApiCall]:
        return self.state.calls

    @property
    def sent(self) -> list[SentMessage]:
        """Journal of the bot's sends, edits and deletes, in order."""
        return self.state.sent

    @property
    def commands(self) -> dict[str, list[dict[str, Any]]]:
        """setMyCommands lists by scope/language: ``"default"``, ``"chat:-100/zh"``..."""
        return self.state.commands

    @property
    def callback_answers(self) -> dict[str, dict[str, Any]]:
        return self.state.callback_answers

    @property
    def inline_answers(self) -> dict[str, dict[str, Any]]:
        return self.state.inline_answers

    @property
    def is_polling(self) -> bool:
        """Whether a getUpdates request is pending right now (the bot is listening)."""
        return self.state.pending_polls > 0

    @property
    def flood_errors(self) -> int:
        return self.gate.errors if self.gate else 0

    @property
    def paid_sends(self) -> int:
        """Sends delivered with ``allow_paid_broadcast`` (each costs the bot Stars)."""
        return self.state.paid_sends

    # failure injection

    def fail_method(
        self,
        method: str,
        *,
        error_code: int = 400,
        description: str = "Bad Request: injected failure",
        times: int | None = None,
        retry_after: int | None = None,
        chat_ids: Iterable[int] | None = None,
    ) -> None:
        """Makes ``method`` fail ``times`` times (always when None) with this error; with
        ``chat_ids``, only its calls to those chats (others go through and count nothing)."""
        only = frozenset(chat_ids) if chat_ids is not None else None
        failure = InjectedFailure(error_code, description, times, retry_after, only)
        self.state.failures[method.lower()] = failure

    def clear_failures(self) -> None:
        """Ends :meth:`fail_method` failures and :meth:`fail_for` windows."""
        self.state.failures.clear()
        self.faults.clear_outages()

    def block(self, chat_id: int, *, notify: bool = False) -> None:
        """The user blocks the bot (or a group removes it): writes there answer 403.

        ``notify`` also queues the my_chat_member update Telegram sends (private chats only).
        """
        self.state.blocked.add(chat_id)
        if notify:
            self.my_chat_member(self._private(chat_id), "kicked")

    def unblock(self, chat_id: int, *, notify: bool = False) -> None:
        self.state.blocked.discard(chat_id)
        if notify:
            self.my_chat_member(self._private(chat_id), "member", old_status="kicked")

    @staticmethod
    def _private(chat_id: int) -> int:
        if chat_id <= 0:
            raise ValueError("my_chat_member notifications are simulated for private chats only")
        return chat_id

    def delete_chat(self, chat_id: int) -> None:
        """The chat is gone (user deleted, group removed): 400 "chat not found"."""
        self.state.deleted.add(chat_id)

    def set_chat_admins(self, chat_id: int, user_ids: list[int]) -> None:
        """Administrators for getChatMember / getChatAdministrators."""
        self.state.admins[chat_id] = list(user_ids)

    # HTTP

    async def _handle_method(self, request: web.Request) -> web.Response:
        if not self._token_ok(request):
            return _json(UNAUTHORIZED.payload(), 401)
        method = request.match_info["method"]
        params: dict[str, Any] = {}
        stall = None
        try:
            params = await read_params(request)
            chat_id = params.get("chat_id")
            stall = self.faults.take_stall(
                method, lambda chats: self.state.aimed_at(chats, chat_id)
            )
            await self.faults.delay(method)
            if stall is not None and stall.when == "before":
                await self._hold_before(method, params, stall.seconds)
            if stall is not None and stall.when == "queued":
                status, body = await self._served_later(method, params, stall.seconds)
                return _json(body, status)
            result = await self._call(method, Params(params))
            status, body = 200, {"ok": True, "result": result}
        except ApiError as error:
            # An error for a client that has gone (a long poll its process gave up, then
            # ended by its own next getUpdates) reached nobody: recorded as abandoned.
            gone = request.transport is None or request.transport.is_closing()
            error = ABANDONED if gone else error
            status, body = error.error_code, error.payload()
        except Exception as exc:  # a bug in the fake must reach the test, not hang it
            _log.exception("local Bot API failed on %s", method)
            status = 500
            body = {"ok": False, "error_code": 500, "description": f"Internal Error: {exc!r}"}
        self._record(method, params, status, body)
        if stall is not None and stall.when == "after":
            await self._hold(stall.seconds)
        return _json(body, status)

    async def _hold_before(self, method: str, params: dict[str, Any], seconds: float) -> None:
        """Holds a request on its way in; one whose client hangs up meanwhile is dropped."""
        try:
            await self._hold(seconds)
        except asyncio.CancelledError:
            self._record(method, params, ABANDONED.error_code, ABANDONED.payload())
            raise

    async def _served_later(
        self, method: str, params: dict[str, Any], seconds: float
    ) -> tuple[int, dict[str, Any]]:
        """Holds a request Telegram has, then processes and journals it whether or not its
        client still waits for the answer (its handler, cancelled when the client hangs
        up, only stops waiting)."""

        async def serve() -> tuple[int, dict[str, Any]]:
            await self._hold(seconds)
            try:
                result = await self._call(method, Params(params))
                status, body = 200, {"ok": True, "result": result}
            except ApiError as error:
                status, body = error.error_code, error.payload()
            self._record(method, params, status, body)
            return status, body

        task = asyncio.create_task(serve())
        self._queued.add(task)
        task.add_done_callback(self._queued.discard)
        return await asyncio.shield(task)

    async def _hold(self, seconds: float) -> None:
        self.faults.held += 1
        self.state.changed.fire()
        try:
            await self.faults.released.wait(seconds)
        finally:
            self.faults.held -= 1
            self.state.changed.fire()

    def _record(
        self, method: str, params: dict[str, Any], status: int, body: dict[str, Any]
    ) -> None:
        call = ApiCall(len(self.state.calls), method, params, self.clock(), status, body)
        self.state.calls.append(call)
        self.state.changed.fire()

    def _token_ok(self, request: web.Request) -> bool:
        given = request.match_info["token"].encode()
        return secrets.compare_digest(given, self.token.encode())

    async def _call(self, method: str, params: Params) -> Any:
        if self.state.down:
            raise BAD_GATEWAY
        outage = self.faults.outage(method)
        if outage is not None:
            raise outage
        impl = METHODS.lookup(method)
        if impl is None:
            raise NOT_FOUND
        close_due(self.state)
        failure = self.state.take_failure(method, params.get("chat_id"))
        if failure is not None:
            raise failure
        sending = method.lower() in METHODS.sending
        paid = sending and params.flag("allow_paid_broadcast")
        if self.gate is not None and sending:
            self.gate.acquire(self.state.chat_id_of(params.get("chat_id")), paid=paid)
        result = await impl(self.state, params)
        if paid:
            self.state.paid_sends += 1
        return result

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if not self._token_ok(request):
            return _json(UNAUTHORIZED.payload(), 401)
        stored = self.state.file_by_path(request.match_info["path"])
        if stored is None:
            return _json(NOT_FOUND.payload(), 404)
        content_type = stored.mime_type or "application/octet-stream"
        return web.Response(body=stored.data, content_type=content_type)


def _json(body: dict[str, Any], status: int) -> web.Response:
    return web.Response(body=wire_json(body), status=status, content_type="application/json")
