"""What the engine sends and what can come of it, in plain values (no Telegram types)."""

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Protocol

from storage.broadcasts import Counts
from storage.models import Broadcast


@dataclass(frozen=True)
class Button:
    text: str
    callback_data: str


ALBUM_KINDS = ("photo", "video", "document", "audio")  # what Telegram groups in an album
ALBUM_SIZE = range(2, 11)  # an album's items: 2 to 10


@dataclass(frozen=True)
class AlbumItem:
    """One item of an album (a photo, video, document or audio file), by its Telegram file id,
    with its caption in Telegram HTML ("" for none)."""

    kind: str
    file_id: str
    caption: str = ""


def album_text(items: Sequence[AlbumItem]) -> str:
    """An album as a broadcast stores it: the `text` of content_kind "album"."""
    return json.dumps([asdict(item) for item in items], ensure_ascii=False)


def album_items(text: str) -> tuple[AlbumItem, ...]:
    """The album `album_text` stored; ValueError for anything else."""
    try:
        items = tuple(AlbumItem(**entry) for entry in json.loads(text))
    except TypeError as exc:
        raise ValueError(f"not an album: {text[:80]!r}") from exc
    if len(items) not in ALBUM_SIZE or any(item.kind not in ALBUM_KINDS for item in items):
        raise ValueError(f"not an album: {text[:80]!r}")
    return items


@dataclass(frozen=True)
class Outgoing:
    """Telegram HTML text, a copy of a message a coordinator forwarded to the bot, or an album.
    `then`: a message sent next, once this one is (an album's buttons: Telegram puts none on an
    album); whatever comes of it, the delivery is this one's."""

    text: str = ""
    copy_from: tuple[int, int] | None = None  # (chat id, message id)
    album: tuple[AlbumItem, ...] = ()
    buttons: tuple[tuple[Button, ...], ...] = field(default_factory=tuple)
    then: "Outgoing | None" = None


@dataclass(frozen=True)
class Sent:
    message_id: int


@dataclass(frozen=True)
class Blocked:
    """The user blocked the bot, left the group, or the chat is gone: stop writing there."""

    reason: str


@dataclass(frozen=True)
class Failed:
    """Telegram refused this message for this chat; retrying would not help."""

    reason: str


@dataclass(frozen=True)
class Retry:
    """Telegram did not take the request (a server error, no connection): not the
    recipient's fault; the engine pauses and the delivery waits its turn again."""

    reason: str


@dataclass(frozen=True)
class RetryLater:
    """429: Telegram asks us to wait `seconds` before sending anything."""

    seconds: float


@dataclass(frozen=True)
class Uncertain:
    """The request may have been delivered (no answer in time, or the connection broke after
    it was sent): never sent again, counted as uncertain."""

    reason: str


@dataclass(frozen=True)
class Moved:
    """The group became a supergroup with a new id: send there instead."""

    new_chat_id: int


Outcome = Sent | Blocked | Failed | Moved | Retry | RetryLater | Uncertain


class Sender(Protocol):
    async def send(self, chat_id: int, message: Outgoing) -> Outcome: ...


class Renderer(Protocol):
    def render(self, broadcast: Broadcast) -> Outgoing: ...


class Reporter(Protocol):
    """Tells coordinators how their broadcasts go (the Telegram edge implements it)."""

    async def progress(
        self, broadcast: Broadcast, counts: Counts, eta_seconds: float | None
    ) -> int | None:
        """Shows or updates the progress message; returns its message id when it is new."""

    async def finished(
        self, broadcast: Broadcast, counts: Counts, reasons: list[tuple[str, int]]
    ) -> bool:
        """Gives the summary; False if it could not be delivered yet (try again later)."""

    async def missed(self, broadcasts: Sequence[Broadcast]) -> bool:
        """Says the broadcasts were missed (one message to each coordinator for all of them);
        False if that could not be delivered yet."""
