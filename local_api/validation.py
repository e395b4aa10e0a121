"""Checks Telegram makes on outgoing content; each one has caught real bot bugs."""

from __future__ import annotations

from typing import Any

from local_api.errors import bad_request
from local_api.formatting import Entity, parse_text, utf16_len
from local_api.registry import Params

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_URL_SCHEMES = ("http://", "https://", "tg://")


def message_text(params: Params) -> dict[str, Any]:
    """``text`` + ``parse_mode``/``entities`` as stored: ``{"text": ..., "entities": ...}``."""
    raw = params.text("text") or ""
    text, entities = parse_text(raw, params.text("parse_mode"), params.obj("entities"))
    if not text.strip():
        raise bad_request("message text is empty")
    if utf16_len(text) > MAX_TEXT:
        raise bad_request("message is too long")
    return _with_entities({"text": text}, "entities", entities)


def caption(params: Params) -> dict[str, Any]:
    """``caption`` + ``parse_mode``/``caption_entities``; empty when there is no caption."""
    raw = params.text("caption")
    if raw is None:
        return {}
    text, entities = parse_text(raw, params.text("parse_mode"), params.obj("caption_entities"))
    if utf16_len(text) > MAX_CAPTION:
        raise bad_request("message caption is too long")
    if not text:
        return {}
    return _with_entities({"caption": text}, "caption_entities", entities)


def _with_entities(content: dict[str, Any], key: str, entities: list[Entity]) -> dict[str, Any]:
    if entities:
        content[key] = entities
    return content


def reply_markup(params: Params, name: str = "reply_markup") -> dict[str, Any] | None:
    """Validates any keyboard; returns it only when it is inline (the rest is not echoed)."""
    markup = params.obj(name)
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        check_inline_keyboard(markup["inline_keyboard"])
        return markup
    keyboard = markup.get("keyboard")
    if keyboard is not None and not _is_rows(keyboard):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if keyboard is None and not (markup.get("remove_keyboard") or markup.get("force_reply")):
        raise bad_request("can't parse reply keyboard markup JSON object")
    return None


def _is_rows(rows: Any) -> bool:
    return isinstance(rows, list) and all(isinstance(row, list) for row in rows)


def check_inline_keyboard(rows: Any) -> None:
    if not _is_rows(rows):
        raise bad_request(
            "can't parse inline keyboard button: InlineKeyboardMarkup must be an Array"
        )
    for row in rows:
        for button in row:
            check_inline_button(button)


def check_inline_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request(
            'can\'t parse inline keyboard button: Field "text" must be of type String'
        )
    if not button["text"].strip():
        raise bad_request("can't parse inline keyboard button: Text must be non-empty")
    actions = [key for key in _BUTTON_ACTIONS if key in button]
    if not actions:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if "callback_data" in button:
        data = button["callback_data"]
        size = len(data.encode("utf-8")) if isinstance(data, str) else 0
        if not 1 <= size <= MAX_CALLBACK_DATA:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button:
        url = button["url"]
        if not isinstance(url, str) or not url.lower().startswith(_URL_SCHEMES) or " " in url:
            raise bad_request("BUTTON_URL_INVALID")


def same_content(
    message: dict[str, Any], content: dict[str, Any], markup: Any, keys: tuple[str, ...]
) -> bool:
    """Whether an edit would leave the message exactly as it is (Telegram refuses that)."""
    unchanged = all(message.get(key) == content.get(key) for key in keys)
    return unchanged and message.get("reply_markup") == markup
