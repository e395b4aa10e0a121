"""Telegram's wire is UTF-8, and UTF-8 cannot carry a lone surrogate: half of a UTF-16 pair,
such as ``"\\ud83d"`` left when text is cut inside an emoji by UTF-16 units. Python strings
(and JSON's ``\\uXXXX`` escapes) can hold one, so it is refused where text comes in: from a
test or the demo acting as a user (a ``ValueError``, which the demo API answers with 400), and
from the bot (Telegram's own 400). Updates forged on purpose go out as JSON escapes."""

from __future__ import annotations

import json
import re
from typing import Any

_SURROGATE = re.compile("[\ud800-\udfff]")


class NotUtf8Error(ValueError):
    """A value holds a string UTF-8 cannot encode."""


def has_lone_surrogate(value: Any) -> bool:
    """Whether any string in ``value`` (nested in dicts and lists, keys too) has one."""
    if isinstance(value, str):
        return not value.isascii() and _SURROGATE.search(value) is not None
    if isinstance(value, dict):
        return any(has_lone_surrogate(k) or has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(has_lone_surrogate(item) for item in value)
    return False


def require_utf8(value: Any, what: str) -> None:
    if has_lone_surrogate(value):
        raise NotUtf8Error(
            f"{what} must be valid UTF-8 text: it holds a lone surrogate "
            "(half of an emoji, as when text is cut inside one)"
        )


def wire_json(body: Any) -> bytes:
    """``body`` as UTF-8 JSON; a forged lone surrogate is written as its ``\\uXXXX`` escape
    (all of that body ASCII then), as a JSON writer that escapes everything would."""
    text = json.dumps(body, ensure_ascii=False)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(body).encode("ascii")
