"""Everything the fake Bot API remembers: chats, messages, files, the update queue, journals."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from local_api.errors import CHAT_NOT_FOUND, ApiError, bad_request, chat_migrated, forbidden
from local_api.polls import PollRecord
from local_api.records import (
    ApiCall,
    FakeChat,
    FakeUser,
    SentAction,
    SentMessage,
    StoredFile,
)
from local_api.utf8 import require_utf8
from local_api.webhook import Webhook

# What Telegram delivers when allowed_updates is not given (or empty).
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class Signal:
    """Wakes every waiter when something changed; waiters re-check their own condition."""

    def __init__(self) -> None:
        self._waiters: set[asyncio.Future[None]] = set()

    def fire(self) -> None:
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)
        self._waiters.clear()

    async def wait(self, seconds: float) -> None:
        """Returns on the next ``fire`` or after ``seconds``, whichever is first."""
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.add(waiter)
        try:
            await asyncio.wait_for(waiter, max(seconds, 0))
        except TimeoutError:
            pass
        finally:
            self._waiters.discard(waiter)


@dataclass
class InjectedFailure:
    error_code: int
    description: str
    remaining: int | None  # None: until cleared
    retry_after: int | None = None
    chat_ids: frozenset[int] | None = None  # only calls to these chats (None: any)


class BotState:
    """The server's memory. Methods and user actions change it; waiters watch ``changed``."""

    def __init__(
        self, bot_user: dict[str, Any], clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.bot_user = bot_user
        self.clock = clock  # the server's clock, for rules that run on time (timed polls)
        self.users: dict[int, FakeUser] = {}
        self.chats: dict[int, FakeChat] = {}
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.sent: list[SentMessage] = []
        self.calls: list[ApiCall] = []
        self.updates: list[dict[str, Any]] = []
        self.allowed_updates: list[str] | None = None
        self.webhook: Webhook | None = None
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.profile: dict[str, str] = {}
        self.files: dict[str, StoredFile] = {}
        self.polls: dict[str, PollRecord] = {}  # by poll id
        self.callback_answers: dict[str, dict[str, Any]] = {}
        self.inline_answers: dict[str, dict[str, Any]] = {}
        self.open_queries: set[str] = set()
        self.blocked: set[int] = set()
        self.migrated: dict[int, int] = {}  # group id -> the supergroup it became
        self.deleted: set[int] = set()
        self.admins: dict[int, list[int]] = {}
        self.pinned: dict[int, int] = {}  # chat id -> pinned message id
        self.failures: dict[str, InjectedFailure] = {}
        self.down = False  # LocalBotApi.go_down: every method answers 502
        self.paid_sends = 0  # sends admitted with allow_paid_broadcast
        # Journal / call positions at each chat's latest user action: the default "since"
        # of the waiting helpers, so a test waits for the reply to what it just did.
        self.action_marks: dict[int, int] = {}
        self.call_mark = 0
        self.changed = Signal()
        self.closed = False
        self.poll_generation = 0  # bumped by every getUpdates; an older poll then ends
        self.pending_polls = 0
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._update_ids = itertools.count(1)
        self._serial = itertools.count(1)

    # chats and users

    def remember_user(self, user: FakeUser) -> FakeUser:
        self.users[user.id] = user
        self.chats[user.id] = user.private_chat()
        return user

    def chat_id_of(self, value: Any) -> int:
        """A ``chat_id`` parameter: a number, a numeric string or ``@username``."""
        if isinstance(value, bool) or value is None or value == "":
            raise bad_request("chat_id is empty")
        if isinstance(value, int):
            return value
        if isinstance(value, str) and value.lstrip("-").isdigit():
            return int(value)
        if isinstance(value, str) and value.startswith("@"):
            for chat in self.chats.values():
                if chat.username and chat.username.lower() == value[1:].lower():
                    return chat.id
        raise bad_request(CHAT_NOT_FOUND)

    def chat(self, chat_id: int) -> FakeChat:
        """The chat, created on first use (private if positive, group if negative)."""
        if chat_id in self.deleted:
            raise bad_request(CHAT_NOT_FOUND)
        chat = self.chats.get(chat_id)
        if chat is None:
            if chat_id > 0:
                chat = FakeChat(chat_id, "private", first_name=f"用户{chat_id}")
            else:
                chat = FakeChat(chat_id, "supergroup", title=f"群组{-chat_id}")
            self.chats[chat_id] = chat
        return chat

    def writable_chat(self, chat_id: int) -> FakeChat:
        """The chat, or the 403 Telegram answers when the bot can no longer write there."""
        if chat_id in self.migrated:
            raise chat_migrated(self.migrated[chat_id])
        chat = self.chat(chat_id)
        if chat_id in self.blocked:
            if chat.type == "private":
                raise forbidden("bot was blocked by the user")
            raise forbidden(f"bot was kicked from the {chat.type} chat")
        return chat

    # messages

    def new_message(
        self,
        chat: FakeChat,
        sender: dict[str, Any],
        content: dict[str, Any],
        *,
        checked: bool = True,
    ) -> dict[str, Any]:
        """A message stored in ``chat``; its content must be text UTF-8 can carry unless
        ``checked`` is False (a forged message, see ``UserActions.forge``)."""
        if checked:
            require_utf8(content, "a message")
        ids = self._message_ids.setdefault(chat.id, itertools.count(1))
        message = {
            "message_id": next(ids),
            "from": sender,
            "chat": chat.to_dict(),
            "date": int(time.time()),
            **content,
        }
        self.messages[(chat.id, message["message_id"])] = message
        return message

    def message(self, chat_id: int, message_id: Any, missing: str) -> dict[str, Any]:
        if not isinstance(message_id, int) or isinstance(message_id, bool):
            raise bad_request("message identifier is not specified")
        found = self.messages.get((chat_id, message_id))
        if found is None:
            raise bad_request(missing)
        return found

    def bot_sender(self) -> dict[str, Any]:
        keys = ("id", "is_bot", "first_name", "username")
        return {key: self.bot_user[key] for key in keys}

    def journal(
        self, action: SentAction, method: str, message: dict[str, Any], **extra: Any
    ) -> SentMessage:
        kind = next((k for k in _KINDS if k in message), "text") if action != "delete" else "-"
        entry = SentMessage(
            index=len(self.sent),
            action=action,
            method=method,
            chat_id=message["chat"]["id"],
            message_id=message["message_id"],
            kind=kind,
            message=dict(message),
            **extra,
        )
        self.sent.append(entry)
        self.changed.fire()
        return entry

    # updates

    def enqueue(
        self, kind: str, payload: dict[str, Any], chat_id: int | None, *, checked: bool = True
    ) -> dict[str, Any]:
        """Queues an update from a user; marks the chat so waits start after it. Text UTF-8
        cannot carry is refused (``NotUtf8Error``) unless ``checked`` is False (forged)."""
        if checked:
            require_utf8(payload, f"a {kind}")
        update = {"update_id": next(self._update_ids), kind: payload}
        self.updates.append(update)
        if chat_id is not None:
            self.action_marks[chat_id] = len(self.sent)
        self.call_mark = len(self.calls)
        self.changed.fire()
        return update

    def confirm(self, offset: int | None) -> None:
        """getUpdates ``offset`` semantics: drop updates before it (or all but the last -n)."""
        if offset is None:
            return
        if offset < 0:
            self.updates = self.updates[offset:]
        else:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]

    def deliverable(self, limit: int) -> list[dict[str, Any]]:
        """Pending updates the bot asked for; ones it did not ask for are dropped."""
        wanted = self.allowed_updates
        kept = []
        for update in self.updates:
            kind = next(key for key in update if key != "update_id")
            if (kind in wanted) if wanted else (kind not in _OPT_IN_UPDATES):
                kept.append(update)
        self.updates = kept
        return kept[:limit]

    # files

    def store_file(
        self, data: bytes, kind: str, file_name: str | None = None, mime_type: str | None = None
    ) -> StoredFile:
        serial = next(self._serial)
        suffix = "." + file_name.rsplit(".", 1)[-1] if file_name and "." in file_name else ""
        stored = StoredFile(
            file_id=f"{kind}-{serial:06d}",
            file_unique_id=f"u{serial:06d}",
            data=data,
            file_path=f"{kind}s/file_{serial}{suffix or _SUFFIXES.get(kind, '')}",
            file_name=file_name,
            mime_type=mime_type,
        )
        self.files[stored.file_id] = stored
        return stored

    def file_by_path(self, path: str) -> StoredFile | None:
        return next((f for f in self.files.values() if f.file_path == path), None)

    def serial(self) -> int:
        """A fresh number for ids of queries and the like."""
        return next(self._serial)

    def take_failure(self, method: str, chat_id: Any) -> ApiError | None:
        """The error an injected failure gives this call (its ``chat_id`` parameter as sent),
        counted against the failure's ``times``; None if none applies."""
        failure = self.failures.get(method.lower())
        if failure is None or not self.aimed_at(failure.chat_ids, chat_id):
            return None
        if failure.remaining is not None:
            failure.remaining -= 1
            if failure.remaining <= 0:
                del self.failures[method.lower()]
        return ApiError(failure.error_code, failure.description, retry_after=failure.retry_after)

    def aimed_at(self, chat_ids: frozenset[int] | None, chat_id: Any) -> bool:
        """Whether a call with this ``chat_id`` parameter (as sent) is one to ``chat_ids``
        (None: to any chat), for faults aimed at some chats."""
        if chat_ids is None:
            return True
        try:
            return self.chat_id_of(chat_id) in chat_ids
        except ApiError:  # no chat_id, or one naming no chat: not a call to those chats
            return False


_KINDS = (
    "photo",
    "document",
    "venue",
    "location",
    "sticker",
    "voice",
    "contact",
    "poll",
    "text",
)
_SUFFIXES = {"photo": ".jpg", "voice": ".oga", "sticker": ".webp", "document": ".bin"}
