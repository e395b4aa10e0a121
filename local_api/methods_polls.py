"""Bot API methods for native polls and quizzes: sendPoll and stopPoll.

Checks follow the Bot API 10.0 limits (python-telegram-bot 22.8's ``PollLimit``): a
question of 1-300 characters, 1-12 options of 1-100 characters, an explanation of at most
200 characters. Older Bot API versions wanted 2-10 options; today's server takes 1-12,
and the fake refuses only what the real one refuses. The error wording is TDLib's, as the
Bot API server words it, except for the explanation, whose wording is the fake's own.
"""

from __future__ import annotations

import time
from typing import Any

from local_api.errors import bad_request
from local_api.formatting import parse_text
from local_api.methods_messages import deliver
from local_api.polls import PollRecord, close, register, snapshot
from local_api.registry import MethodTable, Params
from local_api.state import BotState
from local_api.validation import reply_markup

METHODS = MethodTable()
MAX_QUESTION = 300
MAX_OPTIONS = 12
MAX_OPTION = 100
MAX_EXPLANATION = 200
EMPTY_TEXT = "text must be non-empty"


def _plain(raw: str, parse_mode: str | None, entities: Any) -> tuple[str, list[dict[str, Any]]]:
    """Text after markup; polls keep only custom emoji of the entities, as Telegram does."""
    text, parsed = parse_text(raw, parse_mode, entities)
    return text, [entity for entity in parsed if entity["type"] == "custom_emoji"]


def _question(params: Params) -> dict[str, Any]:
    text, entities = _plain(
        params.text("question") or "",
        params.text("question_parse_mode"),
        params.obj("question_entities"),
    )
    if not text.strip():
        raise bad_request(EMPTY_TEXT)
    if len(text) > MAX_QUESTION:
        raise bad_request(f"poll question length must not exceed {MAX_QUESTION}")
    return {"question": text} | ({"question_entities": entities} if entities else {})


def _options(params: Params) -> list[dict[str, Any]]:
    given = params.obj("options") or []
    if not isinstance(given, list) or not given:
        raise bad_request("poll must have at least one answer option")
    if len(given) > MAX_OPTIONS:
        raise bad_request(f"poll can't have more than {MAX_OPTIONS} options")
    options = []
    for index, item in enumerate(given):
        if isinstance(item, str):
            item = {"text": item}
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise bad_request('can\'t parse InputPollOption: Field "text" must be of type String')
        text, entities = _plain(
            item["text"], item.get("text_parse_mode"), item.get("text_entities")
        )
        if not text.strip():
            raise bad_request(EMPTY_TEXT)
        if len(text) > MAX_OPTION:
            raise bad_request(f"poll options length must not exceed {MAX_OPTION}")
        option: dict[str, Any] = {"persistent_id": str(index), "text": text, "voter_count": 0}
        options.append(option | ({"text_entities": entities} if entities else {}))
    return options


def _correct_option_ids(params: Params, option_count: int) -> list[int]:
    """``correct_option_ids`` (Bot API 9.6) or the older single ``correct_option_id``."""
    given = params.obj("correct_option_ids")
    if given is None and params.get("correct_option_id") is not None:
        given = [params.integer("correct_option_id")]
    if (
        not isinstance(given, list)
        or not given
        or any(isinstance(i, bool) or not isinstance(i, int) for i in given)
        or any(not 0 <= i < option_count for i in given)
    ):
        raise bad_request("wrong correct option ID specified")
    return sorted(set(given))


def _quiz(params: Params, option_count: int) -> dict[str, Any]:
    quiz: dict[str, Any] = {"correct_option_ids": _correct_option_ids(params, option_count)}
    raw = params.text("explanation")
    if raw:
        text, entities = parse_text(
            raw, params.text("explanation_parse_mode"), params.obj("explanation_entities")
        )
        if len(text) > MAX_EXPLANATION:
            raise bad_request("explanation is too long")
        quiz["explanation"] = text
        if entities:
            quiz["explanation_entities"] = entities
    return quiz


def _timing(state: BotState, params: Params) -> tuple[dict[str, int], float | None]:
    """The poll's ``open_period``/``close_date`` fields and its closing time on the server
    clock; ``open_period`` wins when both are given, as in TDLib."""
    open_period, close_date = params.integer("open_period"), params.integer("close_date")
    if open_period:
        fields = {"open_period": open_period, "close_date": int(time.time()) + open_period}
        return fields, state.clock() + open_period
    if close_date:
        return {"close_date": close_date}, state.clock() + (close_date - time.time())
    return {}, None


@METHODS.register("sendPoll", sends=True)
async def send_poll(state: BotState, params: Params) -> dict[str, Any]:
    kind = params.text("type") or "regular"
    if kind not in ("regular", "quiz"):
        raise bad_request("unsupported poll type specified")
    content = _question(params)
    options = _options(params)
    revoting = params.get("allows_revoting")
    poll: dict[str, Any] = {
        "id": str(state.serial()),
        **content,
        "options": options,
        "total_voter_count": 0,
        "is_closed": params.flag("is_closed"),
        "is_anonymous": params.get("is_anonymous") is None or params.flag("is_anonymous"),
        "type": kind,
        "allows_multiple_answers": params.flag("allows_multiple_answers"),
        "allows_revoting": kind == "regular"
        if revoting is None
        else params.flag("allows_revoting"),
        "members_only": False,
    }
    if kind == "quiz":
        poll |= _quiz(params, len(options))
    timing, closes_at = _timing(state, params)
    poll |= timing
    message = deliver(state, params, "sendPoll", {"poll": snapshot(poll)})
    record = PollRecord(poll, message["chat"]["id"], message["message_id"], closes_at)
    register(state, record)
    return message


@METHODS.register("stopPoll")
async def stop_poll(state: BotState, params: Params) -> dict[str, Any]:
    """Closes a poll the bot sent; the message is journaled as an edit (its final state)."""
    chat = state.writable_chat(state.chat_id_of(params.get("chat_id")))
    markup = reply_markup(params)
    message = state.message(
        chat.id, params.integer("message_id"), "message with poll to stop not found"
    )
    if "poll" not in message:
        raise bad_request("message is not a poll")
    record = state.polls.get(message["poll"]["id"])
    if record is None or message["from"]["id"] != state.bot_user["id"]:
        raise bad_request("poll can't be stopped")
    if record.poll["is_closed"]:
        raise bad_request("poll has already been closed")
    close(state, record)
    message.pop("reply_markup", None)
    if markup is not None:
        message["reply_markup"] = markup
    state.journal("edit", "stopPoll", message, params=params.values)
    return dict(message["poll"])
