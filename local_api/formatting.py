"""Message text as Telegram stores it: plain text plus entities with UTF-16 offsets.

Outgoing text is parsed with the bot's ``parse_mode`` (or taken with its explicit
``entities``); incoming user text gets the entities Telegram detects itself (bot commands,
mentions, hashtags, links). ``entities_to_html`` renders stored text back to a small, safe
HTML subset for the demo web chat.
"""

from __future__ import annotations

import html
import re
from typing import Any

from local_api.errors import bad_request
from local_api.markup_html import parse_html
from local_api.markup_markdown import parse_markdown, parse_markdown_v2

Entity = dict[str, Any]

_PARSERS = {"html": parse_html, "markdownv2": parse_markdown_v2, "markdown": parse_markdown}
# The patterns tdlib uses for what it detects in user text (match_bot_commands & co).
_DETECTED = (
    (
        "bot_command",
        re.compile(r"(?<![\w/<>])/[a-zA-Z0-9_]{1,64}(?:@[a-zA-Z0-9_]{3,32})?(?![\w/<>])"),
    ),
    ("mention", re.compile(r"(?<!\w)@[a-zA-Z0-9_]{2,32}(?!\w)")),
    ("hashtag", re.compile(r"(?<![\w#])#\w*[^\W\d_]\w*(?![\w#])")),
    ("url", re.compile(r"\bhttps?://[^\s<>\"]+[^\s<>\".,;:!?)\]'，。；：！？）]")),
)
_HTML_TAGS = {
    "bold": "b",
    "italic": "i",
    "underline": "u",
    "strikethrough": "s",
    "spoiler": "tg-spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "expandable_blockquote": "blockquote",
}
_SAFE_LINK = re.compile(r"^(https?|tg)://", re.IGNORECASE)


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def parse_text(
    text: str, parse_mode: str | None, entities: list[Entity] | None = None
) -> tuple[str, list[Entity]]:
    """Applies ``parse_mode`` (HTML, MarkdownV2, Markdown) or explicit ``entities``."""
    if entities is not None:
        _check_entities(text, entities)
        return text, entities
    if not parse_mode:
        return text, []
    parser = _PARSERS.get(parse_mode.lower())
    if parser is None:
        raise bad_request(f"unsupported parse_mode {parse_mode}")
    return parser(text)


def _check_entities(text: str, entities: list[Entity]) -> None:
    size = utf16_len(text)
    for entity in entities:
        if not isinstance(entity, dict) or "type" not in entity:
            raise bad_request("can't parse entities JSON object")
        offset, length = entity.get("offset"), entity.get("length")
        if not isinstance(offset, int) or not isinstance(length, int):
            raise bad_request("can't parse entities JSON object")
        if offset < 0 or length <= 0 or offset + length > size:
            raise bad_request("can't parse entities: entity beyond the end of the text")


def detect_entities(text: str) -> list[Entity]:
    """Entities Telegram adds to a user's message by itself."""
    found: list[Entity] = []
    for kind, pattern in _DETECTED:
        for match in pattern.finditer(text):
            offset = utf16_len(text[: match.start()])
            found.append({"type": kind, "offset": offset, "length": utf16_len(match.group())})
    found.sort(key=lambda e: e["offset"])
    return found


def entities_to_html(text: str, entities: list[Entity]) -> str:
    """Renders text + entities as escaped HTML using only harmless tags.

    Everything from the bot is escaped; links keep only http(s) and tg:// targets, so the
    result can go straight into ``innerHTML`` of the demo page.
    """
    units = text.encode("utf-16-le")
    opens: dict[int, list[str]] = {}
    closes: dict[int, list[str]] = {}
    for entity in sorted(entities, key=lambda e: (e["offset"], -e["length"])):
        start, end = entity["offset"], entity["offset"] + entity["length"]
        if entity["type"] == "url":
            entity = entity | {"url": units[start * 2 : end * 2].decode("utf-16-le", "replace")}
        tags = _tags_for(entity)
        if tags is None:
            continue
        opens.setdefault(start, []).append(tags[0])
        closes.setdefault(end, []).insert(0, tags[1])
    pieces: list[str] = []
    for position in range(len(units) // 2 + 1):
        pieces.extend(closes.get(position, []))
        pieces.extend(opens.get(position, []))
        pieces.append(_unit(units, position))
    return "".join(pieces)


def _unit(units: bytes, position: int) -> str:
    """The character starting at UTF-16 ``position`` (empty inside a surrogate pair)."""
    chunk = units[position * 2 : position * 2 + 2]
    if not chunk:
        return ""
    code = int.from_bytes(chunk, "little")
    if 0xDC00 <= code <= 0xDFFF:
        return ""
    if 0xD800 <= code <= 0xDBFF:
        chunk = units[position * 2 : position * 2 + 4]
    return html.escape(chunk.decode("utf-16-le", errors="replace"))


def _tags_for(entity: Entity) -> tuple[str, str] | None:
    kind = entity["type"]
    if kind in ("text_link", "url") and entity.get("url"):
        url = str(entity["url"])
        if not _SAFE_LINK.match(url):
            return None
        return f'<a href="{html.escape(url)}" target="_blank" rel="noopener">', "</a>"
    tag = _HTML_TAGS.get(kind)
    if tag is None:
        return None
    return f"<{tag}>", f"</{tag}>"
