"""Residents: /start and /help, browsing topics, asking questions (private text, a mention or
/ask in a group), inline sharing, and where to get legal help."""

from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from handlers.kit.callbacks import Kind, pattern
from handlers.kit.context import PufaApplication, Services
from handlers.kit.fallback import COMMAND_LIKE
from handlers.residents import (
    advisers,
    aid_menu,
    hotlines,
    inline,
    legal_aid,
    precheck,
    questions,
    start,
    topics,
)
from handlers.residents.keyboards import AID_MENU


def register(app: PufaApplication, services: Services) -> None:
    """After the features whose commands share a name or whose chats take messages first
    (volunteers' /start join_ links); the free-text question handler comes last."""
    services.chats.add(precheck.precheck_flow())
    services.chats.add(advisers.adviser_flow())
    private = filters.ChatType.PRIVATE
    pick_town = private & filters.Text([services.ui.pick_town_button])
    addressed = (
        filters.TEXT & filters.ChatType.GROUPS & (filters.Entity("mention") | filters.REPLY)
    )
    app.add_handlers(
        [
            CommandHandler("start", start.on_start),
            CommandHandler(["help", "menu"], start.on_help),
            CallbackQueryHandler(start.on_menu_button, pattern=pattern(Kind.MENU)),
            CommandHandler("topics", topics.send_categories),
            CallbackQueryHandler(topics.on_topics_button, pattern=pattern(Kind.TOPICS)),
            CommandHandler("legalaid", aid_menu.send_aid_menu),
            CallbackQueryHandler(aid_menu.on_aid_menu_button, pattern=pattern(Kind.AID, AID_MENU)),
            CommandHandler("adviser", aid_menu.send_adviser),
            MessageHandler(filters.LOCATION & private, legal_aid.on_location),
            MessageHandler(pick_town, legal_aid.on_pick_town),
            CallbackQueryHandler(legal_aid.on_town_button, pattern=pattern(Kind.AID)),
            CommandHandler("hotlines", hotlines.on_hotlines),
            CallbackQueryHandler(hotlines.on_hotlines_button, pattern=pattern(Kind.HOTLINES)),
            InlineQueryHandler(inline.on_inline_query),
            CommandHandler("ask", questions.on_ask_command),
            CallbackQueryHandler(questions.on_card_button, pattern=pattern(Kind.CARD)),
            CallbackQueryHandler(questions.on_unsolved, pattern=pattern(Kind.FEEDBACK)),
            MessageHandler(
                filters.TEXT & ~filters.COMMAND & ~COMMAND_LIKE & private,
                questions.on_private_text,
            ),
            MessageHandler(addressed, questions.on_group_mention),
        ]
    )
