"""What became of a call that sends or edits a message, when Telegram raised: the scheduler's
classification of a failed send (scheduler.sender.classify, the one the delivery engine uses),
grouped as handlers need it.

REFUSED, for good, and nothing was done: Telegram answered BadRequest (chat not found,
message gone, bad content) or Forbidden (the bot blocked or removed), or the chat migrated.
UNKNOWN otherwise: a timeout may come after Telegram acted (a timed-out message may well have
been delivered); a server error, a broken connection or flood control (after the shared rate
limiter's own retries) may pass, so the call may be worth trying again later. A caller that
must not do something twice treats UNKNOWN as done."""

from enum import Enum

from telegram.error import BadRequest, TelegramError

from scheduler.messages import Blocked, Failed, Moved
from scheduler.sender import classify


class Delivery(Enum):
    DONE = "done"  # Telegram answered that it did it
    REFUSED = "refused"  # Telegram refused, for good: it was not done
    UNKNOWN = "unknown"  # no answer for good: it may have been done, or may be later


def failed(exc: TelegramError) -> Delivery:
    """REFUSED or UNKNOWN for a call that raised `exc`."""
    refused = isinstance(classify(exc), Blocked | Failed | Moved)
    return Delivery.REFUSED if refused else Delivery.UNKNOWN


def not_modified(exc: TelegramError) -> bool:
    """Telegram refused an edit because the message already shows it (a double press, an
    update sent twice, a redraw of what is there): the edit's aim is met."""
    return isinstance(exc, BadRequest) and "not modified" in exc.message
