"""Withdrawing a message the bot sent about a person who erased themselves (/deleteme): a
ticket's copy in a desk's chat, a report's notification in a coordinator's. Telegram lets a
bot delete its messages for 48 hours only; an older one is edited to a neutral line instead,
so no chat keeps what the person wrote or who they are. A message also about others (a daily
report digest) is only edited: drawn again without what was about the person."""

import logging
from collections.abc import Awaitable, Callable
from enum import Enum

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import TelegramError

from handlers.kit.delivery import Delivery, failed, not_modified

log = logging.getLogger(__name__)


class Outcome(Enum):
    DONE = "done"  # deleted or edited
    REFUSED = "refused"  # Telegram refuses for good (no such chat or message, migrated...)
    LATER = "later"  # Telegram did not answer: try again at the next check


async def withdraw(
    bot: Bot, neutral: str, chat_id: int, message_id: int, *, shared: bool = False
) -> Outcome:
    """Deleted, or else (too old to delete, already deleted by staff ...) edited to `neutral`.
    `shared`: the message is also about others, so it is only edited, `neutral` being all
    of its new text (HTML). An edit to what it already says (done before a crash cut off
    its record) is done."""

    def edit() -> Awaitable[object]:
        if shared:
            return bot.edit_message_text(
                neutral,
                chat_id,
                message_id,
                parse_mode=ParseMode.HTML,
                disable_web_page_preview=True,
            )
        return bot.edit_message_text(neutral, chat_id, message_id, reply_markup=None)

    attempts: tuple[Callable[[], Awaitable[object]], ...] = (
        (edit,) if shared else (lambda: bot.delete_message(chat_id, message_id), edit)
    )
    refusals: list[TelegramError] = []
    for attempt in attempts:
        try:
            await attempt()
            return Outcome.DONE
        except TelegramError as exc:
            if not_modified(exc):
                return Outcome.DONE
            if failed(exc) is Delivery.UNKNOWN:  # a timeout, an outage: try again
                log.warning("message about an erased person not withdrawn yet: %s", exc)
                return Outcome.LATER
            refusals.append(exc)
    # No chat or message id: a desk's chat may be a staff member's private one.
    log.warning("could not withdraw a message about an erased person: %s", refusals)
    return Outcome.REFUSED
