"""/deleteme and the desks' chats: the database forgets a resident's tickets and marks the bot's
messages about them in the desks' chats (the ticket, follow-ups, notes, reply prompts) for
withdrawal in the same transaction; they are withdrawn at once, and whatever a crash or a
Telegram outage left is withdrawn by the periodic ticket check. Telegram lets a bot delete its
messages for 48 hours only; an older one is edited to a neutral line instead, so no chat keeps
what the resident wrote or who they are."""

import logging

from telegram import Bot
from telegram.error import BadRequest, Forbidden, TelegramError

from handlers.kit.context import PufaContext, Services
from storage.db import unavailable
from storage.ticket_messages import to_withdraw, withdrawn
from storage.volunteers import Erasure

log = logging.getLogger(__name__)


async def on_person_erased(ctx: PufaContext, erased: Erasure) -> None:
    if erased.desk_messages:
        await withdraw_pending(ctx.bot, ctx.services)


async def withdraw_pending(bot: Bot, services: Services) -> None:
    """Message by message: one Telegram refuses for good is given up (and logged), one it
    could not be asked about (an outage) stays marked for the next check."""
    try:
        async with services.db.session() as session:
            pending = await to_withdraw(session=session)
    except Exception as exc:
        if not unavailable(exc):
            raise
        log.warning("database unreachable: erased residents' desk messages withdrawn later")
        return
    neutral = services.ui.tickets.erased_by_resident
    for chat_id, message_id in pending:
        if not await _withdraw(bot, neutral, chat_id, message_id):
            return  # Telegram is not answering: the rest waits for the next check too
        async with services.db.session() as session:
            await withdrawn(session=session, chat_id=chat_id, message_id=message_id)


async def _withdraw(bot: Bot, neutral: str, chat_id: int, message_id: int) -> bool:
    """Deleted, edited to `neutral`, or refused for good (True); Telegram unreachable (False)."""
    try:
        await bot.delete_message(chat_id, message_id)
        return True
    except (BadRequest, Forbidden) as exc:  # too old, or already deleted by staff
        refused: TelegramError = exc
    except TelegramError as exc:
        log.warning("desk message of an erased resident not withdrawn yet: %s", exc)
        return False
    try:
        await bot.edit_message_text(neutral, chat_id, message_id, reply_markup=None)
    except (BadRequest, Forbidden) as exc:
        # No chat or message id: a desk's chat may be a staff member's private one.
        log.warning("could not withdraw a message about an erased ticket: %s; %s", refused, exc)
    except TelegramError as exc:
        log.warning("desk message of an erased resident not withdrawn yet: %s", exc)
        return False
    return True
