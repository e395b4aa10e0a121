"""Decoding Bot API request parameters the way Telegram accepts them.

PTB sends ``application/x-www-form-urlencoded`` (or ``multipart/form-data`` with uploads)
where strings go raw and everything else is JSON-encoded, so ``chat_id=123`` is a number
and ``text=123`` must stay a string. Free-text fields are therefore kept as strings and
the rest is JSON-decoded when it parses. ``application/json`` bodies and query strings are
accepted too, as Telegram does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from local_api.errors import bad_request
from local_api.utf8 import has_lone_surrogate

# Fields whose value is always a string, however much it looks like JSON ("123", "true").
FREE_TEXT_FIELDS = frozenset(
    {
        "text",
        "caption",
        "query",
        "parse_mode",
        "caption_parse_mode",
        "callback_query_id",
        "inline_query_id",
        "description",
        "short_description",
        "name",
        "url",
        "secret_token",
        "next_offset",
        "switch_pm_text",
        "switch_pm_parameter",
        "title",
        "address",
        "phone_number",
        "first_name",
        "last_name",
        "vcard",
        "emoji",
        "action",
        "language_code",
        "file_id",
        "photo",
        "document",
        "sticker",
        "voice",
        "audio",
        "video",
        "animation",
        "thumbnail",
        "foursquare_id",
        "foursquare_type",
        "google_place_id",
        "google_place_type",
        "message_effect_id",
        "business_connection_id",
        "ip_address",
        "custom_title",
        "start_parameter",
        "inline_message_id",
        "result_id",
        "question",
        "explanation",
        "payload",
        "provider_token",
        "currency",
        "chat_instance",
    }
)


@dataclass(frozen=True)
class UploadedFile:
    """A file uploaded in a multipart request."""

    field: str
    filename: str | None
    content_type: str | None
    data: bytes


def decode_value(name: str, raw: str) -> Any:
    """One form value: free text stays a string, anything else is JSON when it parses."""
    if name in FREE_TEXT_FIELDS:
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


async def read_params(request: web.Request) -> dict[str, Any]:
    """All parameters of a Bot API request, uploads as :class:`UploadedFile`."""
    params: dict[str, Any] = {k: decode_value(k, v) for k, v in request.query.items()}
    if request.content_type == "application/json":
        body = await _json_body(request)
        params.update(
            {k: decode_value(k, v) if isinstance(v, str) else v for k, v in body.items()}
        )
    elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.post()
        for name, value in form.items():
            if isinstance(value, web.FileField):
                params[name] = UploadedFile(
                    name, value.filename, value.content_type, value.file.read()
                )
            elif isinstance(value, str):
                params[name] = decode_value(name, value)
    if has_lone_surrogate(params):  # sent as a JSON escape: UTF-8 itself cannot carry one
        raise bad_request("strings must be encoded in UTF-8")
    return _resolve_attachments(params)


async def _json_body(request: web.Request) -> dict[str, Any]:
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise bad_request("can't parse JSON body") from exc
    if not isinstance(body, dict):
        raise bad_request("JSON body must be an object")
    return body


def _resolve_attachments(params: dict[str, Any]) -> dict[str, Any]:
    """Replaces ``attach://<part>`` references by the uploaded part they name."""
    resolved = dict(params)
    for name, value in params.items():
        if isinstance(value, str) and value.startswith("attach://"):
            part = params.get(value.removeprefix("attach://"))
            if not isinstance(part, UploadedFile):
                raise bad_request("wrong file identifier/HTTP URL specified")
            resolved[name] = part
    return resolved
