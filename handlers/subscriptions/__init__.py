"""Subscriptions, opt-in only: /subscribe, /mysubs, /unsubscribe (in a group only its
administrators, checked with Telegram), the one-tap unsubscribe button under every
broadcast, and following Telegram's word that a chat blocked the bot or became a
supergroup."""

from telegram.ext import (
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from handlers.kit.callbacks import Kind, pattern
from handlers.kit.context import PufaApplication, Services
from handlers.subscriptions import menu, stopping


def register(app: PufaApplication, services: Services) -> None:
    app.add_handlers(
        [
            CommandHandler("subscribe", menu.on_subscribe),
            CommandHandler("mysubs", menu.on_mysubs),
            CommandHandler("unsubscribe", menu.on_unsubscribe),
            CallbackQueryHandler(menu.on_subscribe_button, pattern=pattern(Kind.SUBSCRIBE)),
            CallbackQueryHandler(
                stopping.on_unsubscribe_button, pattern=pattern(Kind.UNSUBSCRIBE)
            ),
            ChatMemberHandler(stopping.on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER),
            MessageHandler(filters.StatusUpdate.MIGRATE, stopping.on_chat_migrated),
        ]
    )
