"""Replying to whatever kind of update arrived: a message to its chat, an answer to a button
press, an edit of the message whose button was pressed."""

import logging
from collections.abc import Awaitable

from telegram import (
    Bot,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError

from handlers.kit.delivery import not_modified

log = logging.getLogger(__name__)

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None


async def reply_html(update: Update, text: str, markup: Markup = None) -> Message | None:
    """Send `text` to the chat the update came from (message or button press); the message
    sent (None: the update has no chat)."""
    chat = update.effective_chat
    if chat is None:
        return None
    return await chat.send_message(
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


async def drop_buttons(update: Update, message_id: int | None = None) -> None:
    """The message whose button was pressed (or the bot's message `message_id` in the
    update's chat) stays as it is, without its buttons (a question answered once, or asked
    again below, or a summary card whose report was stored). Already gone is fine, and so is
    a message Telegram no longer lets us edit: its buttons do nothing any more. Any other
    failure (Telegram unreachable or slow, the chat blocked) is logged and nothing more: the
    buttons are a courtesy, and what the person is told next (the next question, a report's
    confirmation once it is stored) must not be lost for them."""
    if message_id is None:
        query = update.callback_query
        assert query is not None
        await _quietly(query.edit_message_reply_markup(None))
    else:
        chat = update.effective_chat
        assert chat is not None
        await drop_buttons_of(update.get_bot(), chat.id, message_id)


async def drop_buttons_of(bot: Bot, chat_id: int, message_id: int) -> None:
    """`drop_buttons` without an update: the bot's message `message_id` in chat `chat_id`
    (a question whose chat timed out)."""
    await _quietly(bot.edit_message_reply_markup(chat_id, message_id))


async def _quietly(edit: Awaitable[object]) -> None:
    try:
        await edit
    except BadRequest as exc:
        if not not_modified(exc):
            log.info("could not take the buttons off an answered question: %s", exc)
    except TelegramError as exc:
        log.warning("could not take the buttons off an answered question: %s", exc)


def user_id(update: Update) -> int:
    """The person behind an update of a private chat or a button (never a channel post)."""
    assert update.effective_user is not None
    return update.effective_user.id
