"""JSON API under ``/demo/api/`` for the ``pufa demo`` web chat (the page itself lives elsewhere).
A user sends text, presses buttons, shares a location or their own phone number (``contact``),
sends a sample photo (``photo``) or an album of them (``album``: one message per photo, as
Telegram sends it).

The browser acts as a user through the same actions tests use, and long-polls the bot's
journal for its chat. Message views carry the plain text, entities, a safe HTML rendering
and the keyboards, so the page never interprets the bot's markup itself.

A photo or document message's view has ``file.url`` (``/demo/api/files/<file_id>``): a
photo is served as ``image/jpeg`` to show inline, a document with its own type and as an
attachment under its file name. A poll's view has ``poll`` (question, options with counts)
and its ``html`` shows the same; ``POST /demo/api/vote`` votes in it.

``GET /demo/api/history`` replays a chat, both sides, in order (every view has ``from``:
``"user"`` or ``"bot"``). ``POST /demo/api/press`` with ``wait_answer`` (seconds) returns the
bot's ``answerCallbackQuery`` (``text``, ``show_alert``) as ``answer``, so every tap can be
acknowledged on the page (``null`` if the bot did not answer in time).
"""

from __future__ import annotations

import asyncio
import math
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from aiohttp import web

from local_api.demo_photos import sample_photo
from local_api.demo_polls import poll_html, poll_view
from local_api.formatting import Entity, detect_entities, entities_to_html
from local_api.records import FakeUser, SentMessage
from local_api.utf8 import NotUtf8Error, require_utf8

if TYPE_CHECKING:
    from local_api.server import LocalBotApi

MAX_POLL_SECONDS = 25.0
PHONE = re.compile(r"\+?[0-9]{5,20}")
MAX_ANSWER_WAIT_SECONDS = 15.0
ALBUM_SIZES = range(2, 11)  # Telegram's albums hold 2-10 photos
API_KEY: web.AppKey[LocalBotApi] = web.AppKey("local_bot_api")
Handler = Callable[[web.Request], Awaitable[web.Response]]


class DemoInputError(Exception):
    """A request the demo API refuses with 400."""


def add_demo_routes(app: web.Application, api: LocalBotApi) -> None:
    app[API_KEY] = api
    app.router.add_post("/demo/api/send", _send)
    app.router.add_post("/demo/api/press", _press)
    app.router.add_post("/demo/api/location", _location)
    app.router.add_post("/demo/api/contact", _contact)
    app.router.add_post("/demo/api/photo", _photo)
    app.router.add_post("/demo/api/album", _album)
    app.router.add_post("/demo/api/vote", _vote)
    app.router.add_get("/demo/api/messages", _messages)
    app.router.add_get("/demo/api/history", _history)
    app.router.add_get("/demo/api/bot", _bot)
    app.router.add_get("/demo/api/files/{file_id}", _file)


def _refusing(handler: Handler) -> Handler:
    """Turns bad input into ``400 {"ok": false, "error": ...}`` instead of a 500; text UTF-8
    cannot carry (a lone surrogate) has ``"reason": "not_utf8"`` too, for the page to say so."""

    async def wrapped(request: web.Request) -> web.Response:
        try:
            return await handler(request)
        except NotUtf8Error as exc:
            body = {"ok": False, "error": str(exc), "reason": "not_utf8"}
            return web.json_response(body, status=400)
        except (DemoInputError, LookupError, ValueError) as exc:
            return web.json_response({"ok": False, "error": str(exc)}, status=400)

    return wrapped


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError as exc:
        raise DemoInputError("body must be JSON") from exc
    if not isinstance(body, dict):
        raise DemoInputError("body must be a JSON object")
    return body


def _integer(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DemoInputError(f"{name} must be an integer")
    return value


def _number(value: Any, name: str, bound: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise DemoInputError(f"{name} must be a number")
    if not -bound <= value <= bound:
        raise DemoInputError(f"{name} is out of range")
    return float(value)


def _user(api: LocalBotApi, body: dict[str, Any]) -> FakeUser:
    user_id = _integer(body.get("user_id"), "user_id")
    if user_id <= 0:
        raise DemoInputError("user_id must be positive")
    known = api.state.users.get(user_id)
    name = body.get("first_name")
    if isinstance(name, str) and name.strip() and (known is None or known.first_name != name):
        return api.user(user_id, name.strip()[:64])
    return known or api.user(user_id, "演示用户")


@_refusing
async def _send(request: web.Request) -> web.Response:
    api, body = request.app[API_KEY], await _body(request)
    user, text = _user(api, body), body.get("text")
    if not isinstance(text, str) or not text.strip() or len(text) > 4096:
        raise DemoInputError("text must be 1-4096 characters")
    require_utf8(text, "text")
    act = api.send_command if text.startswith("/") else api.send_text
    update = act(user, text)
    message = update["message"]
    return web.json_response(
        {"ok": True, "update_id": update["update_id"], "message_id": message["message_id"]}
    )


@_refusing
async def _press(request: web.Request) -> web.Response:
    api, body = request.app[API_KEY], await _body(request)
    user, data = _user(api, body), body.get("data")
    message_id = _integer(body.get("message_id"), "message_id")
    require_utf8(data, "data")
    if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
        raise DemoInputError("data must be 1-64 bytes")
    wait = _number(body.get("wait_answer", 0), "wait_answer", MAX_ANSWER_WAIT_SECONDS)
    update = api.press(user, message_id, data)
    answer = None
    if wait > 0:
        try:
            answer = await api.wait_for_answer(update, timeout=wait)
        except TimeoutError:
            answer = None  # the page says the bot did not answer
    return web.json_response({"ok": True, "update_id": update["update_id"], "answer": answer})


@_refusing
async def _location(request: web.Request) -> web.Response:
    api, body = request.app[API_KEY], await _body(request)
    user = _user(api, body)
    latitude, longitude = _number(body.get("lat"), "lat", 90), _number(body.get("lon"), "lon", 180)
    update = api.send_location(user, latitude, longitude)
    message = update["message"]
    return web.json_response(
        {"ok": True, "update_id": update["update_id"], "message_id": message["message_id"]}
    )


@_refusing
async def _contact(request: web.Request) -> web.Response:
    """``{"user_id", "phone"}``: the user shares their own phone number (the "share my phone
    number" button of a reply keyboard)."""
    api, body = request.app[API_KEY], await _body(request)
    user, phone = _user(api, body), body.get("phone")
    if not isinstance(phone, str) or not PHONE.fullmatch(phone):
        raise DemoInputError("phone must be 5-20 digits, optionally after +")
    update = api.send_contact(user, phone)
    message = update["message"]
    return web.json_response(
        {"ok": True, "update_id": update["update_id"], "message_id": message["message_id"]}
    )


@_refusing
async def _photo(request: web.Request) -> web.Response:
    """``{"user_id"}``: the user sends the sample photo. The answer has the message's view
    (``messages``), so the page can show the photo it sent."""
    api, body = request.app[API_KEY], await _body(request)
    update = api.send_photo(_user(api, body), data=sample_photo(1))
    return _sent_media([update])


@_refusing
async def _album(request: web.Request) -> web.Response:
    """``{"user_id", "count"}``: the user sends an album of ``count`` (2-10) sample photos."""
    api, body = request.app[API_KEY], await _body(request)
    user, count = _user(api, body), _integer(body.get("count"), "count")
    if count not in ALBUM_SIZES:
        raise DemoInputError("count must be 2-10")
    photos = [sample_photo(n) for n in range(1, count + 1)]
    return _sent_media(api.send_album(user, count, data=photos))


def _sent_media(updates: list[dict[str, Any]]) -> web.Response:
    return web.json_response(
        {
            "ok": True,
            "update_ids": [update["update_id"] for update in updates],
            "messages": [user_view(update["message"]) for update in updates],
        }
    )


@_refusing
async def _vote(request: web.Request) -> web.Response:
    """``{"user_id", "message_id", "option_ids": [...]}``: votes in the bot's poll."""
    api, body = request.app[API_KEY], await _body(request)
    user, message_id = _user(api, body), _integer(body.get("message_id"), "message_id")
    option_ids = body.get("option_ids")
    if not isinstance(option_ids, list):
        raise DemoInputError("option_ids must be a list of integers")
    chosen = [_integer(option, "option_ids") for option in option_ids]
    updates = api.answer_poll(user, message_id, chosen)
    return web.json_response({"ok": True, "update_ids": [u["update_id"] for u in updates]})


@_refusing
async def _messages(request: web.Request) -> web.Response:
    """Long poll: the chat's journal entries from position ``after``; ``next`` continues."""
    api = request.app[API_KEY]
    try:
        chat_id = int(request.query["chat_id"])
        after = max(int(request.query.get("after", "0")), 0)
        timeout = float(request.query.get("timeout", MAX_POLL_SECONDS))
    except (KeyError, ValueError) as exc:
        raise DemoInputError(
            "chat_id (integer) is required; after and timeout are numbers"
        ) from exc
    timeout = min(max(timeout, 0.0), MAX_POLL_SECONDS) if math.isfinite(timeout) else 0.0
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        found = [entry for entry in api.sent[after:] if entry.chat_id == chat_id]
        remaining = deadline - asyncio.get_running_loop().time()
        if found or remaining <= 0 or api.state.closed:
            views = [message_view(entry) for entry in found]
            return web.json_response({"ok": True, "messages": views, "next": len(api.sent)})
        await api.state.changed.wait(remaining)


@_refusing
async def _history(request: web.Request) -> web.Response:
    """The whole conversation in one chat, both sides, in order (each bot message as it
    stands now; deleted ones left out); ``next`` continues with ``/messages``."""
    api = request.app[API_KEY]
    try:
        chat_id = int(request.query["chat_id"])
    except (KeyError, ValueError) as exc:
        raise DemoInputError("chat_id (integer) is required") from exc
    latest: dict[int, SentMessage] = {}
    deleted: set[int] = set()
    for entry in api.sent:
        if entry.chat_id == chat_id:
            if entry.action == "delete":
                deleted.add(entry.message_id)
            else:
                latest[entry.message_id] = entry
    views = [
        message_view(entry) for message_id, entry in latest.items() if message_id not in deleted
    ]
    bot_id = api.bot_user["id"]
    views += [
        user_view(message)
        for (chat, _), message in api.state.messages.items()
        if chat == chat_id and message.get("from", {}).get("id") != bot_id
    ]
    views.sort(key=lambda view: view["message_id"])
    return web.json_response({"ok": True, "messages": views, "next": len(api.sent)})


def user_view(message: dict[str, Any]) -> dict[str, Any]:
    """What the web chat needs to draw a message the user sent."""
    view: dict[str, Any] = {
        "from": "user",
        "chat_id": message["chat"]["id"],
        "message_id": message["message_id"],
        "date": message.get("date"),
        "text": message.get("text") or message.get("caption"),
    }
    for key in ("location", "contact", "media_group_id"):
        if key in message:
            view[key] = message[key]
    if "photo" in message:
        photo = message["photo"][-1]
        view["file"] = {"url": f"/demo/api/files/{photo['file_id']}", "kind": "photo"}
    return view


async def _bot(request: web.Request) -> web.Response:
    api = request.app[API_KEY]
    commands = api.commands.get("default", [])
    return web.json_response({"ok": True, "bot": api.bot_user, "commands": commands})


async def _file(request: web.Request) -> web.Response:
    stored = request.app[API_KEY].state.files.get(request.match_info["file_id"])
    if stored is None:
        return web.json_response({"ok": False, "error": "no such file"}, status=404)
    content_type = stored.mime_type or "application/octet-stream"
    headers = {}
    if not content_type.startswith("image/"):  # offered for download under its own name
        name = quote(stored.file_name or stored.file_path.rsplit("/", 1)[-1])
        headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return web.Response(body=stored.data, content_type=content_type, headers=headers)


def message_view(entry: SentMessage) -> dict[str, Any]:
    """What the web chat needs to draw one journal entry."""
    message = entry.message
    text = message.get("text") or message.get("caption") or ""
    entities = message.get("entities") or message.get("caption_entities") or []
    view: dict[str, Any] = {
        "from": "bot",
        "index": entry.index,
        "action": entry.action,
        "kind": entry.kind,
        "chat_id": entry.chat_id,
        "message_id": entry.message_id,
        "date": message.get("date"),
        "text": message.get("text"),
        "caption": message.get("caption"),
        "entities": entities,
        "html": poll_html(message["poll"])
        if "poll" in message
        else entities_to_html(text, entities + _web_addresses(text, entities)),
        "parse_mode": entry.parse_mode,
        "source_text": entry.source_text,
        "reply_markup": message.get("reply_markup"),
        "reply_keyboard": _reply_keyboard(entry),
    }
    for key in ("location", "venue"):
        if key in message:
            view[key] = message[key]
    if "poll" in message:
        view["poll"] = poll_view(message["poll"])
    media = message.get("photo", [None])[-1] if "photo" in message else message.get("document")
    if media:
        view["file"] = {
            "url": f"/demo/api/files/{media['file_id']}",
            "kind": "photo" if "photo" in message else "document",
            "file_name": media.get("file_name"),
            "mime_type": media.get("mime_type", "image/jpeg" if "photo" in message else None),
            "file_size": media.get("file_size"),
        }
    return view


def _web_addresses(text: str, entities: list[Entity]) -> list[Entity]:
    """The web addresses written out in a bot's text, as links: Telegram's apps make them
    clickable (the demo bot's start links, for one, are followed on the page). One inside
    or across a link, or across another entity's edge, is left as it is."""
    spans = [(e["offset"], e["offset"] + e["length"], e["type"]) for e in entities]

    def fits(found: Entity) -> bool:
        start, end = found["offset"], found["offset"] + found["length"]
        for first, last, kind in spans:
            overlap = start < last and first < end
            inside = first <= start and end <= last
            around = start <= first and last <= end
            if overlap and (kind in ("url", "text_link") or not (inside or around)):
                return False
        return True

    return [e for e in detect_entities(text) if e["type"] == "url" and fits(e)]


def _reply_keyboard(entry: SentMessage) -> dict[str, Any] | None:
    """A reply keyboard (or its removal) from the request: Telegram does not echo those."""
    markup = entry.params.get("reply_markup")
    if isinstance(markup, dict) and "inline_keyboard" not in markup:
        return markup
    return None
