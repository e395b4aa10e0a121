"""Runs before every other handler (but the one that drops an album's later photos): remembers who
(the sliding windows, when each person was last written) is this process's own."""

import time

from telegram import Update
from telegram.ext import ApplicationHandlerStop, TypeHandler

from handlers.kit.context import PufaApplication, PufaContext, Services
from handlers.kit.replies import reply_html
from handlers.kit.throttle import BUTTON_COST, Throttle
from storage.db import unavailable
from storage.people import Seen

GUARD_GROUP = -3  # (handlers.kit.odd_messages: albums before it, edits after it)
# Write `last_seen` at most this often per person, not on every update.
TOUCH_INTERVAL_SECONDS = 600


class Guard:
    def __init__(self, per_minute: int) -> None:
        self.throttle = Throttle(per_minute)
        self._touched: dict[int, float] = {}  # monotonic time each person was last written

    async def __call__(self, update: Update, ctx: PufaContext) -> None:
        user = update.effective_user
        if user is None or user.is_bot:
            return
        self._remember(update, ctx.services)
        if update.message is not None or update.edited_message is not None:
            cost = 1.0  # an edit is answered too (handlers.kit.odd_messages)
        elif update.callback_query is not None:
            cost = BUTTON_COST
        else:
            return
        if self.throttle.allow(user.id, cost):
            return
        chat = update.effective_chat
        if update.message is not None and chat is not None and chat.type == chat.PRIVATE:
            if self.throttle.should_warn(user.id):
                await reply_html(update, await _too_fast(ctx.services, user.id))
        elif update.callback_query is not None:
            await update.callback_query.answer(ctx.services.ui.too_fast)
        raise ApplicationHandlerStop

    def _remember(self, update: Update, services: Services) -> None:
        """Notes when the person was seen (written a moment later, off the update's path)."""
        user = update.effective_user
        assert user is not None
        now = time.monotonic()
        if now - self._touched.get(user.id, -TOUCH_INTERVAL_SECONDS) < TOUCH_INTERVAL_SECONDS:
            return
        services.people_seen.add(Seen(user.id, user.full_name, user.username, services.now()))
        self._touched[user.id] = now


async def _too_fast(services: Services, user_id: int) -> str:
    """The warning: inside a guided chat, that the message was not taken as an answer and is
    to be sent again (only the flooding person's drafts are read, once per streak)."""
    try:
        in_chat = bool(await services.chats.open(user_id))
    except Exception as exc:
        if not unavailable(exc):
            raise
        in_chat = False
    return services.ui.too_fast_in_chat if in_chat else services.ui.too_fast


def register(app: PufaApplication, per_minute: int) -> None:
    app.add_handler(TypeHandler(Update, Guard(per_minute)), group=GUARD_GROUP)
