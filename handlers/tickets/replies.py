"""A Telegram reply to one of the bot's messages about a ticket: from its desk's staff it is an
answer to the resident, from the resident a follow-up. Anyone else's reply is refused; a reply
to any other message of the bot is left to the other handlers."""

from telegram import Update
from telegram.constants import ChatType

from handlers.kit.context import PufaContext
from handlers.kit.replies import reply_html
from handlers.tickets.common import MORE_FLOW, REPLY_FLOW
from handlers.tickets.resident import follow_up
from handlers.tickets.staff import staff_reply
from storage.ticket_messages import ticket_of_message
from storage.tickets import get_ticket


async def on_reply_to_bot(update: Update, ctx: PufaContext) -> bool:
    message, chat, user = update.message, update.effective_chat, update.effective_user
    if message is None or message.reply_to_message is None or chat is None or user is None:
        return False
    services = ctx.services
    async with services.db.session() as session:
        ticket_id = await ticket_of_message(
            session=session, chat_id=chat.id, message_id=message.reply_to_message.message_id
        )
        ticket = await get_ticket(session=session, ticket_id=ticket_id) if ticket_id else None
    if ticket is None:
        return False
    if message.text is None:
        await reply_html(update, services.ui.tickets.text_no_letters)
        return True
    mine = chat.type == ChatType.PRIVATE and ticket.resident_id == user.id
    if mine:
        if await follow_up(update, ctx, ticket.id, message.text):
            await _end(update, ctx, MORE_FLOW, user.id)
    elif await staff_reply(update, ctx, ticket.id, message.text):
        await _end(update, ctx, REPLY_FLOW, user.id)
    return True


async def _end(update: Update, ctx: PufaContext, flow: str, user_id: int) -> None:
    """The answer came as a reply: a pending 回复 / 补充 prompt is done with."""
    chat = await ctx.services.chats.get(flow, user_id)
    if chat is not None:
        await chat.end(update)
