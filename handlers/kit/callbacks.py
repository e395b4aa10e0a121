"""Callback data: short, versioned, validated. Whatever arrives may be forged or stale.

Format: `<version>:<kind>[:<arg>...]`, at most 64 bytes (Telegram's limit). Bump VERSION when
the meaning of a kind changes; buttons from older messages then get a polite "expired" reply.
The buttons of a guided chat carry its draft's token first (see handlers.kit.conversation).
Each feature names its buttons' actions with a StrEnum and dispatches them with `match`.
"""

import re
import zlib
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

VERSION = "1"
MAX_BYTES = 64
_ARG = re.compile(r"[a-z0-9_\-]{1,40}")
# Ids in button data are 32-bit rows: a larger number is forged (and would overflow PostgreSQL).
MAX_ID = 2**31 - 1
E = TypeVar("E", bound=StrEnum)
# The broadcast id a preview's one-tap unsubscribe button carries: pressing it does nothing.
PREVIEW_ID = 0


class Kind(StrEnum):
    """Who handles a button: one kind per feature area (short on the wire)."""

    CARD = "c"
    MENU = "m"
    TOPICS = "t"
    FEEDBACK = "f"
    AID = "a"
    SUBSCRIBE = "s"
    UNSUBSCRIBE = "u"  # the one-tap button under every broadcast: u:<broadcast id>
    BROADCAST = "b"  # the /broadcast chat
    SCHEDULED = "sc"  # /scheduled and the stop button of a running broadcast
    CAMPAIGNS = "cp"
    CAMPAIGN_EDIT = "ce"  # the /campaigns edit chat: a reminder's new time and its confirmation
    REPORT = "r"  # the /report chat
    MYREPORTS = "mr"  # correct or withdraw one's own report
    JOIN = "j"  # the registration chat
    VOLUNTEER = "v"  # /profile fields, /leave and /deleteme confirmations
    COORDINATOR = "k"  # /promote and /demote confirmations
    PRECHECK = "lp"  # the legal-aid pre-check chat
    HOTLINES = "h"  # the list of hotlines, the numbers fitting a card
    ADVISER = "ad"  # the chat finding one's village legal adviser
    QUIZ = "q"  # /quiz and contest answers, group rounds, contest lists
    CONTEST = "qc"  # the /contest creation chat
    TICKET = "tk"  # the 留言给工作人员 chat
    DESK = "dk"  # a ticket's buttons: opening the chat, staff actions, follow-ups, rating
    VOTE = "vo"  # 👍 / 👎 under answers (handlers.kit.votes)
    CASE = "cs"  # case cards and the weekly case subscription
    EVENT = "ev"  # QR codes of events and posters, event ratings
    # 核实 / 退回 under a report's notification: rv:<action>:<report id>:<revision> (its
    # updated_at in microseconds, 16 digits: at most 37 bytes in all); buttons from before
    # the revision lack it (see handlers.coordinators.review)
    REVIEW = "rv"
    # The question before a guided chat holding answers is given up (handlers.kit.
    # conversation.ask_leaving): lv:<the question's token>:<keep|drop>
    LEAVE = "lv"


@dataclass(frozen=True)
class Callback:
    kind: Kind
    args: tuple[str, ...]

    def action(self, actions: type[E]) -> tuple[E, tuple[str, ...]] | None:
        """The first argument as one of `actions`, and the rest; None if it is none of them."""
        if not self.args or self.args[0] not in actions._value2member_map_:
            return None
        return actions(self.args[0]), self.args[1:]


def make(kind: Kind, *args: str | int) -> str:
    data = ":".join((VERSION, kind.value, *(str(a) for a in args)))
    if len(data.encode()) > MAX_BYTES or not all(_ARG.fullmatch(str(a)) for a in args):
        raise ValueError(f"invalid callback data: {data!r}")
    return data


def parse(data: str | None) -> Callback | None:
    """The callback, or None if the data is malformed, forged or from another version."""
    # surrogatepass: a lone surrogate in forged data must not raise before it is rejected
    if not data or len(data.encode(errors="surrogatepass")) > MAX_BYTES:
        return None
    version, _, rest = data.partition(":")
    kind, _, tail = rest.partition(":")
    args = tuple(tail.split(":")) if tail else ()
    # fullmatch, not match: `$` would also accept a trailing newline
    if version != VERSION or kind not in Kind._value2member_map_:
        return None
    if not all(_ARG.fullmatch(a) for a in args):
        return None
    return Callback(Kind(kind), args)


def pattern(kind: Kind, *args: str) -> re.Pattern[str]:
    """Routing pattern for a CallbackQueryHandler (optionally of leading args, such as an
    action); the handler still validates the args."""
    head = ":".join((VERSION, kind.value, *args))
    return re.compile(rf"^{re.escape(head)}(:|$)")


def number(arg: str, maximum: int = MAX_ID) -> int | None:
    """A positive id from button data (ASCII digits only, at most `maximum`), else None."""
    if not (arg.isascii() and arg.isdigit()) or len(arg) > len(str(maximum)):
        return None
    value = int(arg)
    return value if 0 < value <= maximum else None


def name_key(name: str) -> str:
    """A short stable key for a place's name (a town, a village), so callback data stays
    under 64 bytes; the handler finds the name again among those it offers."""
    return format(zlib.crc32(name.encode()), "08x")


def index(arg: str, size: int) -> int | None:
    """A 0-based position in a list of `size` items from button data, else None."""
    if not (arg.isascii() and arg.isdigit()) or len(arg) > len(str(size)):
        return None
    value = int(arg)
    return value if value < size else None
