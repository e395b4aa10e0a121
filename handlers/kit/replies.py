"""Small helpers shared by handlers for replying to whatever kind of update arrived."""

from telegram import InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.constants import ParseMode

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None


async def reply_html(update: Update, text: str, markup: Markup = None) -> None:
    """Send `text` to the chat the update came from (message or button press)."""
    chat = update.effective_chat
    if chat is None:
        return
    await chat.send_message(
        text, parse_mode=ParseMode.HTML, reply_markup=markup, disable_web_page_preview=True
    )


async def acknowledge(update: Update, text: str | None = None, *, alert: bool = False) -> None:
    """Answer a button press so the client stops its spinner (a no-op for other updates)."""
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=alert)
