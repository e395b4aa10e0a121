"""The right number: /hotlines (every number, grouped), the numbers fitting one card (its
📞 button), and the lines the unsure answers carry (domain.answers)."""

import html

from telegram import Update

from content.hotlines import grouped
from content.loader import Library
from content.mentions import Fixed
from content.routing import numbers_for_card
from domain.answers import compose, hotline_lines
from handlers.kit.callbacks import parse
from handlers.kit.context import PufaContext
from handlers.kit.conversation import expired
from handlers.kit.replies import acknowledge, reply_html
from handlers.residents.keyboards import HotlinesButton


async def on_hotlines(update: Update, ctx: PufaContext) -> None:
    """/hotlines, in any chat: the numbers are public and the same for everyone."""
    await reply_html(update, hotlines_html(ctx.services.library))


def hotlines_html(library: Library) -> str:
    texts = library.ui.residents
    blocks: list[str | Fixed] = [texts.hotlines_title]
    for group, numbers in grouped(library.hotlines):
        lines = [texts.hotline_groups[group], *hotline_lines(numbers, library.ui)]
        blocks.append(Fixed("\n".join(lines)))
    blocks.append(texts.hotlines_footer)  # its 12348 is said in the lines: left out
    return compose(blocks, library)


async def on_hotlines_button(update: Update, ctx: PufaContext) -> None:
    """h:all (the whole list) or h:card:<card id> (the numbers fitting that card)."""
    parsed = parse(update.callback_query.data if update.callback_query else None)
    chosen = parsed.action(HotlinesButton) if parsed else None
    library = ctx.services.library
    match chosen:
        case (HotlinesButton.ALL, ()):
            await acknowledge(update)
            await reply_html(update, hotlines_html(library))
        case (HotlinesButton.CARD, (card_id,)) if card_id in library.cards:
            await acknowledge(update)
            await reply_html(update, card_hotlines_html(library, card_id))
        case _:
            await expired(update, ctx)


def card_hotlines_html(library: Library, card_id: str) -> str:
    texts, card = library.ui.residents, library.cards[card_id]
    title = texts.card_hotlines_title.format(title=html.escape(card.title))
    numbers = hotline_lines(numbers_for_card(library.hotlines, card), library.ui)
    return compose([Fixed("\n".join([title, *numbers])), texts.hotlines_footer], library)
