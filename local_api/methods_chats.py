"""Bot API methods about chats, members, files and answers to queries."""

from __future__ import annotations

from typing import Any

from local_api.errors import bad_request
from local_api.formatting import parse_text, utf16_len
from local_api.records import ADMIN_RIGHTS
from local_api.registry import MethodTable, Params
from local_api.state import BotState
from local_api.validation import MAX_TEXT, check_inline_keyboard

METHODS = MethodTable()
QUERY_EXPIRED = "query is too old and response timeout expired or query ID is invalid"
_ACTIONS = frozenset(
    {"typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice"}
    | {"upload_document", "choose_sticker", "find_location", "record_video_note"}
    | {"upload_video_note"}
)
_GIFT_TYPES = {
    "unlimited_gifts": False,
    "limited_gifts": False,
    "unique_gifts": False,
    "premium_subscription": False,
    "gifts_from_channels": False,
}


@METHODS.register("getChat")
async def get_chat(state: BotState, params: Params) -> dict[str, Any]:
    chat = state.chat(state.chat_id_of(params.get("chat_id")))
    return chat.to_dict() | {
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": dict(_GIFT_TYPES),
    }


def _user_dict(state: BotState, user_id: int) -> dict[str, Any]:
    if user_id == state.bot_user["id"]:
        return state.bot_sender()
    user = state.users.get(user_id)
    if user is None:
        return {"id": user_id, "is_bot": False, "first_name": f"用户{user_id}"}
    return user.to_dict()


def _member(state: BotState, chat_id: int, user_id: int) -> dict[str, Any]:
    user = _user_dict(state, user_id)
    if user_id in state.admins.get(chat_id, []):
        return {"status": "administrator", "user": user, **ADMIN_RIGHTS}
    # A private chat holds only its user and the bot; a group, every user the server knows.
    present = user_id == state.bot_user["id"] or (
        user_id == chat_id if chat_id > 0 else user_id in state.users
    )
    return {"status": "member" if present else "left", "user": user}


@METHODS.register("getChatMember")
async def get_chat_member(state: BotState, params: Params) -> dict[str, Any]:
    chat = state.chat(state.chat_id_of(params.get("chat_id")))
    user_id = params.integer("user_id")
    if user_id is None:
        raise bad_request("user not found")
    return _member(state, chat.id, user_id)


@METHODS.register("getChatAdministrators")
async def get_chat_administrators(state: BotState, params: Params) -> list[dict[str, Any]]:
    chat = state.chat(state.chat_id_of(params.get("chat_id")))
    if chat.type == "private":
        raise bad_request("there are no administrators in the private chat")
    return [_member(state, chat.id, user_id) for user_id in state.admins.get(chat.id, [])]


@METHODS.register("getChatMemberCount")
async def get_chat_member_count(state: BotState, params: Params) -> int:
    chat = state.chat(state.chat_id_of(params.get("chat_id")))
    return 2 if chat.type == "private" else max(len(state.admins.get(chat.id, [])), 1) + 1


@METHODS.register("sendChatAction")
async def send_chat_action(state: BotState, params: Params) -> bool:
    state.writable_chat(state.chat_id_of(params.get("chat_id")))
    if params.text("action") not in _ACTIONS:
        raise bad_request("wrong parameter action in request")
    return True


@METHODS.register("getFile")
async def get_file(state: BotState, params: Params) -> dict[str, Any]:
    stored = state.files.get(params.text("file_id") or "")
    if stored is None:
        raise bad_request("invalid file_id")
    return stored.to_file()


def _open_query(state: BotState, query_id: str | None) -> str:
    """Each query can be answered once, and only if it exists."""
    if not query_id or query_id not in state.open_queries:
        raise bad_request(QUERY_EXPIRED)
    return query_id


@METHODS.register("answerCallbackQuery")
async def answer_callback_query(state: BotState, params: Params) -> bool:
    query_id = _open_query(state, params.text("callback_query_id"))
    text = params.text("text")
    if text is not None and len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    state.open_queries.discard(query_id)
    state.callback_answers[query_id] = {
        "text": text,
        "show_alert": params.flag("show_alert"),
        "url": params.text("url"),
        "cache_time": params.integer("cache_time"),
    }
    state.changed.fire()
    return True


@METHODS.register("answerInlineQuery")
async def answer_inline_query(state: BotState, params: Params) -> bool:
    query_id = _open_query(state, params.text("inline_query_id"))
    results = params.obj("results")
    if not isinstance(results, list):
        raise bad_request("can't parse results JSON object")
    if len(results) > 50:
        raise bad_request("RESULTS_TOO_MUCH")
    seen: set[str] = set()
    for result in results:
        _check_inline_result(result, seen)
    next_offset = params.text("next_offset") or ""
    if len(next_offset.encode("utf-8")) > 64:
        raise bad_request("NEXT_OFFSET_INVALID")
    state.open_queries.discard(query_id)
    state.inline_answers[query_id] = {
        "results": results,
        "cache_time": params.integer("cache_time"),
        "is_personal": params.flag("is_personal"),
        "next_offset": next_offset,
        "button": params.obj("button"),
    }
    state.changed.fire()
    return True


def _check_inline_result(result: Any, seen: set[str]) -> None:
    if not isinstance(result, dict) or not isinstance(result.get("type"), str):
        raise bad_request("can't parse results JSON object")
    result_id = result.get("id")
    if not isinstance(result_id, str) or not 1 <= len(result_id.encode("utf-8")) <= 64:
        raise bad_request("RESULT_ID_INVALID")
    if result_id in seen:
        raise bad_request("RESULT_ID_DUPLICATE")
    seen.add(result_id)
    if result["type"] == "article" and not result.get("title"):
        raise bad_request("RESULT_TITLE_EMPTY")
    markup = result.get("reply_markup")
    if markup is not None:
        check_inline_keyboard(markup.get("inline_keyboard") if isinstance(markup, dict) else None)
    content = result.get("input_message_content")
    if isinstance(content, dict) and "message_text" in content:
        raw = content["message_text"]
        text, _ = parse_text(str(raw), content.get("parse_mode"), content.get("entities"))
        if not text.strip():
            raise bad_request("MESSAGE_EMPTY")
        if utf16_len(text) > MAX_TEXT:
            raise bad_request("MESSAGE_TOO_LONG")
    elif result["type"] == "article":
        raise bad_request(
            "can't parse InlineQueryResultArticle: input_message_content is required"
        )
