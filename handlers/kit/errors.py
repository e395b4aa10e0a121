"""The error handler: log every unexpected exception with the update that caused it."""

import json
import logging

from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError

from handlers.context import PufaApp, PufaContext
from handlers.replies import reply_html

log = logging.getLogger(__name__)


async def on_error(update: object, ctx: PufaContext) -> None:
    payload = update.to_dict() if isinstance(update, Update) else repr(update)
    log.error(
        "unhandled error for update %s",
        json.dumps(payload, ensure_ascii=False, default=str)[:4000],
        exc_info=ctx.error,
    )
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


def register(app: PufaApp) -> None:
    app.add_error_handler(on_error)
