"""Updates handled concurrently, each chat's and each user's in the order they came.

PTB handles one update at a time by default, so one slow reply (Telegram's round trip is
tens of milliseconds) holds every other resident. With `concurrent_updates` it handles many
at once, in no particular order, which would break guided chats (a typed answer overtaking
the button press before it), throttling and the "a double press is handled once" rule.

`ChatOrderProcessor` keeps both: an update waits only for the earlier updates that share its
chat or its user, and runs concurrently with everyone else's. Each key remembers only the
last update that holds it (its `done` event); the entry goes when that update finishes and
nothing came after it, so memory follows the updates in progress, not the people seen.
"""

import asyncio
import inspect
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# PTB's own default for `concurrent_updates=True`.
MAX_CONCURRENT_UPDATES = 256

Key = tuple[str, int]


def order_keys(update: object) -> tuple[Key, ...]:
    """What an update must wait its turn for: its chat and its user (none for updates that
    belong to nobody, e.g. a poll's new totals)."""
    if not isinstance(update, Update):
        return ()
    keys: list[Key] = []
    if update.effective_chat is not None:
        keys.append(("chat", update.effective_chat.id))
    if update.effective_user is not None:
        keys.append(("user", update.effective_user.id))
    return tuple(keys)


class ChatOrderProcessor(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._last: dict[Key, asyncio.Event] = {}  # key -> `done` of its latest update
        self._in_progress = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def keys_held(self) -> int:
        """Chats and users with an update in progress or waiting (memory stays bounded)."""
        return len(self._last)

    @property
    def in_progress(self) -> int:
        return self._in_progress

    async def wait_idle(self) -> None:
        """Returns when no update is in progress or waiting its turn."""
        await self._idle.wait()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        # Taking the place in line happens before the first await, so the order is the
        # order PTB started the updates in: the order they came.
        keys = order_keys(update)
        done = asyncio.Event()
        earlier = {event for key in keys if (event := self._last.get(key)) is not None}
        for key in keys:
            self._last[key] = done
        self._in_progress += 1
        self._idle.clear()
        try:
            try:
                for event in earlier:
                    await event.wait()
            except BaseException:  # cancelled while waiting (a stop): it never runs
                if inspect.iscoroutine(coroutine):
                    coroutine.close()
                raise
            await coroutine
        finally:
            done.set()
            for key in keys:
                if self._last.get(key) is done:
                    del self._last[key]
            self._in_progress -= 1
            if self._in_progress == 0:
                self._idle.set()

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free: the entries go with their updates."""
