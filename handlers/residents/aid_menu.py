"""/legalaid: a menu of the legal help the bot offers (the pre-check first, then nearby
service points, one's village adviser, the hotlines). What asks about a person's own situation
or place happens only in a private chat; a group gets a link to one."""

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType

from handlers.kit.callbacks import Kind, make, parse
from handlers.kit.context import PufaContext
from handlers.kit.conversation import expired, leave_open
from handlers.kit.replies import acknowledge, reply_html
from handlers.residents import advisers, precheck
from handlers.residents.hotlines import hotlines_html
from handlers.residents.keyboards import AID_MENU, AidMenu
from handlers.residents.legal_aid import send_legal_aid_prompt

DEEP_LINK = "legalaid"  # ?start=legalaid opens this menu in the private chat
ADVISER_LINK = "adviser"  # ?start=adviser opens the adviser lookup there


async def send_aid_menu(update: Update, ctx: PufaContext) -> None:
    """The menu, afresh as /start: an unfinished chat (a pre-check at its second question)
    would take the location or the town sent for the service points as its own answer."""
    if not await _private(update, ctx):
        return
    await acknowledge(update)  # (a press of the main menu's 📍 找法律援助)
    if not await leave_open(update, ctx):
        return
    texts = ctx.services.ui.residents
    items = [
        (texts.aid_menu_check, AidMenu.CHECK),
        (texts.aid_menu_where, AidMenu.WHERE),
        (texts.aid_menu_adviser, AidMenu.ADVISER),
        (texts.aid_menu_hotlines, AidMenu.HOTLINES),
    ]
    if ctx.services.library.legal_aid is None:  # no criteria in this deployment's content
        items = items[1:]
    rows = [
        [InlineKeyboardButton(label, callback_data=make(Kind.AID, AID_MENU, item))]
        for label, item in items
    ]
    await reply_html(update, texts.aid_menu_title, InlineKeyboardMarkup(rows))


async def send_adviser(update: Update, ctx: PufaContext) -> None:
    """/adviser: one's village legal adviser."""
    if await _private(update, ctx, ADVISER_LINK):
        await advisers.start_lookup(update, ctx)


async def on_aid_menu_button(update: Update, ctx: PufaContext) -> None:
    parsed = parse(update.callback_query.data if update.callback_query else None)
    args = parsed.args[1:] if parsed and parsed.args[:1] == (AID_MENU,) else ()
    item = AidMenu(args[0]) if args and args[0] in AidMenu._value2member_map_ else None
    town_key = args[1] if len(args) == 2 and item is AidMenu.ADVISER else ""  # back to a town
    no_check = item is AidMenu.CHECK and ctx.services.library.legal_aid is None
    if item is None or len(args) != (2 if town_key else 1) or no_check:
        await expired(update, ctx)
        return
    if item is AidMenu.HOTLINES:
        await acknowledge(update)
        await reply_html(update, hotlines_html(ctx.services.library))
        return
    if not await _private(update, ctx, ADVISER_LINK if item is AidMenu.ADVISER else DEEP_LINK):
        return
    await acknowledge(update)
    match item:
        case AidMenu.CHECK:
            await precheck.start_check(update, ctx)
        case AidMenu.WHERE:  # (an older menu's button: what follows is no chat's answer)
            if await leave_open(update, ctx):
                await send_legal_aid_prompt(update, ctx)
        case AidMenu.ADVISER:
            await advisers.start_lookup(update, ctx, town_key)


async def _private(update: Update, ctx: PufaContext, payload: str = DEEP_LINK) -> bool:
    """True in a private chat; elsewhere a button to the private chat, opening there what was
    asked for (`payload`): nobody should tell a group about their own case or where they
    live."""
    chat = update.effective_chat
    if chat is not None and chat.type == ChatType.PRIVATE:
        return True
    texts = ctx.services.ui.residents
    link = ctx.services.start_link(ctx.bot.username, payload)
    button = InlineKeyboardMarkup([[InlineKeyboardButton(texts.private_button, url=link)]])
    await acknowledge(update)
    await reply_html(update, texts.private_only, button)
    return False
