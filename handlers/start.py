"""/start (with deep links), /help and the main menu buttons."""

import html
import re

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from handlers import callbacks
from handlers.context import PufaApp, PufaContext
from handlers.legal_aid import send_legal_aid_prompt
from handlers.render import card_html, card_keyboard, main_menu
from handlers.replies import acknowledge, reply_html
from handlers.topics import send_categories

CARD_LINK = re.compile(r"^card_([a-z0-9-]{1,40})$")


async def on_start(update: Update, ctx: PufaContext) -> None:
    payload = ctx.args[0] if ctx.args else ""
    library = ctx.services.library
    if match := CARD_LINK.match(payload):
        card = library.cards.get(match.group(1))
        if card is not None:
            await reply_html(update, card_html(card, library.ui), card_keyboard(card, library))
            return
    if payload:
        await reply_html(update, library.ui.deep_link_unknown)
    user = update.effective_user
    name = html.escape(user.first_name if user else "")
    await reply_html(update, library.ui.welcome.format(name=name), main_menu(library.ui))


async def on_help(update: Update, ctx: PufaContext) -> None:
    text = ctx.services.ui.help.format(bot_username=html.escape(ctx.bot.username))
    await reply_html(update, text, main_menu(ctx.services.ui))


async def on_menu_button(update: Update, ctx: PufaContext) -> None:
    query = callbacks.parse(update.callback_query.data if update.callback_query else None)
    item = query.args[0] if query and len(query.args) == 1 else ""
    ui = ctx.services.ui
    if item not in {"ask", "aid", "topics", "help"}:
        # Forged, or data-less: PTB routes a callback without data to the first handler.
        await acknowledge(update, ui.stale_button, alert=True)
        return
    await acknowledge(update)
    if item == "ask":
        await reply_html(update, ui.ask_prompt)
    elif item == "aid":
        await send_legal_aid_prompt(update, ctx)
    elif item == "topics":
        await send_categories(update, ctx)
    else:
        await on_help(update, ctx)


def register(app: PufaApp) -> None:
    app.add_handlers(
        [
            CommandHandler("start", on_start),
            CommandHandler(["help", "menu"], on_help),
            CallbackQueryHandler(on_menu_button, pattern=callbacks.pattern(callbacks.MENU)),
        ]
    )
