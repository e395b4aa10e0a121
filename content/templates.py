"""What a text must be for Telegram to send it: its {placeholders} are the ones the code
passes, and its markup is HTML that Telegram's parse_mode=HTML accepts.

Every problem is one short Chinese sentence, for `pufa content check` and for edits made in
the dashboard; both go through `template_problem`.
"""

import re
import string
from collections.abc import Collection
from html.parser import HTMLParser

from content.check_text import check_text, listed

# Telegram's HTML: tag -> attributes it allows (https://core.telegram.org/bots/api#html-style)
TELEGRAM_TAGS: dict[str, frozenset[str]] = {
    "b": frozenset(),
    "strong": frozenset(),
    "i": frozenset(),
    "em": frozenset(),
    "u": frozenset(),
    "ins": frozenset(),
    "s": frozenset(),
    "strike": frozenset(),
    "del": frozenset(),
    "span": frozenset({"class"}),
    "tg-spoiler": frozenset(),
    "a": frozenset({"href"}),
    "tg-emoji": frozenset({"emoji-id"}),
    "code": frozenset({"class"}),
    "pre": frozenset(),
    "blockquote": frozenset({"expandable"}),
}
_TAG_LIST = "b、i、u、s、a、code、pre、blockquote"
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d{1,7}|#x[0-9a-fA-F]{1,6});")
_AMPERSAND = re.compile(r"&[^\s&;<]{0,12};?")
_LOOSE_LT = re.compile(r"<(?![a-zA-Z/])")
_LINK = re.compile(r"^(?:https?://[^\s]+|tg://[^\s]+|mailto:[^\s]+)$")


def template_problem(text: str, fields: Collection[str] = ()) -> str | None:
    """The first thing wrong with `text` as a template given `fields`, or None."""
    return placeholder_problem(text, fields) or html_problem(text)


def placeholders(text: str) -> list[str]:
    """The field names `text.format(...)` would look up, in order (ValueError if malformed)."""
    return [field for _, field, _, _ in string.Formatter().parse(text) if field is not None]


def placeholder_problem(text: str, fields: Collection[str]) -> str | None:
    try:
        used = placeholders(text)
    except ValueError:
        return check_text("templates.unpaired_braces")
    allowed = listed(f"{{{name}}}" for name in sorted(fields))
    for name in used:
        if name not in fields:
            shown = f"{{{name}}}" if name else "{}"
            if not fields:
                return check_text("templates.no_placeholders", shown=shown)
            return check_text("templates.unknown_placeholder", shown=shown, allowed=allowed)
    return None


def html_problem(text: str) -> str | None:
    """Unknown tags or attributes, unbalanced tags, unsupported entities, a loose "<"."""
    if _LOOSE_LT.search(text):
        return check_text("templates.loose_lt")
    for match in _AMPERSAND.finditer(text):
        if not _ENTITY.fullmatch(match.group()):
            return check_text("templates.unknown_entity", entity=match.group())
    checker = _TagChecker()
    checker.feed(text)
    checker.close()
    if checker.problem:
        return checker.problem
    if checker.rawdata_left:
        return check_text("templates.unfinished_tag")
    if checker.open:
        return check_text("templates.unclosed_tag", tag=checker.open[-1])
    return None


class _TagChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.open: list[str] = []
        self.problem = ""
        self.rawdata_left = False

    def _report(self, problem: str) -> None:
        self.problem = self.problem or problem

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        allowed = TELEGRAM_TAGS.get(tag)
        if allowed is None:
            self._report(check_text("templates.unknown_tag", tag=tag, tags=_TAG_LIST))
        else:
            extra = [name for name, _ in attrs if name not in allowed]
            if extra:
                self._report(check_text("templates.attribute", tag=tag, attribute=extra[0]))
            elif tag == "a" and not _LINK.match(dict(attrs).get("href") or ""):
                self._report(check_text("templates.link"))
        self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._report(check_text("templates.self_closing", tag=tag))

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.open:
            self._report(check_text("templates.extra_end_tag", tag=tag))
            return
        last = self.open.pop()
        if last != tag:
            self._report(check_text("templates.crossed_tags", last=last, tag=tag))

    def handle_comment(self, data: str) -> None:
        self._report(check_text("templates.comment"))

    def handle_decl(self, decl: str) -> None:
        self._report(check_text("templates.declaration"))

    def close(self) -> None:
        self.rawdata_left = "<" in self.rawdata  # an unfinished tag the parser holds back
        super().close()
