"""/deleteme and the desks' chats: the database forgets a resident's tickets, and the bot's
messages about them in the desks' chats (the ticket, follow-ups, notes, reply prompts) are
withdrawn right after the resident is told. An erased ticket's message not yet withdrawn is
what the database says is left, so whatever a crash, a Telegram outage or a transfer racing
the erasure left is withdrawn by the periodic ticket check. Telegram
lets a bot delete its messages for 48 hours only; an older one is edited to a neutral line
instead, so no chat keeps what the resident wrote or who they are."""

import logging

from telegram import Bot

from handlers.kit.context import PufaContext, Services
from handlers.kit.withdraw import Outcome, withdraw
from storage.db import unavailable
from storage.ticket_messages import to_withdraw, withdrawn
from storage.volunteers import Erasure

log = logging.getLogger(__name__)


async def on_person_erased(ctx: PufaContext, _erased: Erasure) -> None:
    """What is left to withdraw is read from the tickets' state (theirs, and any a crash left)."""
    await withdraw_pending(ctx.bot, ctx.services)


async def withdraw_pending(bot: Bot, services: Services) -> None:
    """Message by message. One Telegram refuses for good is given up (and logged); while
    Telegram does not answer, the rest stays marked for the next check. Never raises for an
    unreachable database: the marks stay and the next check goes on."""
    try:
        async with services.db.session() as session:
            pending = await to_withdraw(session=session)
        neutral = services.ui.tickets.erased_by_resident
        for chat_id, message_id in pending:
            outcome = await withdraw(bot, neutral, chat_id, message_id)
            if outcome is Outcome.LATER:
                return
            async with services.db.session() as session:
                await withdrawn(
                    session=session, chat_id=chat_id, message_id=message_id, now=services.now()
                )
    except Exception as exc:
        if not unavailable(exc):
            raise
        log.warning("database unreachable: erased residents' desk messages withdrawn later")
