"""Replying to whatever kind of update arrived: a message to its chat, an answer to a button
press, an edit of the message whose button was pressed."""

import logging

from telegram import InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from handlers.kit.delivery import not_modified

log = logging.getLogger(__name__)

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


async def edit(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Replace the text (and buttons) of the message whose button was pressed; a double press
    that would show the same again is fine."""
    query = update.callback_query
    assert query is not None
    try:
        await query.edit_message_text(
            text, parse_mode=ParseMode.HTML, reply_markup=markup, disable_web_page_preview=True
        )
    except BadRequest as exc:
        if not not_modified(exc):
            raise


async def drop_buttons(update: Update) -> None:
    """The message whose button was pressed stays as it is, without its buttons (a question
    answered once). Already gone is fine, and so is a message Telegram no longer lets us
    edit: its buttons do nothing any more."""
    query = update.callback_query
    assert query is not None
    try:
        await query.edit_message_reply_markup(None)
    except BadRequest as exc:
        if not not_modified(exc):
            log.info("could not take the buttons off an answered question: %s", exc)


def user_id(update: Update) -> int:
    """The person behind an update of a private chat or a button (never a channel post)."""
    assert update.effective_user is not None
    return update.effective_user.id
