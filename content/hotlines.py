"""Which public hotline fits which problem (`hotlines.yaml`): the shape, the checks, the pick.

File order is priority: when several numbers fit a category, the one higher in the file is
offered first (so 12333 comes before 12348 for labour questions).
"""

import re
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from content.check_text import check_text
from content.problems import (
    Entry,
    Problem,
    duplicates,
    entry_values,
    load_list,
    unknown_category,
)

MAX_SUGGESTIONS = 2
# Where /hotlines lists a number, in this order (labels in ui.zh.yaml, residents.hotline_groups).
Group = Literal["emergency", "legal", "field", "people"]
GROUPS: tuple[Group, ...] = get_args(Group)


class _Strict(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        str_strip_whitespace=True,
        populate_by_name=True,
        defer_build=True,
    )


class HotlineSource(_Strict):
    """Who runs the number, where it is documented and how the entry was checked."""

    publisher: str = Field(min_length=2, max_length=100)
    reference: str = Field(min_length=2, max_length=200)
    checked: str = Field(min_length=2, max_length=300)


NUMBER = re.compile(r"[0-9]{3,8}")


class Hotline(_Strict):
    number: str
    name: str = Field(min_length=2, max_length=30)
    group: Group
    # `for` in the file (a Python keyword): one short sentence in plain words.
    for_: str = Field(alias="for", min_length=6, max_length=60)
    categories: list[str] = Field(default_factory=list)
    keywords: list[str] = Field(min_length=1)
    hours: str | None = Field(default=None, min_length=2, max_length=40)
    urgent: bool = False
    source: HotlineSource

    @field_validator("number", mode="before")
    @classmethod
    def _digits(cls, value: object) -> object:
        # YAML reads an unquoted 12315 as a number, and a letter O for a zero looks right
        if not (isinstance(value, str) and NUMBER.fullmatch(value.strip())):
            raise ValueError(check_text("hotlines.number", value=value))
        return value

    @field_validator("keywords", "categories")
    @classmethod
    def _no_blank_words(cls, words: list[str]) -> list[str]:
        cleaned = [word.strip() for word in words]
        if any(not word for word in cleaned):
            raise ValueError(check_text("common.blank_word"))
        if repeated := duplicates(cleaned):
            raise ValueError(check_text("common.repeated_word", word=repeated[0]))
        return cleaned

    @model_validator(mode="after")
    def _urgent_is_an_emergency(self) -> "Hotline":
        if self.urgent and self.group != "emergency":
            raise ValueError(check_text("hotlines.urgent_group"))
        return self


def load_hotlines(
    path: Path, *, categories: set[str], problems: list[Problem], notes: list[Problem]
) -> list[Hotline]:
    """The hotlines of `path` (none when the file is absent), their problems and notes."""
    if not path.exists():
        return []
    entries = load_list(path, Hotline, problems, keys=("number", "name"))
    problems.extend(check_hotlines(entries, categories, path.name))
    hotlines = entry_values(entries)
    notes.extend(
        Problem(
            path.name, "categories", check_text("hotlines.category_uncovered", category=category)
        )
        for category in sorted(categories - {c for h in hotlines for c in h.categories})
    )
    return hotlines


def check_hotlines(
    entries: Sequence[Entry[Hotline]], categories: set[str], name: str
) -> list[Problem]:
    """The problems between the hotlines of the file `name` (each named where it is) and with
    the categories."""
    found = [
        Problem(name, "number", check_text("hotlines.repeated_number", number=number))
        for number in duplicates([entry.value.number for entry in entries])
    ]
    for entry in entries:
        hotline, where = entry.value, entry.where
        if re.search(rf"(?<!\d){hotline.number}(?!\d)", hotline.for_):
            said = check_text("hotlines.number_in_for", number=hotline.number)
            found.append(Problem(where, "for", said))
        found += [
            Problem(where, "categories", unknown_category(category, categories))
            for category in hotline.categories
            if category not in categories
        ]
    return found


def for_category(hotlines: Iterable[Hotline], category: str) -> list[Hotline]:
    """The numbers that fit a category, best first (file order)."""
    return [h for h in hotlines if category in h.categories]


def suggest(
    hotlines: Iterable[Hotline],
    *,
    text: str = "",
    category: str | None = None,
    limit: int = MAX_SUGGESTIONS,
) -> list[Hotline]:
    """Numbers for a question: those whose keywords appear in `text` (urgent ones first, then
    by how many keywords match, then file order), then those that fit `category`."""
    ordered = list(hotlines)
    query = _normalize(text)
    hits = {h.number: sum(1 for word in h.keywords if _normalize(word) in query) for h in ordered}
    matched = sorted(
        (h for h in ordered if hits[h.number]),
        key=lambda h: (not h.urgent, -hits[h.number]),
    )
    fitting = for_category(ordered, category) if category else []
    picked: list[Hotline] = []
    for hotline in [*matched, *fitting]:
        if hotline not in picked:
            picked.append(hotline)
    return picked[:limit]


def grouped(hotlines: Iterable[Hotline]) -> list[tuple[Group, list[Hotline]]]:
    """The numbers by /hotlines group (GROUPS order, file order within one; empty ones left
    out)."""
    ordered = list(hotlines)
    found = [(g, [h for h in ordered if h.group == g]) for g in GROUPS]
    return [(g, numbers) for g, numbers in found if numbers]


def _normalize(text: str) -> str:
    """Full-width digits and letters to ASCII, lower case (as the search does)."""
    return unicodedata.normalize("NFKC", text).lower()
