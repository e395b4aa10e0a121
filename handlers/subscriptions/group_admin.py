"""Who may change what a chat receives: anyone in their private chat; in a group, only an
administrator, as Telegram says when asked (never trusted from the message)."""

import logging

from telegram import ChatMember, Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from handlers.kit.context import PufaContext
from handlers.kit.replies import acknowledge, reply_html

log = logging.getLogger(__name__)
ADMIN_STATUSES = (ChatMember.ADMINISTRATOR, ChatMember.OWNER)


async def may_manage(update: Update, ctx: PufaContext) -> bool:
    """Anyone in their private chat; in a group, an administrator checked with Telegram."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return False
    if chat.type == ChatType.PRIVATE:
        return True
    try:
        member = await ctx.bot.get_chat_member(chat.id, user.id)
    except TelegramError:
        log.warning("getChatMember failed for %s in %s", user.id, chat.id, exc_info=True)
        return False
    return member.status in ADMIN_STATUSES


async def refuse(update: Update, ctx: PufaContext) -> None:
    text = ctx.services.ui.subscriptions.group_admins_only
    await acknowledge(update, text, alert=True)
    if update.callback_query is None:
        await reply_html(update, text)
