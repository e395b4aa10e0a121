"""Bot API methods that create, change or remove messages."""

from __future__ import annotations

import time
from typing import Any

from local_api.errors import bad_request
from local_api.records import FakeChat, StoredFile
from local_api.registry import MethodTable, Params
from local_api.state import BotState
from local_api.validation import caption, message_text, reply_markup, same_content

METHODS = MethodTable()
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
# Keys that describe a message's place, not its content (dropped when copying).
_ENVELOPE = frozenset(
    {"message_id", "from", "chat", "date", "edit_date", "reply_to_message", "forward_origin"}
    | {"reply_markup"}
)


def deliver(
    state: BotState,
    params: Params,
    method: str,
    content: dict[str, Any],
    stored: StoredFile | None = None,
    origin: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Stores a message from the bot in ``chat_id`` and journals it as a send.

    ``origin`` holds the text/caption and parse_mode as sent (default: the parameters).
    """
    chat = state.writable_chat(state.chat_id_of(params.get("chat_id")))
    markup = reply_markup(params)
    content = dict(content)
    replied = _replied_message(state, chat, params)
    if replied is not None:
        content["reply_to_message"] = replied
    if markup is not None:
        content["reply_markup"] = markup
    message = state.new_message(chat, state.bot_sender(), content)
    source = Params(origin if origin is not None else params.values)
    state.journal(
        "send",
        method,
        message,
        parse_mode=source.text("parse_mode"),
        source_text=source.text("text") or source.text("caption"),
        file=stored.data if stored else None,
        file_name=stored.file_name if stored else None,
        params=params.values,
    )
    return message


def _replied_message(state: BotState, chat: FakeChat, params: Params) -> dict[str, Any] | None:
    reply = params.obj("reply_parameters") or {}
    message_id = reply.get("message_id", params.integer("reply_to_message_id"))
    if message_id is None:
        return None
    found = state.messages.get((chat.id, message_id))
    if found is None:
        lenient = reply.get("allow_sending_without_reply") or params.flag(
            "allow_sending_without_reply"
        )
        if lenient:
            return None
        raise bad_request("message to be replied not found")
    return {key: value for key, value in found.items() if key != "reply_to_message"}


@METHODS.register("sendMessage", sends=True)
async def send_message(state: BotState, params: Params) -> dict[str, Any]:
    return deliver(state, params, "sendMessage", message_text(params))


def _editable(state: BotState, params: Params, missing: str) -> dict[str, Any]:
    chat = state.writable_chat(state.chat_id_of(params.get("chat_id")))
    message = state.message(chat.id, params.integer("message_id"), missing)
    if message["from"]["id"] != state.bot_user["id"]:
        raise bad_request("message can't be edited")
    return message


def _apply_edit(
    state: BotState,
    method: str,
    message: dict[str, Any],
    changes: tuple[dict[str, Any], dict[str, Any] | None],
    params: Params,
) -> dict[str, Any]:
    """Stores the new content and markup (a missing markup removes the keyboard)."""
    content, markup = changes
    message.pop("reply_markup", None)
    message.update(content)
    if markup is not None:
        message["reply_markup"] = markup
    message["edit_date"] = int(time.time())
    state.journal(
        "edit",
        method,
        message,
        parse_mode=params.text("parse_mode"),
        source_text=params.text("text") or params.text("caption"),
        params=params.values,
    )
    return message


@METHODS.register("editMessageText")
async def edit_message_text(state: BotState, params: Params) -> dict[str, Any] | bool:
    content = message_text(params)
    markup = reply_markup(params)
    if params.get("inline_message_id"):
        return True  # messages sent via inline mode are not tracked
    message = _editable(state, params, "message to edit not found")
    if "text" not in message:
        raise bad_request("there is no text in the message to edit")
    if same_content(message, content, markup, ("text", "entities")):
        raise bad_request(NOT_MODIFIED)
    message.pop("entities", None)
    return _apply_edit(state, "editMessageText", message, (content, markup), params)


@METHODS.register("editMessageCaption")
async def edit_message_caption(state: BotState, params: Params) -> dict[str, Any] | bool:
    content = caption(params)
    markup = reply_markup(params)
    if params.get("inline_message_id"):
        return True
    message = _editable(state, params, "message to edit not found")
    if "text" in message:
        raise bad_request("there is no caption in the message to edit")
    if same_content(message, content, markup, ("caption", "caption_entities")):
        raise bad_request(NOT_MODIFIED)
    message.pop("caption", None)
    message.pop("caption_entities", None)
    return _apply_edit(state, "editMessageCaption", message, (content, markup), params)


@METHODS.register("editMessageReplyMarkup")
async def edit_message_reply_markup(state: BotState, params: Params) -> dict[str, Any] | bool:
    markup = reply_markup(params)
    if params.get("inline_message_id"):
        return True
    message = _editable(state, params, "message to edit not found")
    if same_content(message, {}, markup, ()):
        raise bad_request(NOT_MODIFIED)
    return _apply_edit(state, "editMessageReplyMarkup", message, ({}, markup), params)


@METHODS.register("deleteMessage")
async def delete_message(state: BotState, params: Params) -> bool:
    chat = state.writable_chat(state.chat_id_of(params.get("chat_id")))
    message = state.message(chat.id, params.integer("message_id"), "message to delete not found")
    del state.messages[(chat.id, message["message_id"])]
    state.journal("delete", "deleteMessage", message, params=params.values)
    return True


def _source(state: BotState, params: Params, missing: str) -> dict[str, Any]:
    from_chat = state.chat(state.chat_id_of(params.get("from_chat_id")))
    return state.message(from_chat.id, params.integer("message_id"), missing)


@METHODS.register("copyMessage", sends=True)
async def copy_message(state: BotState, params: Params) -> dict[str, int]:
    source = _source(state, params, "message to copy not found")
    content = {key: value for key, value in source.items() if key not in _ENVELOPE}
    if params.get("caption") is not None and "text" not in content:
        content.pop("caption_entities", None)
        content.update(caption(params))
    message = deliver(state, params, "copyMessage", content)
    return {"message_id": message["message_id"]}


@METHODS.register("forwardMessage", sends=True)
async def forward_message(state: BotState, params: Params) -> dict[str, Any]:
    source = _source(state, params, "message to forward not found")
    content = {key: value for key, value in source.items() if key not in _ENVELOPE}
    sender = source["from"]
    content["forward_origin"] = {"type": "user", "sender_user": sender, "date": source["date"]}
    if source["chat"]["type"] != "private":
        origin = {"type": "chat", "sender_chat": source["chat"], "date": source["date"]}
        content["forward_origin"] = origin
    return deliver(state, params, "forwardMessage", content)


@METHODS.register("pinChatMessage")
async def pin_chat_message(state: BotState, params: Params) -> bool:
    chat = state.writable_chat(state.chat_id_of(params.get("chat_id")))
    state.message(chat.id, params.integer("message_id"), "message to pin not found")
    state.pinned[chat.id] = params.integer("message_id") or 0
    return True


@METHODS.register("unpinChatMessage")
async def unpin_chat_message(state: BotState, params: Params) -> bool:
    chat = state.writable_chat(state.chat_id_of(params.get("chat_id")))
    state.pinned.pop(chat.id, None)
    return True
