"""Telegram's HTML parse mode, ported from tdlib's ``parse_html`` (td/telegram/MessageEntity.cpp).

The port keeps tdlib's rules and error texts because they are what the bot meets in
production: only the documented tags, attributes quoted or as name tokens, the four named
entities plus numeric ones, and byte offsets (UTF-8) in error messages. It returns the
plain text and Bot API entities with UTF-16 offsets, as Telegram stores the message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from local_api.errors import parse_error

_SUPPORTED_TAGS = frozenset(
    {"a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins", "tg-spoiler"}
    | {"tg-emoji", "span", "pre", "code", "blockquote"}
)
_SIMPLE_TYPES = {
    "i": "italic",
    "em": "italic",
    "b": "bold",
    "strong": "bold",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "u": "underline",
    "ins": "underline",
    "tg-spoiler": "spoiler",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACES = " \t\r\n\0\v\f"


@dataclass
class _OpenTag:
    name: str
    argument: str
    offset: int  # UTF-16 offset in the output text
    out_pos: int  # index into the output character list
    expandable: bool = False


@dataclass
class _HtmlParser:
    src: str
    out: list[str] = field(default_factory=list)
    utf16: int = 0
    stack: list[_OpenTag] = field(default_factory=list)
    entities: list[dict[str, Any]] = field(default_factory=list)

    def at(self, i: int) -> str:
        # tdlib walks a NUL-terminated buffer; "\0" past the end keeps the same loop shapes.
        return self.src[i] if i < len(self.src) else "\0"

    def byte_offset(self, i: int) -> int:
        return len(self.src[:i].encode("utf-8"))

    def emit(self, ch: str) -> None:
        self.out.append(ch)
        self.utf16 += 2 if ord(ch) > 0xFFFF else 1

    def run(self) -> tuple[str, list[dict[str, Any]]]:
        i = 0
        while i < len(self.src):
            ch = self.src[i]
            if ch == "&":
                decoded = decode_html_entity(self.src, i)
                if decoded is not None:
                    self.emit(decoded[0])
                    i = decoded[1]
                    continue
            if ch != "<":
                self.emit(ch)
                i += 1
            elif self.at(i + 1) == "/":
                i = self.end_tag(i)
            else:
                i = self.start_tag(i)
        if self.stack:
            tag = self.stack[-1].name
            raise parse_error(f'Can\'t find end tag corresponding to start tag "{tag}"')
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.out), self.entities

    def start_tag(self, begin: int) -> int:
        i = begin + 1
        while self.at(i) not in _SPACES and self.at(i) != ">":
            i += 1
        if i >= len(self.src):
            raise parse_error(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
        name = self.src[begin + 1 : i].lower()
        if name not in _SUPPORTED_TAGS:
            raise parse_error(
                f'Unsupported start tag "{name}" at byte offset {self.byte_offset(begin)}'
            )
        tag = _OpenTag(name, "", self.utf16, len(self.out))
        i = self.attributes(tag, begin, i)
        if name == "span" and tag.argument != "spoiler":
            raise parse_error(
                f'Tag "span" must have class "tg-spoiler" at byte offset {self.byte_offset(begin)}'
            )
        self.stack.append(tag)
        return i + 1

    def attributes(self, tag: _OpenTag, begin: int, i: int) -> int:
        """Reads attributes up to the closing ``>``; returns its index."""
        where = f'the tag "{tag.name}" at byte offset {self.byte_offset(begin)}'
        while self.at(i) != ">":
            while i < len(self.src) and self.at(i) in _SPACES:
                i += 1
            if self.at(i) == ">":
                break
            if i >= len(self.src):
                raise parse_error(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
            name_begin = i
            while self.at(i) not in _SPACES and self.at(i) not in "=>":
                i += 1
            attr = self.src[name_begin:i]
            if not attr:
                raise parse_error(f"Empty attribute name in {where}")
            while i < len(self.src) and self.at(i) in _SPACES:
                i += 1
            if self.at(i) != "=":
                # Newer tdlib accepts valueless attributes (<blockquote expandable>).
                tag.expandable = tag.expandable or attr.lower() == "expandable"
                continue
            i += 1
            while i < len(self.src) and self.at(i) in _SPACES:
                i += 1
            if i >= len(self.src):
                offset = self.byte_offset(begin)
                raise parse_error(f'Unclosed start tag "{tag.name}" at byte offset {offset}')
            value, i = self.attribute_value(i)
            if i >= len(self.src):
                raise parse_error(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
            self.keep_argument(tag, attr, value)
        return i

    def attribute_value(self, i: int) -> tuple[str, int]:
        quote = self.at(i)
        if quote not in "'\"":
            token_begin = i
            while self.at(i).isascii() and (self.at(i).isalnum() or self.at(i) in ".-"):
                i += 1
            if self.at(i) not in _SPACES and self.at(i) != ">":
                offset = self.byte_offset(token_begin)
                raise parse_error(f"Unexpected end of name token at byte offset {offset}")
            return self.src[token_begin:i].lower(), i
        i += 1
        chars: list[str] = []
        while i < len(self.src) and self.src[i] != quote:
            decoded = decode_html_entity(self.src, i) if self.src[i] == "&" else None
            if decoded is not None:
                chars.append(decoded[0])
                i = decoded[1]
            else:
                chars.append(self.src[i])
                i += 1
        if i < len(self.src):
            i += 1
        return "".join(chars), i

    @staticmethod
    def keep_argument(tag: _OpenTag, attr: str, value: str) -> None:
        if tag.name == "a" and attr == "href":
            tag.argument = value
        elif tag.name == "code" and attr == "class" and value.startswith("language-"):
            tag.argument = value.removeprefix("language-")
        elif tag.name == "span" and attr == "class" and value.startswith("tg-"):
            tag.argument = value.removeprefix("tg-")
        elif tag.name == "tg-emoji" and attr == "emoji-id":
            tag.argument = value

    def end_tag(self, begin: int) -> int:
        if not self.stack:
            raise parse_error(f"Unexpected end tag at byte offset {self.byte_offset(begin)}")
        i = begin + 2
        while self.at(i) not in _SPACES and self.at(i) != ">":
            i += 1
        name = self.src[begin + 2 : i].lower()
        while i < len(self.src) and self.at(i) in _SPACES:
            i += 1
        if self.at(i) != ">":
            raise parse_error(f"Unclosed end tag at byte offset {self.byte_offset(begin)}")
        tag = self.stack.pop()
        if name and name != tag.name:
            raise parse_error(
                f"Unmatched end tag at byte offset {self.byte_offset(begin)}, "
                f'expected "</{tag.name}>", found "</{name}>"'
            )
        if self.utf16 > tag.offset:
            self.close_entity(tag)
        return i + 1

    def close_entity(self, tag: _OpenTag) -> None:
        span = {"offset": tag.offset, "length": self.utf16 - tag.offset}
        last = self.entities[-1] if self.entities else None
        same_span = last is not None and last["offset"] == span["offset"]
        same_span = same_span and last is not None and last["length"] == span["length"]
        if tag.name in _SIMPLE_TYPES or (tag.name == "span"):
            self.entities.append({"type": _SIMPLE_TYPES.get(tag.name, "spoiler"), **span})
        elif tag.name == "blockquote":
            kind = "expandable_blockquote" if tag.expandable else "blockquote"
            self.entities.append({"type": kind, **span})
        elif tag.name == "tg-emoji":
            if not tag.argument.isdigit() or int(tag.argument) == 0:
                raise parse_error("Invalid custom emoji identifier specified")
            self.entities.append({"type": "custom_emoji", **span, "custom_emoji_id": tag.argument})
        elif tag.name == "a":
            url = tag.argument or "".join(self.out[tag.out_pos :])
            if url:
                self.entities.append({"type": "text_link", **span, "url": url})
        elif tag.name == "pre" and last is not None and same_span and last["type"] == "code":
            language = last.pop("language", None)
            last["type"] = "pre"
            if language:
                last["language"] = language
        elif tag.name == "pre":
            self.entities.append({"type": "pre", **span})
        elif last is not None and same_span and last["type"] == "pre" and tag.argument:
            last["language"] = tag.argument  # <pre><code class="language-x">
        else:
            # A language on a bare <code> survives only until an enclosing <pre> claims it.
            code = {"type": "code", **span}
            if tag.argument:
                code["language"] = tag.argument
            self.entities.append(code)


def decode_html_entity(src: str, pos: int) -> tuple[str, int] | None:
    """Decodes ``&lt;``, ``&#20013;``, ``&#x4e2d;`` at ``pos``; None keeps ``&`` literal."""
    end = pos + 1
    if src[end : end + 1] == "#":
        end += 1
        hexadecimal = src[end : end + 1] == "x"
        digits = "0123456789abcdefABCDEF" if hexadecimal else "0123456789"
        end += hexadecimal
        start = end
        while end < len(src) and src[end] in digits:
            end += 1
        number = src[start:end]
        code = int(number, 16 if hexadecimal else 10) if number else 0
        if code == 0 or code >= 0x10FFFF or end - pos >= 10 or 0xD800 <= code <= 0xDFFF:
            return None
        char = chr(code)
    else:
        while end < len(src) and src[end].isascii() and src[end].isalpha():
            end += 1
        named = _NAMED_ENTITIES.get(src[pos + 1 : end])
        if named is None:
            return None
        char = named
    if src[end : end + 1] == ";":
        end += 1
    return char, end


def parse_html(src: str) -> tuple[str, list[dict[str, Any]]]:
    """Returns ``(plain_text, entities)`` or raises the 400 Telegram would answer."""
    return _HtmlParser(src).run()
