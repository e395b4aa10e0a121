"""Callback data: short, versioned, validated. Whatever arrives may be forged or stale.

Format: `<version>:<kind>[:<arg>...]`, at most 64 bytes (Telegram's limit). Bump VERSION when
the meaning of a kind changes; buttons from older messages then get a polite "expired" reply.
"""

import re
from dataclasses import dataclass

VERSION = "1"
MAX_BYTES = 64
_ARG = re.compile(r"[a-z0-9_\-]{1,40}")

CARD = "c"
MENU = "m"
TOPICS = "t"
FEEDBACK = "f"
AID = "a"
# Subscriptions and broadcasts (issue 4)
SUBSCRIBE = "s"
UNSUBSCRIBE = "u"  # the one-tap button under every broadcast: u:<broadcast id>
BROADCAST = "b"
SCHEDULED = "sc"
CAMPAIGNS = "cp"
REPORT = "r"  # r:<action>[:<arg>]: steps of a /report draft
MYREPORTS = "mr"  # mr:<action>:<report id>: edit or withdraw one's own report
VOLUNTEER = "v"  # v:<action>[:<arg>]: registration, profile, /leave, /deleteme
COORDINATOR = "k"  # k:<action>:<telegram id>:<yes|no>: /promote and /demote confirmations


@dataclass(frozen=True)
class Callback:
    kind: str
    args: tuple[str, ...]


def make(kind: str, *args: str | int) -> str:
    data = ":".join((VERSION, kind, *(str(a) for a in args)))
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
    if version != VERSION or not kind or not all(_ARG.fullmatch(a) for a in args):
        return None
    return Callback(kind, args)


def pattern(kind: str, *args: str) -> re.Pattern[str]:
    """Routing pattern for a CallbackQueryHandler (optionally of leading args, such as an
    action); the handler still validates the args."""
    head = ":".join((VERSION, kind, *args))
    return re.compile(rf"^{re.escape(head)}(:|$)")
