"""The /broadcast chat's draft: its steps, its buttons, and the draft as plain JSON (the
conversation's data), so a restart mid-draft loses nothing. A forwarded message is kept as
its chat id and message id (recipients get a copy of it), never as a Telegram object; an
album (one message per item, in any order) as its items' file ids, by message id."""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from telegram import Update

from handlers.kit.context import PufaContext
from handlers.kit.conversation import Conversation
from handlers.kit.replies import acknowledge, reply_html
from scheduler.messages import AlbumItem, album_text
from scheduler.planning import PlanProblem, draft_key, utf16_length
from scheduler.timeparse import Now, Once, Weekly, When
from storage.audience import Audience
from storage.broadcasts import find_by_key

FLOW = "broadcast"
# The steps: the bot waits for the content (typed, forwarded, or a card picked), for the
# audience (buttons), for the time (typed, or 立即发送), for the confirmation (buttons).
CONTENT, AUDIENCE, WHEN, CONFIRM = "content", "audience", "when", "confirm"


class BroadcastButton(StrEnum):
    """b:<draft token>:<action>[:<arg>...]"""

    CARDS = "cards"  # pick a card: the categories
    CARD_CATEGORY = "cc"  # :<category id>: its cards
    CARD = "card"  # :<card id>
    AUDIENCE = "a"  # :all | :groups | :cat:<id> | :town:<i> | :vol:<i> | :vol:all
    LIST_CATEGORIES = "ac"
    LIST_TOWNS = "at"
    LIST_VOLUNTEERS = "av"
    BACK = "back"  # back: to the first question (from the card categories), to the
    # audience buttons (from a list of them, or from the time question)
    NOW = "now"
    TIME = "time"  # change the time
    CONFIRM = "ok"
    CANCEL = "x"


def encode_when(when: When) -> str:
    if isinstance(when, Now):
        return "now"
    if isinstance(when, Once):  # "guessed", "evening": the confirmation still says so
        kind = "evening" if when.evening else "guessed" if when.guessed else "once"
        return f"{kind}:{when.at.isoformat()}"
    return when.encode()


def decode_when(value: str) -> When:
    """The inverse of `encode_when`; ValueError if `value` is not one of its results."""
    if value == "now":
        return Now()
    kind, _, moment = value.partition(":")
    if kind in ("once", "guessed", "evening"):
        at = datetime.fromisoformat(moment)
        if at.tzinfo is None:
            raise ValueError(value)
        return Once(at, guessed=kind != "once", evening=kind == "evening")
    return Weekly.decode(value)


@dataclass
class BroadcastDraft:
    content_kind: str = ""  # "" until given: "text" | "card" | "copy"
    text: str = ""  # Telegram HTML, for "text"
    plain: str = ""  # as the reader sees it (for lists and length checks)
    card_id: str | None = None
    source: tuple[int, int] | None = None  # (chat id, message id), for "copy"
    audience: Audience | None = None
    audience_value: str = ""
    when: When | None = None
    album_group: str = ""  # the media_group_id of the album sent as the content
    album: list[tuple[int, AlbumItem]] = field(default_factory=list)  # by message id

    def take_album_item(self, chat_id: int, message_id: int, item: AlbumItem) -> None:
        """An item of the album `album_group` (again, after a restart: kept once): the album
        in its order; its first item alone is a copy of its message."""
        items = dict(self.album) | {message_id: item}
        self.album = sorted(items.items())
        if len(self.album) == 1:
            self.content_kind, self.source, self.text = "copy", (chat_id, message_id), ""
        else:
            self.content_kind, self.source = "album", None
            self.text = album_text([item for _, item in self.album])

    def data(self) -> dict[str, Any]:
        """Plain JSON values, for the conversation's draft row."""
        return {
            "content_kind": self.content_kind,
            "text": self.text,
            "plain": self.plain,
            "card_id": self.card_id,
            "source": list(self.source) if self.source else None,
            "audience": self.audience.value if self.audience else None,
            "audience_value": self.audience_value,
            "when": encode_when(self.when) if self.when is not None else None,
            "album_group": self.album_group,
            "album": [[mid, i.kind, i.file_id, i.caption] for mid, i in self.album],
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> "BroadcastDraft | None":
        """The draft `data()` produced, or None if the row is not one."""
        try:
            source, audience, when = data.get("source"), data.get("audience"), data.get("when")
            card_id = data.get("card_id")
            return cls(
                content_kind=str(data.get("content_kind", "")),
                text=str(data.get("text", "")),
                plain=str(data.get("plain", "")),
                card_id=str(card_id) if card_id is not None else None,
                source=(int(source[0]), int(source[1])) if source else None,
                audience=Audience(audience) if audience else None,
                audience_value=str(data.get("audience_value", "")),
                when=decode_when(str(when)) if when else None,
                album_group=str(data.get("album_group", "")),
                album=[
                    (int(mid), AlbumItem(str(kind), str(file_id), str(caption)))
                    for mid, kind, file_id, caption in data.get("album", [])
                ],
            )
        except (KeyError, TypeError, ValueError, IndexError):
            return None


async def draft_of(update: Update, ctx: PufaContext, chat: Conversation) -> BroadcastDraft | None:
    """The chat's draft, or None after ending a damaged one and saying so."""
    draft = BroadcastDraft.from_data(chat.data)
    if draft is None:
        await chat.end(update)
        await acknowledge(update)
        await reply_html(update, ctx.services.ui.broadcasts.stale_draft)
    return draft


async def save(chat: Conversation, draft: BroadcastDraft, step: str) -> None:
    """Stores the draft at `step` (a restart resumes there)."""
    chat.data = draft.data()
    await chat.goto(step)


def plan_problem(ctx: PufaContext, problem: PlanProblem, plain: str) -> str:
    ui = ctx.services.ui.broadcasts
    texts = {
        PlanProblem.EMPTY: ui.empty,
        PlanProblem.NO_LETTERS: ui.no_letters,
        PlanProblem.TOO_LONG: ui.too_long.format(length=utf16_length(plain)),  # as Telegram
        PlanProblem.NOBODY: ui.nobody_now,
        PlanProblem.PAST: ui.past_now,
        PlanProblem.ALREADY: ui.already_confirmed,
    }
    return texts.get(problem, ctx.services.ui.stale_button)


async def on_ended(
    update: Update,
    ctx: PufaContext,
    token: str,
    action: str,
    _args: tuple[str, ...],
    _current: Conversation | None,
) -> None:
    """A button of a draft that is gone: 确认 pressed again after it went in, or an old one."""
    ui = ctx.services.ui.broadcasts
    done = None
    if action == BroadcastButton.CONFIRM and update.effective_user is not None:
        async with ctx.services.db.session() as session:
            done = await find_by_key(
                session=session, key=draft_key(update.effective_user.id, token)
            )
    await acknowledge(update, ui.already_confirmed if done else ui.stale_draft, alert=True)


async def on_wrong_input(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    """Something typed or sent where the draft waits for a button."""
    await reply_html(update, ctx.services.ui.broadcasts.use_buttons)


async def on_cancelled(update: Update, ctx: PufaContext, _chat: Conversation) -> None:
    await reply_html(update, ctx.services.ui.broadcasts.cancelled_draft)


def answered(chat: Conversation) -> int:
    """The content, the audience and the time, as far as they are given."""
    return sum(1 for key in ("content_kind", "audience", "when") if chat.data.get(key))
