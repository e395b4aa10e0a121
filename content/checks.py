"""Shared pieces of the checks of the case library, the quiz, the indicators and star levels.

These files refer to cards, categories, campaigns, seeds and volunteer activity types. The ids
they may use are read leniently (`known_ids`): an entry of categories.yaml that is broken in
some other way still declares its id, so one broken entry is reported once, where it is, and
not again by every file that refers to it.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from content.check_text import check_text, listed
from content.models import CARD_ID_PATTERN, Card
from content.problems import duplicates, explain, parse_yaml, unreadable

# (path relative to the content folder, field, message in Chinese)
Found = list[tuple[str, str, str]]
M = TypeVar("M", bound=BaseModel)

ID_MAX_CHARS = 40


class Strict(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True
    )


@dataclass(frozen=True)
class Known:
    """Ids the new files may refer to; None means that file could not be read at all, so
    references to it are not checked (its own problem is reported where it is)."""

    categories: frozenset[str] | None
    cards: frozenset[str]  # every card file present (a card's id is its file name)
    card_categories: Mapping[str, str]  # card id -> category, for cards that loaded cleanly
    campaigns: frozenset[str] | None
    activity_types: frozenset[str] | None
    seeds: frozenset[str] | None


def known_ids(content_dir: Path, cards: Iterable[Card]) -> Known:
    categories = declared_ids(content_dir / "categories.yaml", "id")
    return Known(
        categories=categories,
        cards=frozenset(p.stem for p in (content_dir / "cards").glob("*.md")),
        card_categories={
            c.id: c.category for c in cards if categories is None or c.category in categories
        },
        campaigns=declared_ids(content_dir / "campaigns.yaml", "id"),
        activity_types=_activity_types(content_dir / "ui.zh.yaml"),
        seeds=declared_ids(content_dir / "seeds.yaml", "file"),
    )


def declared_ids(path: Path, key: str) -> frozenset[str] | None:
    """The `key` of every mapping in a YAML list, valid or not; None if unreadable."""
    data = read_yaml(path)
    if not isinstance(data, list):
        return None
    return frozenset(
        str(item[key]) for item in data if isinstance(item, dict) and item.get(key) is not None
    )


def _activity_types(path: Path) -> frozenset[str] | None:
    data = read_yaml(path)
    volunteers = data.get("volunteers") if isinstance(data, dict) else None
    types = volunteers.get("activity_types") if isinstance(volunteers, dict) else None
    return frozenset(str(key) for key in types) if isinstance(types, dict) else None


def read_yaml(path: Path) -> Any:
    """The parsed file, or None if it is missing or not valid YAML."""
    try:
        return parse_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None


def load_yaml(path: Path, name: str, found: Found) -> Any:
    """The parsed file, or None with the reason recorded."""
    try:
        return parse_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        found.append((name, "", unreadable(exc)))
        return None


def unknown(value: str, known: frozenset[str] | None) -> bool:
    """True if `value` is certainly not declared (never when the list itself is unreadable)."""
    return known is not None and value not in known


def validate(model: type[M], data: Any, path: str, prefix: str, found: Found) -> M | None:
    """The model, or None with one Chinese message per invalid field recorded."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            where = ".".join(str(part) for part in err["loc"])
            field = f"{prefix}.{where}" if prefix and where else prefix or where
            found.append((path, field, explain(err)))
        return None


def check_id(value: str, example: str) -> str:
    if not CARD_ID_PATTERN.match(value) or len(value) > ID_MAX_CHARS:
        raise ValueError(check_text("checks.id", limit=ID_MAX_CHARS, example=example))
    return value


def check_length(value: str, low: int, high: int) -> str:
    if not low <= len(value) <= high:
        raise ValueError(check_text("checks.length", length=len(value), low=low, high=high))
    return value


def check_words(words: list[str], low: int, high: int, what: str) -> list[str]:
    """A list of distinct, non-blank words of `low` to `high` entries."""
    cleaned = [str(word).strip() for word in words]
    if any(not word for word in cleaned):
        raise ValueError(check_text("checks.blank_word", what=what))
    if not low <= len(cleaned) <= high:
        count = len(cleaned)
        raise ValueError(
            check_text("checks.word_count", count=count, what=what, low=low, high=high)
        )
    repeated = duplicates(cleaned)
    if repeated:
        raise ValueError(check_text("checks.repeated_words", what=what, words=listed(repeated)))
    return cleaned


LAW_NAME = re.compile(r"《([^《》]+)》")


def law_names(text: str) -> list[str]:
    """The names between 《 and 》, in order (the laws a citation names)."""
    return [name.strip() for name in LAW_NAME.findall(text) if name.strip()]


def where(index: int, item: Any) -> str:
    """How a problem names a list entry: its id if it has a usable one, else [index]."""
    ident = item.get("id") if isinstance(item, dict) else None
    if isinstance(ident, str) and CARD_ID_PATTERN.match(ident):
        return ident
    return f"[{index}]"
