"""/topics: browse cards by category, with pagination."""

import math

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from content.loader import Library
from handlers.kit import callbacks
from handlers.kit.callbacks import Kind
from handlers.kit.context import PufaContext
from handlers.kit.conversation import expired
from handlers.kit.replies import acknowledge, edit, reply_html

PAGE_SIZE = 6


def categories_keyboard(library: Library) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(
            f"{c.emoji} {c.name}".strip(), callback_data=callbacks.make(Kind.TOPICS, c.id, 1)
        )
        for c in library.categories
        if library.cards_in(c.id)
    ]
    return InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])


def category_page(
    library: Library, category_id: str, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    ui, category = library.ui, library.category(category_id)
    cards = library.cards_in(category_id)
    pages = max(1, math.ceil(len(cards) / PAGE_SIZE))
    page = min(max(page, 1), pages)
    shown = cards[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    rows = [
        [InlineKeyboardButton(c.title, callback_data=callbacks.make(Kind.CARD, c.id))]
        for c in shown
    ]
    nav = []
    if page > 1:
        nav.append(_page_button(ui.page_prev, category_id, page - 1))
    if page < pages:
        nav.append(_page_button(ui.page_next, category_id, page + 1))
    rows += [nav] if nav else []
    rows.append(
        [
            InlineKeyboardButton(
                ui.back_to_topics, callback_data=callbacks.make(Kind.TOPICS, "home")
            )
        ]
    )
    title = ui.category_title.format(
        emoji=category.emoji, name=category.name, page=page, pages=pages
    )
    return title, InlineKeyboardMarkup(rows)


async def send_categories(update: Update, ctx: PufaContext) -> None:
    library = ctx.services.library
    await reply_html(update, library.ui.topics_title, categories_keyboard(library))


async def on_topics_button(update: Update, ctx: PufaContext) -> None:
    """Edits the menu message in place, so paging does not flood the chat."""
    query = update.callback_query
    parsed = callbacks.parse(query.data if query else None)
    library = ctx.services.library
    known = {c.id for c in library.categories}
    if parsed is None or query is None or query.message is None:
        await expired(update, ctx)
        return
    if not parsed.args:
        await acknowledge(update)
        await send_categories(update, ctx)
        return
    if parsed.args == ("home",):
        text, markup = library.ui.topics_title, categories_keyboard(library)
    elif len(parsed.args) == 2 and parsed.args[0] in known and parsed.args[1].isdigit():
        text, markup = category_page(library, parsed.args[0], int(parsed.args[1]))
    else:
        await expired(update, ctx)
        return
    await acknowledge(update)
    await edit(update, text, markup)


def _page_button(label: str, category_id: str, page: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        label, callback_data=callbacks.make(Kind.TOPICS, category_id, page)
    )
