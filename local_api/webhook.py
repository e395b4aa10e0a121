"""Webhook delivery: while a webhook is set, the server POSTs each update to it as JSON.

As Telegram does, it sends updates in queue order with at most ``max_connections``
requests at once, adds ``X-Telegram-Bot-Api-Secret-Token`` when a secret was set, and keeps
an update until the webhook answers 2xx, retrying after a short backoff (Telegram's is
longer; tests want the retry soon) and reporting the failure in getWebhookInfo. A failing
update holds back the ones behind it beyond the window, so ``pending_update_count`` grows
as it does on Telegram.

The fake POSTs only to loopback addresses (127.0.0.0/8, ::1, localhost). Any other URL is
accepted by setWebhook, like Telegram would, but its updates stay pending and
``last_error_message`` says why.
"""

from __future__ import annotations

import asyncio
import ipaddress
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aiohttp
from yarl import URL

from local_api.polls import close_due, seconds_to_next_close

if TYPE_CHECKING:
    from local_api.state import BotState

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
NOT_LOOPBACK = "the local Bot API delivers webhooks to loopback addresses only"
_POST_TIMEOUT = aiohttp.ClientTimeout(total=60)
_IDLE = 60.0


@dataclass
class Webhook:
    """The webhook set with setWebhook, and how delivering to it went."""

    url: str
    secret_token: str | None = None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None

    def failed(self, message: str) -> None:
        self.last_error_date = int(time.time())
        self.last_error_message = message


def is_loopback(url: str) -> bool:
    host = URL(url).host or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class WebhookPump:
    """Background task of the server that delivers pending updates to the webhook."""

    def __init__(self, state: BotState, retry_seconds: float = 0.05) -> None:
        self.state = state
        self.retry_seconds = retry_seconds
        self._session: aiohttp.ClientSession | None = None
        self._task: asyncio.Task[None] | None = None
        self._flying: dict[int, asyncio.Task[None]] = {}  # update id -> its POST
        self._retry_at: dict[int, float] = {}  # update id -> loop time of the next try
        self._attempts: dict[int, int] = {}

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(timeout=_POST_TIMEOUT)
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        tasks = [*self._flying.values(), *([self._task] if self._task else [])]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()

    async def _run(self) -> None:
        state = self.state
        while not state.closed:
            hook = state.webhook
            wake: float | None = None
            if hook is not None and is_loopback(hook.url):
                close_due(state)
                wake = self._send_window(hook)
                next_close = seconds_to_next_close(state)
                if next_close is not None:
                    wake = next_close if wake is None else min(wake, next_close)
            await state.changed.wait(_IDLE if wake is None else wake)

    def _send_window(self, hook: Webhook) -> float | None:
        """Starts POSTs for the first ``max_connections`` pending updates that are due;
        returns seconds until the earliest retry, if one waits."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        waits = []
        for update in self.state.deliverable(hook.max_connections):
            update_id = update["update_id"]
            if update_id in self._flying:
                continue
            retry_at = self._retry_at.get(update_id, now)
            if retry_at > now:
                waits.append(retry_at - now)
                continue
            self._flying[update_id] = loop.create_task(self._post(hook, update))
        return min(waits) if waits else None

    async def _post(self, hook: Webhook, update: dict[str, Any]) -> None:
        assert self._session is not None
        update_id = update["update_id"]
        headers = {SECRET_HEADER: hook.secret_token} if hook.secret_token else {}
        error: str | None = None
        try:
            async with self._session.post(hook.url, json=update, headers=headers) as response:
                if not 200 <= response.status < 300:
                    error = f"Wrong response from the webhook: {response.status} {response.reason}"
        except (aiohttp.ClientError, TimeoutError) as exc:
            error = f"Connection failed: {exc.__class__.__name__}"
        finally:
            del self._flying[update_id]
        if error is None:
            self.state.updates = [u for u in self.state.updates if u["update_id"] != update_id]
            self._retry_at.pop(update_id, None)
            self._attempts.pop(update_id, None)
        else:
            hook.failed(error)
            attempts = self._attempts[update_id] = self._attempts.get(update_id, 0) + 1
            backoff = min(self.retry_seconds * 2 ** (attempts - 1), 1.0)
            self._retry_at[update_id] = asyncio.get_running_loop().time() + backoff
        self.state.changed.fire()
