"""Bot API methods about the bot itself: identity, updates, webhook, commands, profile."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

from local_api.errors import BAD_GATEWAY, ApiError, bad_request
from local_api.polls import close_due, seconds_to_next_close
from local_api.registry import MethodTable, Params
from local_api.state import BotState
from local_api.webhook import NOT_LOOPBACK, Webhook, is_loopback

METHODS = MethodTable()
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_WEBHOOK_CONFLICT = ApiError(
    409,
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first",
)
_POLL_CONFLICT = ApiError(
    409,
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running",
)


@METHODS.register("getMe")
async def get_me(state: BotState, params: Params) -> dict[str, Any]:
    return dict(state.bot_user)


@METHODS.register("getUpdates")
async def get_updates(state: BotState, params: Params) -> list[dict[str, Any]]:
    """Long polling: answers as soon as an update is pending, or empty after ``timeout``.

    A newer getUpdates ends an older one with 409, as Telegram does; so does a webhook set
    meanwhile. A server going down (``LocalBotApi.go_down``) ends it with 502.
    """
    if state.webhook is not None:
        raise _WEBHOOK_CONFLICT
    state.confirm(params.integer("offset"))
    allowed = params.obj("allowed_updates")
    if allowed is not None:
        state.allowed_updates = [str(kind) for kind in allowed]
    limit = min(max(params.integer("limit") or 100, 1), 100)
    state.poll_generation += 1
    generation = state.poll_generation
    state.pending_polls += 1
    state.changed.fire()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + max(params.number("timeout") or 0, 0)
    try:
        while True:
            close_due(state)
            ready = state.deliverable(limit)
            if ready or state.closed:
                return ready
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            next_close = seconds_to_next_close(state)
            await state.changed.wait(
                remaining if next_close is None else min(remaining, next_close)
            )
            if state.poll_generation != generation:
                raise _POLL_CONFLICT
            if state.down:
                raise BAD_GATEWAY
            if state.webhook is not None:
                raise _WEBHOOK_CONFLICT
    finally:
        state.pending_polls -= 1


@METHODS.register("setWebhook")
async def set_webhook(state: BotState, params: Params) -> bool:
    """Sets (or, with an empty url, removes) the webhook the server POSTs updates to.

    Plain http is accepted (tests serve the webhook on loopback); see local_api.webhook.
    """
    url = params.text("url") or ""
    secret = params.text("secret_token")
    if secret is not None and not _SECRET.match(secret):
        raise bad_request("secret token contains unallowed characters")
    if url and not url.startswith("https://") and not url.startswith("http://"):
        raise bad_request("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
    if params.flag("drop_pending_updates"):
        state.updates.clear()
    allowed = params.obj("allowed_updates")
    if allowed is not None:
        state.allowed_updates = [str(kind) for kind in allowed]
    if not url:
        state.webhook = None
    else:
        connections = min(max(params.integer("max_connections") or 40, 1), 100)
        state.webhook = Webhook(url, secret, connections)
        if not is_loopback(url):
            state.webhook.failed(NOT_LOOPBACK)
    state.changed.fire()
    return True


@METHODS.register("deleteWebhook")
async def delete_webhook(state: BotState, params: Params) -> bool:
    if params.flag("drop_pending_updates"):
        state.updates.clear()
    state.webhook = None
    return True


@METHODS.register("getWebhookInfo")
async def get_webhook_info(state: BotState, params: Params) -> dict[str, Any]:
    hook = state.webhook
    info: dict[str, Any] = {
        "url": hook.url if hook else "",
        "has_custom_certificate": False,
        "pending_update_count": len(state.updates),
    }
    if hook is not None:
        info["max_connections"] = hook.max_connections
        if state.allowed_updates is not None:
            info["allowed_updates"] = list(state.allowed_updates)
        if hook.last_error_message is not None:
            info["last_error_date"] = hook.last_error_date
            info["last_error_message"] = hook.last_error_message
    return info


@METHODS.register("logOut")
async def log_out(state: BotState, params: Params) -> bool:
    return True


@METHODS.register("close")
async def close(state: BotState, params: Params) -> bool:
    return True


def command_key(scope: Any, language_code: str | None) -> str:
    """Where setMyCommands stores a list: ``"default"``, ``"chat:-100/zh"`` and so on."""
    scope = scope if isinstance(scope, dict) else {}
    key = str(scope.get("type", "default"))
    for part in ("chat_id", "user_id"):
        if part in scope:
            key += f":{scope[part]}"
    return f"{key}/{language_code}" if language_code else key


@METHODS.register("setMyCommands")
async def set_my_commands(state: BotState, params: Params) -> bool:
    commands = params.obj("commands")
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > 100:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    for command in commands:
        name = command.get("command") if isinstance(command, dict) else None
        if not isinstance(name, str) or not _COMMAND.match(name):
            raise bad_request("BOT_COMMAND_INVALID")
        description = command.get("description")
        if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    key = command_key(params.obj("scope"), params.text("language_code"))
    state.commands[key] = [
        {"command": c["command"], "description": c["description"]} for c in commands
    ]
    return True


@METHODS.register("getMyCommands")
async def get_my_commands(state: BotState, params: Params) -> list[dict[str, Any]]:
    key = command_key(params.obj("scope"), params.text("language_code"))
    return list(state.commands.get(key, []))


@METHODS.register("deleteMyCommands")
async def delete_my_commands(state: BotState, params: Params) -> bool:
    state.commands.pop(command_key(params.obj("scope"), params.text("language_code")), None)
    return True


def _profile_methods(field: str, limit: int, setter: str, getter: str) -> None:
    """setMyDescription/getMyDescription and the like: text per language, recorded."""

    async def set_field(state: BotState, params: Params) -> bool:
        value = params.text(field) or ""
        if len(value) > limit:
            raise bad_request(f"{field} is too long")
        state.profile[f"{field}/{params.text('language_code') or ''}"] = value
        return True

    async def get_field(state: BotState, params: Params) -> dict[str, str]:
        key = f"{field}/{params.text('language_code') or ''}"
        return {field: state.profile.get(key, "")}

    METHODS.register(setter)(set_field)
    METHODS.register(getter)(get_field)


_profile_methods("description", 512, "setMyDescription", "getMyDescription")
_profile_methods("short_description", 120, "setMyShortDescription", "getMyShortDescription")
_profile_methods("name", 64, "setMyName", "getMyName")


@METHODS.register("setChatMenuButton")
async def set_chat_menu_button(state: BotState, params: Params) -> bool:
    state.profile["menu_button"] = json.dumps(params.obj("menu_button") or {"type": "default"})
    return True


@METHODS.register("getChatMenuButton")
async def get_chat_menu_button(state: BotState, params: Params) -> dict[str, str]:
    return {"type": "commands"}
