"""Coordinators' unfinished work in the chat.

The /broadcast draft is a `conversation_draft` row (flow "broadcast", see
handlers.broadcast_draft and handlers.drafts), so a restart in the middle of composing loses
nothing; `BroadcastDraft` turns it into plain JSON and back. What the bot waits for
coordinators to type for /scheduled and /campaigns (a new time or text, this year's dates) is
a short `Prompt`, also a `conversation_draft` row (flow "prompt"), so after a restart the bot
still waits for it.
"""

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from scheduler.timeparse import Now, Once, Weekly, When
from storage.audience import Audience
from storage.db import Database
from storage.drafts import active_drafts, delete_draft, save_draft
from storage.models import Clock

IDLE = timedelta(hours=1)  # an untouched draft or prompt is dropped after this
PROMPT_FLOW = "prompt"


def encode_when(when: When) -> str:
    if isinstance(when, Now):
        return "now"
    if isinstance(when, Once):
        return f"once:{when.at.isoformat()}"
    return when.encode()


def decode_when(value: str) -> When:
    """The inverse of `encode_when`; ValueError if `value` is not one of its results."""
    if value == "now":
        return Now()
    if value.startswith("once:"):
        at = datetime.fromisoformat(value.removeprefix("once:"))
        if at.tzinfo is None:
            raise ValueError(value)
        return Once(at)
    return Weekly.decode(value)


@dataclass
class BroadcastDraft:
    token: str = field(default_factory=lambda: secrets.token_hex(4))
    content_kind: str = ""  # "" until given: "text" | "card" | "copy"
    text: str = ""  # Telegram HTML, for "text"
    plain: str = ""  # as the reader sees it (for lists and length checks)
    card_id: str | None = None
    # (chat id, message id) of the coordinator's message, for "copy": a forwarded message or
    # media is stored as these ids and copied with copyMessage, never as a Telegram object.
    source: tuple[int, int] | None = None
    audience: Audience | None = None
    audience_value: str = ""
    when: When | None = None

    def data(self) -> dict[str, Any]:
        """Plain JSON values, for storage.drafts."""
        return {
            "token": self.token,
            "content_kind": self.content_kind,
            "text": self.text,
            "plain": self.plain,
            "card_id": self.card_id,
            "source": list(self.source) if self.source else None,
            "audience": self.audience.value if self.audience else None,
            "audience_value": self.audience_value,
            "when": encode_when(self.when) if self.when is not None else None,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> "BroadcastDraft | None":
        """The draft `data()` produced, or None if the row is not one (it is then dropped)."""
        try:
            source, audience, when = data.get("source"), data.get("audience"), data.get("when")
            card_id = data.get("card_id")
            return cls(
                token=str(data["token"]),
                content_kind=str(data.get("content_kind", "")),
                text=str(data.get("text", "")),
                plain=str(data.get("plain", "")),
                card_id=str(card_id) if card_id is not None else None,
                source=(int(source[0]), int(source[1])) if source else None,
                audience=Audience(audience) if audience else None,
                audience_value=str(data.get("audience_value", "")),
                when=decode_when(str(when)) if when else None,
            )
        except (KeyError, TypeError, ValueError, IndexError):
            return None


@dataclass(frozen=True)
class Prompt:
    """The bot asked this coordinator to type something: `kind` says what, `ref` for what."""

    kind: str  # "edit_time" | "edit_text" | "camp_time" | "camp_dates"
    ref: str
    since: datetime


class Desk:
    """Typed-input prompts of /scheduled and /campaigns, one per coordinator: rows in the
    database, cached here because the message filter that routes typed text is synchronous."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._prompts: dict[int, Prompt] = {}

    async def restore(self) -> None:
        """Read back the prompts a restart interrupted (at start-up, after migrating)."""
        async with self._db.session() as session:
            drafts = await active_drafts(
                session=session, flow=PROMPT_FLOW, idle=IDLE, now=self._clock()
            )
        self._prompts = {
            user_id: Prompt(d.step, str(d.data.get("ref", "")), d.updated_at)
            for user_id, d in drafts.items()
        }

    def prompt(self, user_id: int) -> Prompt | None:
        prompt = self._prompts.get(user_id)
        if prompt is not None and self._clock() - prompt.since > IDLE:
            return None
        return prompt

    async def ask(self, user_id: int, kind: str, ref: str = "") -> None:
        prompt = Prompt(kind, ref, self._clock())
        async with self._db.session() as session:
            await save_draft(
                session=session,
                flow=PROMPT_FLOW,
                telegram_id=user_id,
                step=kind,
                data={"ref": ref},
                now=prompt.since,
            )
        self._prompts[user_id] = prompt

    async def done(self, user_id: int) -> None:
        if self._prompts.pop(user_id, None) is None:
            return
        async with self._db.session() as session:
            await delete_draft(session=session, flow=PROMPT_FLOW, telegram_id=user_id)
