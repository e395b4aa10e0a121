"""The Telegram edge of the scheduler: one message out, its outcome classified; and the rate
limiter every other request of the bot goes through, so replies and broadcasts share one
budget.
"""

import asyncio
import contextlib
import contextvars
import logging
from collections.abc import Callable, Coroutine, Iterator
from datetime import timedelta
from typing import Any

import aiohttp
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaAudio,
    InputMediaDocument,
    InputMediaPhoto,
    InputMediaVideo,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import BaseRateLimiter, ExtBot

from scheduler.messages import (
    AlbumItem,
    Blocked,
    Failed,
    Moved,
    Outcome,
    Outgoing,
    Retry,
    RetryLater,
    Sent,
    Uncertain,
)
from scheduler.ratelimit import Pacer

log = logging.getLogger(__name__)

# Methods that put a message into a chat: what Telegram's flood limits count.
SENDING = frozenset(
    name.lower()
    for name in (
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendAudio",
        "sendVideo",
        "sendVoice",
        "sendVideoNote",
        "sendAnimation",
        "sendSticker",
        "sendLocation",
        "sendVenue",
        "sendContact",
        "sendPoll",
        "sendDice",
        "sendMediaGroup",
        "copyMessage",
        "copyMessages",
        "forwardMessage",
        "forwardMessages",
    )
)
# Errors meaning the chat is unreachable for good (the bot was removed, the chat deleted).
_GONE = ("chat not found", "peer_id_invalid", "user is deactivated", "group chat was deactivated")
# The bot's HTTP client's errors raised before the request could reach Telegram (no
# connection, or none in time): safe to send again (`bot.telegram_http` chains them).
_NOT_SENT = (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError)
# Telegram's free overall limit; a broadcast faster than this must pay for each message.
FREE_SENDS_PER_SECOND = 30
_INPUT_MEDIA = {
    "photo": InputMediaPhoto,
    "video": InputMediaVideo,
    "document": InputMediaDocument,
    "audio": InputMediaAudio,
}
_paced = contextvars.ContextVar("pufa_paced", default=False)
_unprompted = contextvars.ContextVar("pufa_unprompted", default=False)


@contextlib.contextmanager
def unprompted() -> Iterator[None]:
    """Messages the bot sends on its own (progress, summaries) wait for their chat's limit,
    which replies to a user in a private chat do not."""
    token = _unprompted.set(True)
    try:
        yield
    finally:
        _unprompted.reset(token)


def retry_seconds(error: RetryAfter) -> float:
    value = error.retry_after  # a timedelta with PTB_TIMEDELTA=true (set by bot.app)
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def classify(error: TelegramError) -> Outcome:
    """What a failed send means for this recipient."""
    text = error.message
    if isinstance(error, RetryAfter):
        return RetryLater(retry_seconds(error))
    if isinstance(error, Forbidden):
        return Blocked(text)
    if isinstance(error, ChatMigrated):
        return Moved(int(error.new_chat_id))
    if isinstance(error, BadRequest):
        gone = any(marker in text.lower() for marker in _GONE)
        return Blocked(text) if gone else Failed(text)
    if isinstance(error, TimedOut | NetworkError):
        if _not_taken(error):  # an HTTP error status, or no connection
            return Retry(text or type(error).__name__)
        return Uncertain(f"{type(error.__cause__).__name__}: {text}")
    return Failed(text or type(error).__name__)


def keyboard(message: Outgoing) -> InlineKeyboardMarkup | None:
    if not message.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.text, callback_data=b.callback_data) for b in row]
            for row in message.buttons
        ]
    )


class TelegramSender:
    """Sends one prepared message. `paced`: the caller (the engine) has taken the rate-limit
    slots already; otherwise the request waits in the shared limiter like any other.
    `timeout`: how long to wait for Telegram's answer. Generous, since a request that times
    out after it was sent can never be sent again (it may have arrived): a slow answer is
    better than an uncertain one. `rate`: the broadcast's messages per second; above
    Telegram's free 30/s each message carries `allow_paid_broadcast` (0.1 Star each), which
    lifts the overall limit to 1000/s."""

    def __init__(
        self,
        bot: ExtBot[None],
        *,
        paced: bool = True,
        timeout: float = 30.0,
        rate: float = FREE_SENDS_PER_SECOND,
    ) -> None:
        self.bot = bot
        self.paced = paced
        self.timeout = timeout
        self.paid = True if rate > FREE_SENDS_PER_SECOND else None

    async def send(self, chat_id: int, message: Outgoing) -> Outcome:
        token = _paced.set(self.paced)
        try:
            return Sent(await self._send(chat_id, message))
        except TelegramError as error:
            return classify(error)
        finally:
            _paced.reset(token)

    async def _send(self, chat_id: int, message: Outgoing) -> int:
        """The message's id (an album's: its first item's). `message.then` is the caller's."""
        if message.album:
            album = await self.bot.send_media_group(
                chat_id,
                [_input_media(item) for item in message.album],
                allow_paid_broadcast=self.paid,
                read_timeout=self.timeout,
                write_timeout=self.timeout,
            )
            return album[0].message_id
        if message.copy_from is not None:
            from_chat, message_id = message.copy_from
            copied = await self.bot.copy_message(
                chat_id,
                from_chat,
                message_id,
                reply_markup=keyboard(message),
                allow_paid_broadcast=self.paid,
                read_timeout=self.timeout,
                write_timeout=self.timeout,
            )
            return copied.message_id
        sent = await self.bot.send_message(
            chat_id,
            message.text,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard(message),
            disable_web_page_preview=True,
            allow_paid_broadcast=self.paid,
            read_timeout=self.timeout,
            write_timeout=self.timeout,
        )
        return sent.message_id


def _input_media(
    item: AlbumItem,
) -> InputMediaPhoto | InputMediaVideo | InputMediaDocument | InputMediaAudio:
    media = _INPUT_MEDIA[item.kind]
    return media(item.file_id, caption=item.caption or None, parse_mode=ParseMode.HTML)


def _not_taken(error: TelegramError) -> bool:
    """Telegram certainly did not act on the request (a server error status, or no
    connection): safe to send it again. A timeout after sending is not: it may have arrived."""
    if isinstance(error, BadRequest | Forbidden | RetryAfter | ChatMigrated):
        return False
    if isinstance(error, TimedOut | NetworkError):
        return error.__cause__ is None or isinstance(error.__cause__, _NOT_SENT)
    return False


class SharedRateLimiter(BaseRateLimiter[None]):
    """PTB's hook for every request: sends wait for the shared global budget (and for their
    group's); replies in a private chat wait for its 1/s only when `pace_private_replies`
    (for a server that enforces it strictly) but always count against it, so a broadcast
    that follows a reply still waits. A 429 pauses everything and is retried twice. A reply
    Telegram did not take (a server error, no connection) is tried again after 0.5 s, 1 s and
    2 s; the delivery engine's sends (`paced`) are left to the engine, which pauses instead."""

    RETRY_DELAYS = (0.5, 1.0, 2.0)

    def __init__(self, pacer: Pacer, *, pace_private_replies: bool = False) -> None:
        self.pacer = pacer
        self.pace_private_replies = pace_private_replies

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        if _paced.get() or endpoint.lower() == "getupdates":
            return await callback(*args, **kwargs)
        for delay in self.RETRY_DELAYS:
            try:
                return await self._paced_call(callback, args, kwargs, endpoint, data)
            except TelegramError as error:
                if not _not_taken(error):
                    raise
                log.warning(
                    "%s not taken by Telegram (%s): again in %.1f s", endpoint, error, delay
                )
            await asyncio.sleep(delay)
        return await self._paced_call(callback, args, kwargs, endpoint, data)

    async def _paced_call(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """One call; a send first waits for its rate-limit slots (a 429 pauses and retries)."""
        chat_id = data.get("chat_id")
        if endpoint.lower() not in SENDING or not isinstance(chat_id, int):
            return await callback(*args, **kwargs)
        for attempt in range(3):
            wait_for_chat = chat_id < 0 or self.pace_private_replies or _unprompted.get()
            ticket = await self.pacer.acquire(chat_id, wait_for_chat=wait_for_chat)
            assert ticket is not None
            counted = True
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                counted = False
                self.pacer.pause(retry_seconds(error))
                if attempt == 2:
                    raise
            finally:
                self.pacer.finish(ticket, counted=counted)
        raise AssertionError("unreachable")
