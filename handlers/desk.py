"""Coordinators' unfinished work in the chat: a /broadcast draft and what the bot is waiting
for them to type next. Kept in memory: a restart only means starting /broadcast again;
what was confirmed is in the database."""

import secrets
import time
from dataclasses import dataclass, field

from scheduler.timeparse import When
from storage.audience import Audience

IDLE_SECONDS = 3600


@dataclass
class BroadcastDraft:
    token: str = field(default_factory=lambda: secrets.token_hex(4))
    content_kind: str = ""  # "" until given: "text" | "card" | "copy"
    text: str = ""  # Telegram HTML, for "text"
    plain: str = ""  # as the reader sees it (for lists and length checks)
    card_id: str | None = None
    source: tuple[int, int] | None = None  # (chat id, message id), for "copy"
    audience: Audience | None = None
    audience_value: str = ""
    when: When | None = None


@dataclass
class Prompt:
    """The bot asked this coordinator to type something: `kind` says what, `ref` for what."""

    kind: str  # "content" | "when" | "edit_time" | "edit_text" | "camp_time" | "camp_dates"
    ref: str = ""
    since: float = field(default_factory=time.monotonic)


@dataclass
class Desk:
    drafts: dict[int, BroadcastDraft] = field(default_factory=dict)
    prompts: dict[int, Prompt] = field(default_factory=dict)

    def prompt(self, user_id: int) -> Prompt | None:
        prompt = self.prompts.get(user_id)
        if prompt is not None and time.monotonic() - prompt.since > IDLE_SECONDS:
            self.prompts.pop(user_id, None)
            self.drafts.pop(user_id, None)
            return None
        return prompt

    def ask(self, user_id: int, kind: str, ref: str = "") -> None:
        self.prompts[user_id] = Prompt(kind, ref)

    def done(self, user_id: int) -> None:
        self.prompts.pop(user_id, None)

    def draft(self, user_id: int, token: str | None = None) -> BroadcastDraft | None:
        """The user's draft (the one with `token`, when given: buttons of an older draft are
        stale)."""
        draft = self.drafts.get(user_id)
        if draft is None or (token is not None and draft.token != token):
            return None
        return draft

    def drop(self, user_id: int) -> None:
        self.drafts.pop(user_id, None)
        self.prompts.pop(user_id, None)
