"""Telegram's MarkdownV2 and legacy Markdown parse modes, ported from tdlib.

MarkdownV2 is where bots most often fail in production (an unescaped ``.`` or ``-`` in
dynamic text), so the port keeps tdlib's reserved characters and error texts. Custom emoji
(``![👍](tg://emoji?id=...)``) is accepted but not checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from local_api.errors import parse_error

_RESERVED = "_*[]()~`>#+-=|{}.!\n"
_TYPE_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
    "blockquote": "BlockQuote",
}
_SPACES = " \t\r\n\0\v\f"


@dataclass
class _Open:
    kind: str
    offset: int  # UTF-16 offset in the output
    byte_offset: int  # in the source, for error messages
    out_pos: int
    language: str = ""


@dataclass
class _Output:
    chars: list[str] = field(default_factory=list)
    utf16: int = 0

    def emit(self, ch: str) -> None:
        self.chars.append(ch)
        self.utf16 += 2 if ord(ch) > 0xFFFF else 1


def _at(src: str, i: int) -> str:
    return src[i] if i < len(src) else "\0"


def _byte_offset(src: str, i: int) -> int:
    return len(src[:i].encode("utf-8"))


def _skip_pre_header(src: str, i: int) -> tuple[int, str]:
    """After an opening fence: reads an optional language and one leading newline."""
    language_end = i
    while _at(src, language_end) not in _SPACES and _at(src, language_end) != "`":
        language_end += 1
    language = ""
    if i != language_end and language_end < len(src) and src[language_end] != "`":
        language, i = src[i:language_end], language_end
    if _at(src, i) in "\r\n" and i < len(src):
        pair = _at(src, i + 1) in "\r\n" and _at(src, i + 1) != src[i]
        i += 2 if pair else 1
    return i, language


def _reserved(char: str) -> Exception:
    return parse_error(
        f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
    )


class _MarkdownV2:
    def __init__(self, src: str) -> None:
        self.src = src
        self.out = _Output()
        self.stack: list[_Open] = []
        self.entities: list[dict[str, Any]] = []
        self.have_blockquote = False

    def run(self) -> tuple[str, list[dict[str, Any]]]:
        src, i = self.src, 0
        while i < len(src):
            ch = src[i]
            if ch == "\\" and 0 < ord(_at(src, i + 1)) <= 126:
                self.out.emit(src[i + 1])
                i += 2
                continue
            in_code = bool(self.stack) and self.stack[-1].kind in ("code", "pre")
            if ch not in ("`" if in_code else _RESERVED):
                self.out.emit(ch)
                i += 1
            elif self.is_end(i):
                i = self.close(i) + 1
            else:
                i = self.open(i) + 1
        if self.have_blockquote and self.stack and self.stack[-1].kind == "blockquote":
            top = self.stack.pop()
            if self.out.utf16 > top.offset:
                self.add(top, {})
        if self.stack:
            top = self.stack[-1]
            name = _TYPE_NAMES[top.kind]
            raise parse_error(f"Can't find end of {name} entity at byte offset {top.byte_offset}")
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.out.chars), self.entities

    def is_end(self, i: int) -> bool:
        if not self.stack:
            return False
        src, ch, kind = self.src, self.src[i], self.stack[-1].kind
        if self.have_blockquote and ch == "\n" and _at(src, i + 1) != ">":
            return True
        nxt = _at(src, i + 1)
        return {
            "bold": ch == "*",
            "italic": ch == "_" and nxt != "_",
            "code": ch == "`",
            "pre": ch == "`" and nxt == "`" and _at(src, i + 2) == "`",
            "text_link": ch == "]",
            "custom_emoji": ch == "]",
            "underline": ch == "_" and nxt == "_",
            "strikethrough": ch == "~",
            "spoiler": ch == "|" and nxt == "|",
        }.get(kind, False)

    def open(self, i: int) -> int:
        """Starts an entity at ``i``; returns the index of its last markup character."""
        src, ch, start = self.src, self.src[i], i
        nxt = _at(src, i + 1)
        language = ""
        if ch == "_":
            kind = "underline" if nxt == "_" else "italic"
            i += nxt == "_"
        elif ch in "*~[":
            kind = {"*": "bold", "~": "strikethrough", "[": "text_link"}[ch]
        elif ch == "|" and nxt == "|":
            kind, i = "spoiler", i + 1
        elif ch == "!" and nxt == "[":
            kind, i = "custom_emoji", i + 1
        elif ch == "`" and nxt == "`" and _at(src, i + 2) == "`":
            kind = "pre"
            i, language = _skip_pre_header(src, i + 3)
            i -= 1
        elif ch == "`":
            kind = "code"
        elif ch == "\n":
            self.out.emit("\n")
            if _at(src, i + 1) != ">":
                return i
            i += 1
            if self.have_blockquote:
                return i
            kind = "blockquote"
        elif ch == ">" and i == 0:
            kind = "blockquote"
        else:
            raise _reserved(ch)
        if kind == "blockquote":
            self.have_blockquote = True
        offset = _byte_offset(src, start)
        self.stack.append(_Open(kind, self.out.utf16, offset, len(self.out.chars), language))
        return i

    def close(self, i: int) -> int:
        """Ends the innermost entity at ``i``; returns the index of its last markup character."""
        src, top = self.src, self.stack[-1]
        if src[i] == "\n" and top.kind != "blockquote":
            name = _TYPE_NAMES[top.kind]
            raise parse_error(f"Can't find end of {name} entity at byte offset {top.byte_offset}")
        extra: dict[str, Any] = {}
        if top.kind in ("underline", "spoiler"):
            i += 1
        elif top.kind == "pre":
            i += 2
            if top.language:
                extra["language"] = top.language
        elif top.kind in ("text_link", "custom_emoji"):
            url, i = self.link_target(i, top)
            extra = {"url": url} if top.kind == "text_link" else {"custom_emoji_id": url}
        elif top.kind == "blockquote":
            self.have_blockquote = False
            self.out.emit(src[i])
        self.stack.pop()
        if self.out.utf16 > top.offset and extra.get("url", "-"):
            self.add(top, extra)
        return i

    def link_target(self, i: int, top: _Open) -> tuple[str, int]:
        src = self.src
        if _at(src, i + 1) != "(":
            if top.kind == "custom_emoji":
                raise parse_error("Custom emoji entity must contain a tg://emoji URL")
            return "".join(self.out.chars[top.out_pos :]), i
        i += 2
        url_begin, url = i, []
        while i < len(src) and src[i] != ")":
            if src[i] == "\\" and 0 < ord(_at(src, i + 1)) <= 126:
                url.append(src[i + 1])
                i += 2
            else:
                url.append(src[i])
                i += 1
        if i >= len(src):
            what = "a URL" if top.kind == "text_link" else "a custom emoji URL"
            offset = _byte_offset(src, url_begin)
            raise parse_error(f"Can't find end of {what} at byte offset {offset}")
        return "".join(url), i

    def add(self, top: _Open, extra: dict[str, Any]) -> None:
        entity = {"type": top.kind, "offset": top.offset, "length": self.out.utf16 - top.offset}
        self.entities.append(entity | extra)


def parse_markdown_v2(src: str) -> tuple[str, list[dict[str, Any]]]:
    """Returns ``(plain_text, entities)`` or raises the 400 Telegram would answer."""
    return _MarkdownV2(src).run()


def parse_markdown(src: str) -> tuple[str, list[dict[str, Any]]]:
    """Legacy ``Markdown``: ``*bold*``, ``_italic_``, ```code```, ``[text](url)``, fences."""
    out, entities, i = _Output(), [], 0
    while i < len(src):
        ch = src[i]
        if ch == "\\" and _at(src, i + 1) in "_*`[":
            out.emit(src[i + 1])
            i += 2
            continue
        if ch not in "_*`[":
            out.emit(ch)
            i += 1
            continue
        begin, end_char, is_pre, language = i, "]" if ch == "[" else ch, False, ""
        i += 1
        if ch == "`" and _at(src, i) == "`" and _at(src, i + 1) == "`":
            is_pre = True
            i, language = _skip_pre_header(src, i + 2)
        offset, out_pos = out.utf16, len(out.chars)
        while i < len(src) and (
            src[i] != end_char or (is_pre and not (_at(src, i + 1) == _at(src, i + 2) == "`"))
        ):
            out.emit(src[i])
            i += 1
        if i >= len(src):
            where = _byte_offset(src, begin)
            raise parse_error(f"Can't find end of the entity starting at byte offset {where}")
        entity: dict[str, Any] = {"offset": offset, "length": out.utf16 - offset}
        if ch == "[":
            url = "".join(out.chars[out_pos:])
            if _at(src, i + 1) == "(":
                close = src.find(")", i + 2)
                close = len(src) if close < 0 else close
                url, i = src[i + 2 : close], close
            entity |= {"type": "text_link", "url": url}
        elif ch == "`":
            entity["type"] = "pre" if is_pre else "code"
            if language:
                entity["language"] = language
        else:
            entity["type"] = "bold" if ch == "*" else "italic"
        if entity["length"] > 0 and entity.get("url", "-"):
            entities.append(entity)
        i += 3 if is_pre else 1
    return "".join(out.chars), entities
