"""The error handler: log every unexpected exception with what identifies its update, never
with what people wrote or who they are (no texts, names, usernames, phones or locations)."""

import logging

from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError

from handlers.kit.context import PufaApplication, PufaContext
from handlers.kit.replies import reply_html
from storage.db import unavailable

log = logging.getLogger(__name__)


def describe(update: object) -> str:
    """What kind of update it was, its id and the chat type: enough to find it, nothing
    personal."""
    if not isinstance(update, Update):
        return type(update).__name__
    kinds = [name for name, value in update.to_dict().items() if name != "update_id" and value]
    chat_type = update.effective_chat.type if update.effective_chat else "-"
    return f"update {update.update_id} ({'/'.join(kinds) or 'empty'}, chat {chat_type})"


async def on_error(update: object, ctx: PufaContext) -> None:
    if ctx.error is not None and unavailable(ctx.error):  # expected now and then: one line
        log.warning("database unreachable while handling %s", describe(update))
    else:
        log.error("unhandled error for %s", describe(update), exc_info=ctx.error)
    if _unreachable(ctx.error) or not isinstance(update, Update):
        return
    chat = update.effective_chat
    if chat is not None and chat.type == chat.PRIVATE:
        try:
            await reply_html(update, ctx.services.ui.error)
        except Exception:  # the chat may be unreachable; the original error is already logged
            log.warning("could not tell the user about the error", exc_info=True)


def _unreachable(error: Exception | None) -> bool:
    """Whether telling the user would fail too. PTB's BadRequest subclasses NetworkError, but
    after one (a rejected message, an expired button) the chat still takes an apology."""
    if isinstance(error, BadRequest):
        return False
    return isinstance(error, Forbidden | NetworkError)


def register(app: PufaApplication) -> None:
    app.add_error_handler(on_error)
