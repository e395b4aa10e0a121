"""Watching what the bot did, and waiting for it without sleeping."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from local_api.records import ApiCall, SentMessage
from local_api.state import BotState

# How long a wait gives the bot by default: generous, since a busy CI machine can be 10x
# slower than an idle one. A wait ends as soon as what it waits for happens.
WAIT_SECONDS = 60.0


class Observers:
    """Mixin for :class:`~local_api.server.LocalBotApi`: what the bot did.

    The waits default to "since the latest user action" (per chat for messages): a test
    acts, then waits for the reaction, without racing a fast bot.
    """

    state: BotState

    def messages_to(self, chat_id: int) -> list[SentMessage]:
        """The journal (sends, edits, deletes) for one chat, oldest first."""
        return [entry for entry in self.state.sent if entry.chat_id == chat_id]

    def was_delivered(self, chat_id: int, text: str) -> bool:
        """Whether the bot sent ``chat_id`` a message whose text or caption is ``text``.

        The journal records a send as soon as Telegram processed it, even when its answer is
        still held (``stall(when="after")``) or never reached the bot.
        """
        return any(
            entry.action == "send" and entry.content == text for entry in self.messages_to(chat_id)
        )

    def last_message(self, chat_id: int) -> SentMessage:
        entries = self.messages_to(chat_id)
        if not entries:
            raise LookupError(f"the bot did nothing in chat {chat_id}")
        return entries[-1]

    async def wait_for_messages(
        self,
        chat_id: int,
        count: int = 1,
        timeout: float = WAIT_SECONDS,  # noqa: ASYNC109 - a deadline for the condition, not for I/O
        *,
        after: int | None = None,
    ) -> list[SentMessage]:
        """Waits until ``count`` new journal entries exist for ``chat_id``; returns them all.

        ``after`` is a position in :attr:`sent` (``SentMessage.index`` + 1, or ``len(sent)``);
        by default the position at the chat's latest user action.
        """
        start = self.state.action_marks.get(chat_id, 0) if after is None else after
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            found = [m for m in self.state.sent[start:] if m.chat_id == chat_id]
            if len(found) >= count:
                return found
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0 or self.state.closed:
                wanted = f"{count} message(s) to chat {chat_id} from #{start}, got {len(found)}"
                raise TimeoutError(self.dump(f"Timed out after {timeout}s waiting for {wanted}"))
            await self.state.changed.wait(remaining)

    async def wait_until_polling(
        self,
        timeout: float = WAIT_SECONDS,  # noqa: ASYNC109 - a deadline for the condition, not for I/O
    ) -> None:
        """Returns once a getUpdates request is being held (the bot is listening)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while self.state.pending_polls == 0:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0 or self.state.closed:
                raise TimeoutError(self.dump(f"Timed out after {timeout}s waiting for getUpdates"))
            await self.state.changed.wait(remaining)

    async def wait_until(
        self,
        condition: Callable[[], bool],
        what: str = "the condition",
        timeout: float = WAIT_SECONDS,  # noqa: ASYNC109 - a deadline for the condition, not for I/O
    ) -> None:
        """Returns once ``condition()`` holds; it is re-checked whenever the server changes."""
        deadline = asyncio.get_running_loop().time() + timeout
        while not condition():
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0 or self.state.closed:
                raise TimeoutError(self.dump(f"Timed out after {timeout}s waiting for {what}"))
            await self.state.changed.wait(remaining)

    async def wait_for_call(
        self,
        method: str,
        timeout: float = WAIT_SECONDS,  # noqa: ASYNC109 - a deadline for the condition, not for I/O
        predicate: Callable[[ApiCall], bool] | None = None,
        *,
        after: int | None = None,
    ) -> ApiCall:
        """The first call of ``method`` (any case) matching ``predicate``, made since ``after``.

        ``after`` is a position in :attr:`calls`; by default the latest user action's.
        """
        start = self.state.call_mark if after is None else after
        deadline = asyncio.get_running_loop().time() + timeout
        wanted = method.lower()
        while True:
            for call in self.state.calls[start:]:
                if call.method.lower() == wanted and (predicate is None or predicate(call)):
                    return call
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0 or self.state.closed:
                raise TimeoutError(self.dump(f"Timed out after {timeout}s waiting for {method}"))
            await self.state.changed.wait(remaining)

    async def wait_for_answer(
        self,
        update: dict[str, Any],
        timeout: float = WAIT_SECONDS,  # noqa: ASYNC109 - a deadline for the condition, not for I/O
    ) -> dict[str, Any]:
        """The bot's answer to a callback or inline query ``update`` (as recorded)."""
        if "callback_query" in update:
            answers, query_id = self.state.callback_answers, update["callback_query"]["id"]
        elif "inline_query" in update:
            answers, query_id = self.state.inline_answers, update["inline_query"]["id"]
        else:
            raise ValueError("only callback and inline queries are answered")
        deadline = asyncio.get_running_loop().time() + timeout
        while query_id not in answers:
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0 or self.state.closed:
                raise TimeoutError(self.dump(f"Timed out after {timeout}s waiting for an answer"))
            await self.state.changed.wait(remaining)
        return answers[query_id]

    def dump(self, headline: str, last: int = 12) -> str:
        """A readable account of recent activity, for failure messages."""
        lines = [headline, "Recent bot messages:"]
        lines += [f"  {entry.describe()}" for entry in self.state.sent[-last:]] or ["  (none)"]
        lines.append("Recent API calls:")
        for call in self.state.calls[-last:]:
            outcome = "ok" if call.ok else f"{call.status} {call.description}"
            lines.append(f"  #{call.index} {call.method} -> {outcome}")
        if self.state.poll_generation == 0:
            lines.append("  (the bot never called getUpdates: is the Application polling?)")
        lines.append(f"Updates not yet confirmed by the bot: {len(self.state.updates)}")
        return "\n".join(lines)
