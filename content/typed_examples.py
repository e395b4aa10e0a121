"""The texts that teach what to type (ui.zh.yaml) and the words the parsers read
(typed_words.yaml) are edited apart. Every example such a text gives must be one its parser
understands, or a volunteer who types what the bot suggested is told it was not understood.

A teaching text gives its examples in one of two shapes: listed after its last "："
(可以写：本月、上月，或 2026-01-01 2026-03-31。) or each in <code>…</code> after a command
(<code>{command} 上月</code>). An example is understood when the parser does not call it badly
written; one it reads but refuses for its value (a day too long ago) still teaches the form.
"""

import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from content.check_text import check_text, listed
from content.problems import Problem
from content.report_input import InputError, InputProblem, parse_date, parse_period
from content.typed_words import TypedWords
from content.ui import UiTexts

UI_FILE = "ui.zh.yaml"
# What the parsers understand does not depend on the day: only a day's or period's value does.
_ANY_DAY = date(2026, 1, 1)
_NOT_UNDERSTOOD = {InputProblem.DATE_FORMAT, InputProblem.PERIOD_FORMAT}
_TAGS = re.compile(r"<[^>]*>")
_CODE = re.compile(r"<code>(.*?)</code>", re.DOTALL)
_PLACEHOLDER = re.compile(r"\{\w*\}")


def _date(text: str, words: TypedWords) -> None:
    parse_date(text, today=_ANY_DAY, max_age_days=366, days=words.days)


def _period(text: str, words: TypedWords) -> None:
    parse_period(text, today=_ANY_DAY, words=words)


def _after_colon(text: str, separator: str) -> list[str]:
    """The examples listed after the last "：", between `separator`s, 、 or ； (and a last
    "，或"): the texts are written by hand, so their own punctuation is read whatever the
    catalogue's separator for lists the bot composes."""
    if "：" not in text:
        return []
    tail = _TAGS.sub("", text.rpartition("：")[2]).strip().rstrip("。")
    return [e.strip() for e in re.split(f"{re.escape(separator)}|[、；]|，或?", tail) if e.strip()]


def _in_code(text: str) -> list[str]:
    """What each <code>…</code> has after its {command}."""
    return [c for s in _CODE.findall(text) if (c := _PLACEHOLDER.sub("", s).strip())]


@dataclass(frozen=True)
class Teaching:
    """A text of ui.zh.yaml that gives examples of what to type."""

    field: str  # where it is in ui.zh.yaml
    in_code: bool  # its examples are in <code>…</code>, not listed after its "："
    read: Callable[[str, TypedWords], None]  # the parser the examples are typed to
    sections: tuple[str, ...]  # typed_words.yaml's sections whose words it may name


_PERIOD_SECTIONS = ("periods", "year_parts", "years_back")
TEACHING = (
    Teaching("volunteers.errors.date_format", False, _date, ("days",)),
    Teaching("volunteers.period_usage", False, _period, _PERIOD_SECTIONS),
    Teaching("volunteers.export_empty", True, _period, _PERIOD_SECTIONS),
)


def example_problems(ui: UiTexts, words: TypedWords) -> list[Problem]:
    """One problem per teaching text without examples or per example its parser does not
    understand."""
    return [
        Problem(UI_FILE, teaching.field, message)
        for teaching in TEACHING
        for message in _problems(teaching, ui, words)
    ]


def _problems(teaching: Teaching, ui: UiTexts, words: TypedWords) -> Iterator[str]:
    text = functools.reduce(getattr, teaching.field.split("."), ui)
    assert isinstance(text, str), teaching.field
    if teaching.in_code:
        examples = _in_code(text)
        if not examples:
            yield check_text("typed_words.no_code_examples")
    else:
        examples = _after_colon(text, ui.list_separator)
        if not examples:
            yield check_text("typed_words.no_listed_examples", separator=ui.list_separator)
    for example in examples:
        try:
            teaching.read(example, words)
        except InputError as exc:
            if exc.problem in _NOT_UNDERSTOOD:
                sections = listed(teaching.sections)
                yield check_text("typed_words.unknown_example", example=example, sections=sections)
