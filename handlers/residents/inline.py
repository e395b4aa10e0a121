"""Inline mode: `@bot 离婚` in any chat lists matching cards to share into that chat."""

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ParseMode

from content.models import Card
from domain.answers import card_html, plain_text
from handlers.kit import callbacks
from handlers.kit.context import PufaContext

RESULTS_PER_PAGE = 10
MAX_INLINE_QUERY_CHARS = 256


async def on_inline_query(update: Update, ctx: PufaContext) -> None:
    inline = update.inline_query
    if inline is None:
        return
    library, index = ctx.services.library, ctx.services.index
    text = inline.query.strip()[:MAX_INLINE_QUERY_CHARS]
    if text:
        result = index.search(text, limit=RESULTS_PER_PAGE)
        cards = [
            library.cards[c.card_id] for c in result.candidates if c.score >= index.threshold / 2
        ]
        start = 0
    else:
        cards = list(library.cards.values())
        start = callbacks.index(inline.offset, len(cards)) or 0  # Telegram echoes our offset back
    page = cards[start : start + RESULTS_PER_PAGE]
    next_offset = (
        str(start + RESULTS_PER_PAGE) if not text and start + RESULTS_PER_PAGE < len(cards) else ""
    )
    await inline.answer(
        [_article(card, ctx) for card in page],
        cache_time=300,
        next_offset=next_offset,
    )


def _article(card: Card, ctx: PufaContext) -> InlineQueryResultArticle:
    ui = ctx.services.ui
    link = ctx.services.start_link(ctx.bot.username, f"card_{card.id}")
    summary = plain_text(card.body).strip().splitlines()[0][:80]
    return InlineQueryResultArticle(
        id=card.id,
        title=card.title,
        description=summary,
        input_message_content=InputTextMessageContent(
            card_html(card, ctx.services.library),
            parse_mode=ParseMode.HTML,
            disable_web_page_preview=True,
        ),
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton(ui.inline_open_bot, url=link)]]),
    )
