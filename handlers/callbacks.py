"""Callback data: short, versioned, validated. Whatever arrives may be forged or stale.

Format: `<version>:<kind>[:<arg>...]`, at most 64 bytes (Telegram's limit). Bump VERSION when
the meaning of a kind changes; buttons from older messages then get a polite "expired" reply.
"""

import re
from dataclasses import dataclass

VERSION = "1"
MAX_BYTES = 64
_ARG = re.compile(r"^[a-z0-9_\-]{1,40}$")

CARD = "c"
MENU = "m"
TOPICS = "t"
FEEDBACK = "f"
AID = "a"


@dataclass(frozen=True)
class Callback:
    kind: str
    args: tuple[str, ...]


def make(kind: str, *args: str | int) -> str:
    data = ":".join((VERSION, kind, *(str(a) for a in args)))
    if len(data.encode()) > MAX_BYTES or not all(_ARG.match(str(a)) for a in args):
        raise ValueError(f"invalid callback data: {data!r}")
    return data


def parse(data: str | None) -> Callback | None:
    """The callback, or None if the data is malformed, forged or from another version."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    version, _, rest = data.partition(":")
    kind, _, tail = rest.partition(":")
    args = tuple(tail.split(":")) if tail else ()
    if version != VERSION or not kind or not all(_ARG.match(a) for a in args):
        return None
    return Callback(kind, args)


def pattern(kind: str) -> re.Pattern[str]:
    """Routing pattern for a CallbackQueryHandler; the handler still validates the args."""
    return re.compile(rf"^{VERSION}:{re.escape(kind)}(:|$)")
