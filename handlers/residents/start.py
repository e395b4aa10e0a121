"""/start (with deep links), /help and the main menu buttons."""

import html
import re

from telegram import Update

from domain.answers import card_html
from handlers.kit.callbacks import parse
from handlers.kit.context import PufaContext
from handlers.kit.conversation import expired, leave_open, title
from handlers.kit.menus import help_commands
from handlers.kit.replies import acknowledge, reply_html
from handlers.kit.roles import in_private, role_of
from handlers.kit.tickets import group_link
from handlers.residents.aid_menu import ADVISER_LINK, DEEP_LINK, send_adviser, send_aid_menu
from handlers.residents.keyboards import MenuItem, card_keyboard, main_menu
from handlers.residents.topics import send_categories
from storage.models import Role

CARD_LINK = re.compile(r"^card_([a-z0-9-]{1,40})$")


async def on_start(update: Update, ctx: PufaContext) -> None:
    """The menu, a card, the legal-aid menu or the adviser lookup of a link: afresh, ending
    unfinished chats, or asking first about one holding answers (a link that opens a chat of
    its own, `join_`, is another handler's)."""
    if not await leave_open(update, ctx):
        return
    payload = ctx.args[0] if ctx.args else ""
    library = ctx.services.library
    if match := CARD_LINK.match(payload):
        card = library.cards.get(match.group(1))
        if card is not None:
            markup = card_keyboard(card, library, chat_link=group_link(update, ctx))
            await reply_html(update, card_html(card, library), markup)
            return
    if payload == DEEP_LINK:
        await send_aid_menu(update, ctx)
        return
    if payload == ADVISER_LINK:
        await send_adviser(update, ctx)
        return
    if payload and not in_private(update):
        return  # a deep link opens a private chat: in a group this is noise, stay silent
    user = update.effective_user
    welcome = library.ui.welcome.format(name=html.escape(user.first_name if user else ""))
    if payload:  # the note promises the menu: it is the menu's own message, not one before it
        welcome = f"{library.ui.deep_link_unknown}\n\n{welcome}"
    await reply_html(update, welcome, main_menu(library.ui))


async def on_help(update: Update, ctx: PufaContext) -> None:
    """What the bot does and the commands of the person's role (a group sees a resident's),
    and in a private chat the guided chat they have open, if any."""
    ui = ctx.services.ui
    user = update.effective_user
    private = user is not None and in_private(update)
    role = await role_of(ctx.services, user.id) if user and private else Role.RESIDENT
    text = ui.help.format(
        bot_username=html.escape(ctx.bot.username), commands=help_commands(role, ui)
    )
    chats = await ctx.services.chats.open(user.id) if user and private else []
    if chats:
        name = html.escape(title(chats[0].flow, ui))
        text += "\n\n" + ui.chat.help_open_chat.format(name=name)
    menu = main_menu(ui, leave_message=True, chat_link=group_link(update, ctx))
    await reply_html(update, text, menu)


async def on_menu_button(update: Update, ctx: PufaContext) -> None:
    parsed = parse(update.callback_query.data if update.callback_query else None)
    chosen = parsed.action(MenuItem) if parsed else None
    ui = ctx.services.ui
    if chosen is None or chosen[1]:
        # Forged, or data-less: PTB routes a callback without data to the first handler.
        await expired(update, ctx)
        return
    if chosen[0] is MenuItem.AID:  # answers the press itself (in a group, with its link)
        await send_aid_menu(update, ctx)
        return
    await acknowledge(update)
    match chosen[0]:
        case MenuItem.ASK:
            if not in_private(update):  # a group's plain text is not a question
                await reply_html(update, ui.group_hint)
            elif await leave_open(update, ctx):
                await reply_html(update, ui.ask_prompt)
        case MenuItem.TOPICS:
            await send_categories(update, ctx)
        case MenuItem.HELP:
            await on_help(update, ctx)
