"""/deleteme and the desks' chats: the database forgets a resident's tickets, and the bot's
messages about them in the desks' chats (the ticket, follow-ups, notes, reply prompts) go too.
Telegram lets a bot delete its messages for 48 hours only; an older one is edited to a neutral
line instead, so no chat keeps what the resident wrote or who they are."""

import logging

from telegram.error import TelegramError

from handlers.kit.context import PufaContext
from storage.volunteers import Erasure

log = logging.getLogger(__name__)


async def withdraw_desk_messages(ctx: PufaContext, erased: Erasure) -> None:
    """Best effort, message by message: one Telegram refuses does not stop the others."""
    neutral = ctx.services.ui.tickets.erased_by_resident
    for chat_id, message_id in erased.desk_messages:
        try:
            await ctx.bot.delete_message(chat_id, message_id)
            continue
        except TelegramError as exc:  # too old, or already deleted by staff
            refused = exc
        try:
            await ctx.bot.edit_message_text(neutral, chat_id, message_id, reply_markup=None)
        except TelegramError as exc:
            # No chat or message id: a desk's chat may be a staff member's private one.
            log.warning(
                "could not withdraw a message about an erased ticket: %s; %s", refused, exc
            )
