"""Plain records of the fake Bot API: who talks to the bot and what the bot did."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

# What Telegram says of an administrator, beyond its status (the rights asked for by default).
ADMIN_RIGHTS = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
    "can_pin_messages": True,
}

SentAction = Literal["send", "edit", "delete"]


@dataclass(frozen=True)
class FakeUser:
    """A Telegram user the tests or the demo act as."""

    id: int
    first_name: str = "测试用户"
    username: str | None = None
    last_name: str | None = None
    language_code: str = "zh-hans"

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        data["language_code"] = self.language_code
        return data

    def private_chat(self) -> FakeChat:
        return FakeChat(self.id, "private", first_name=self.first_name, username=self.username)


@dataclass(frozen=True)
class FakeChat:
    """A chat: a user's private chat (id = user id) or a group (negative id)."""

    id: int
    type: Literal["private", "group", "supergroup", "channel"] = "private"
    title: str | None = None
    first_name: str | None = None
    username: str | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        for key in ("title", "first_name", "username"):
            value = getattr(self, key)
            if value:
                data[key] = value
        return data


@dataclass(frozen=True)
class StoredFile:
    """A file the server can hand out by ``file_id`` (uploads and user media)."""

    file_id: str
    file_unique_id: str
    data: bytes
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None

    def to_file(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }


@dataclass(frozen=True)
class ApiCall:
    """One request the bot made, with the decoded parameters and the answer it got."""

    index: int
    method: str
    params: dict[str, Any]
    time: float
    status: int
    response: dict[str, Any]

    @property
    def ok(self) -> bool:
        return bool(self.response.get("ok"))

    @property
    def result(self) -> Any:
        return self.response.get("result")

    @property
    def description(self) -> str | None:
        return self.response.get("description")


@dataclass(frozen=True)
class SentMessage:
    """One entry of the journal of what the bot did to messages: a send, an edit, a delete.

    ``text`` and ``caption`` are what the user sees (markup parsed, entities separate);
    ``source_text`` is what the bot sent verbatim, to be read with ``parse_mode``.
    ``message`` is the Telegram Message object as it stood after the action.
    """

    index: int
    action: SentAction
    method: str
    chat_id: int
    message_id: int
    kind: str
    message: dict[str, Any]
    parse_mode: str | None = None
    source_text: str | None = None
    file: bytes | None = None
    file_name: str | None = None
    params: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def text(self) -> str | None:
        return self.message.get("text")

    @property
    def caption(self) -> str | None:
        return self.message.get("caption")

    @property
    def entities(self) -> list[dict[str, Any]]:
        return list(self.message.get("entities") or self.message.get("caption_entities") or [])

    @property
    def reply_markup(self) -> dict[str, Any] | None:
        return self.message.get("reply_markup")

    @property
    def content(self) -> str:
        """Text or caption, whichever the message has ("" for neither)."""
        return self.text or self.caption or ""

    def buttons(self) -> list[list[dict[str, Any]]]:
        """The inline keyboard rows (empty when there is none)."""
        return inline_rows(self.message)

    def button_labels(self) -> list[str]:
        return [button["text"] for row in self.buttons() for button in row]

    def find_button(self, label: str) -> dict[str, Any]:
        """The inline button labelled ``label`` (exact, else the only one containing it)."""
        return find_button(self.message, label)

    def describe(self) -> str:
        """One line for failure dumps."""
        body = (self.content or self.kind).replace("\n", "⏎")[:200]
        labels = f" buttons={self.button_labels()}" if self.buttons() else ""
        where = f"#{self.index} {self.action} chat={self.chat_id} msg={self.message_id}"
        return f"{where}: {body}{labels}"


def inline_rows(message: dict[str, Any]) -> list[list[dict[str, Any]]]:
    markup = message.get("reply_markup") or {}
    return [list(row) for row in markup.get("inline_keyboard", [])]


def find_button(message: dict[str, Any], label: str) -> dict[str, Any]:
    """The inline button labelled ``label`` (exact, else the only one containing it)."""
    buttons = [button for row in inline_rows(message) for button in row]
    exact = [b for b in buttons if b["text"] == label]
    partial = [b for b in buttons if label in b["text"]]
    found = exact or (partial if len(partial) == 1 else [])
    if not found:
        labels = [b["text"] for b in buttons]
        raise LookupError(f"no button {label!r} in message; buttons: {labels}")
    return found[0]
