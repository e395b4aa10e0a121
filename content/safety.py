"""Messages that signal danger to life or self-harm (`safety.yaml`): the shape, the checks and
the match.

Each kind lists the cue phrases that signal it, the hotline numbers its notice shows, an
optional card offered first and the key of its notice in ui.zh.yaml (residents →
safety_notices). A resident's message with a cue gets that notice before any answer. Matching
is deliberately plain (a cue typed anywhere in the whole message, folded as the search folds
a question, spaces ignored): a false alarm costs a short notice, a miss may cost a life.

A kind may also have weak cues, words that signal it only in its own setting (打我, 被打 at
home, not from a stranger in the street): they count unless the message names a setting
`elsewhere` (陌生人, 同事, 在街上), and even then when it also names one of `own_setting`
(老公, 家里). So a weak cue errs on the side of the notice: it is left out only when the
message says it happened somewhere else, never for want of a relationship word.
"""

import re
from collections.abc import Iterable, Sequence, Set
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from content.analyzer import fold
from content.check_text import check_text
from content.models import CARD_ID_PATTERN
from content.problems import Entry, Problem, duplicates, entry_values, load_list

_SPACES = re.compile(r"\s+")


class SafetyKind(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True
    )

    id: str = Field(max_length=40)
    cues: list[str] = Field(min_length=1)
    # phrases that contain a cue but signal no danger (自杀式袭击): taken out before matching
    not_when: list[str] = Field(default_factory=list)
    # cues that count only in the kind's setting: not when the message names one of
    # `elsewhere`, unless it also names one of `own_setting`
    weak_cues: list[str] = Field(default_factory=list)
    elsewhere: list[str] = Field(default_factory=list)
    own_setting: list[str] = Field(default_factory=list)
    numbers: list[str] = Field(min_length=1)  # hotlines.yaml numbers, in the order shown
    card: str | None = None  # a card offered first among the answer's cards
    # the card a weak cue means where the message names another setting and no strong cue
    # (同事打我: an injury to claim for, not violence at home): answered instead of `card`
    elsewhere_card: str | None = None
    text: str = Field(min_length=1)  # the notice's key in residents.safety_notices

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not CARD_ID_PATTERN.match(value.replace("_", "-")):
            raise ValueError(check_text("common.key"))
        return value

    @field_validator("cues", "not_when", "weak_cues", "elsewhere", "own_setting", "numbers")
    @classmethod
    def _distinct_words(cls, words: list[str]) -> list[str]:
        cleaned = [_key(word) for word in words]
        if any(not word for word in cleaned):
            raise ValueError(check_text("common.blank_word"))
        if repeated := duplicates(cleaned):
            raise ValueError(check_text("common.repeated_word", word=repeated[0]))
        return cleaned


def load_safety(
    path: Path,
    *,
    numbers: Set[str] | None,
    cards: Set[str],
    notices: Set[str] | None,
    problems: list[Problem],
    notes: list[Problem],
) -> list[SafetyKind]:
    """The kinds of `path` (none, and a note, when the file is absent), checked against the
    hotline `numbers`, the card ids and the notices' keys (None: that file could not be read,
    so what refers to it is not checked)."""
    if not path.exists():
        notes.append(Problem(path.name, "", check_text("safety.no_file")))
        return []
    entries = load_list(path, SafetyKind, problems)
    problems.extend(check_safety(entries, numbers, cards, notices, path.name))
    return entry_values(entries)


def check_safety(
    entries: Sequence[Entry[SafetyKind]],
    numbers: Set[str] | None,
    cards: Set[str],
    notices: Set[str] | None,
    name: str,
) -> list[Problem]:
    kinds = entry_values(entries)
    found = [
        Problem(name, "id", check_text("common.duplicate_id", id=i))
        for i in duplicates([k.id for k in kinds])
    ]
    found += [
        Problem(name, "cues", check_text("safety.cue_twice", cue=cue))
        for cue in duplicates([cue for kind in kinds for cue in (*kind.cues, *kind.weak_cues)])
    ]
    for entry in entries:
        kind, where = entry.value, entry.where
        found += [
            Problem(where, "numbers", check_text("safety.unknown_number", number=number))
            for number in kind.numbers
            if numbers is not None and number not in numbers
        ]
        found += [
            Problem(where, key, check_text("common.no_card", card=card))
            for key, card in (("card", kind.card), ("elsewhere_card", kind.elsewhere_card))
            if card is not None and card not in cards
        ]
        if notices is not None and kind.text not in notices:
            missing = check_text("safety.no_notice", text=kind.text)
            found.append(Problem(where, "text", missing))
        found += [
            Problem(where, "not_when", check_text("safety.not_when_useless", phrase=phrase))
            for phrase in kind.not_when
            if not any(cue in phrase for cue in (*kind.cues, *kind.weak_cues))
        ]
        found += _setting_problems(kind, where)
    return found


def _setting_problems(kind: SafetyKind, where: str) -> list[Problem]:
    """`elsewhere` and `own_setting` work only on weak cues, and say different things."""
    found = []
    if kind.elsewhere and not kind.weak_cues:
        found.append(Problem(where, "elsewhere", check_text("safety.elsewhere_alone")))
    if kind.weak_cues and not kind.elsewhere:
        found.append(Problem(where, "weak_cues", check_text("safety.weak_alone")))
    if kind.own_setting and not kind.elsewhere:
        found.append(Problem(where, "own_setting", check_text("safety.own_setting_alone")))
    if kind.elsewhere_card is not None and (kind.card is None or not kind.elsewhere):
        found.append(Problem(where, "elsewhere_card", check_text("safety.elsewhere_card_alone")))
    found += [
        Problem(where, "own_setting", check_text("safety.both_settings", word=word))
        for word in kind.own_setting
        if word in kind.elsewhere
    ]
    found += [
        Problem(where, "elsewhere", check_text("safety.elsewhere_cue", word=word, cue=cue))
        for word in kind.elsewhere
        for cue in kind.cues
        if cue in word
    ]
    return found


def match(kinds: Iterable[SafetyKind], text: str) -> list[SafetyKind]:
    """The kinds whose cues the message has, in file order (empty for most messages)."""
    message = _key(text)
    found = []
    for kind in kinds:
        rest = _without_not_when(kind, message)
        if any(cue in rest for cue in kind.cues) or (
            any(cue in rest for cue in kind.weak_cues) and _in_setting(kind, message)
        ):
            found.append(kind)
    return found


def instead_elsewhere(kinds: Iterable[SafetyKind], text: str) -> dict[str, str]:
    """card -> the card to answer instead, for the kinds whose weak cues the message has in
    another setting (and none of their cues): 同事打我 is about an injury, not a home."""
    message = _key(text)
    found: dict[str, str] = {}
    for kind in kinds:
        if kind.card is None or kind.elsewhere_card is None:
            continue
        rest = _without_not_when(kind, message)
        if (
            not any(cue in rest for cue in kind.cues)
            and any(cue in rest for cue in kind.weak_cues)
            and not _in_setting(kind, message)
        ):
            found[kind.card] = kind.elsewhere_card
    return found


def _without_not_when(kind: SafetyKind, message: str) -> str:
    for phrase in kind.not_when:
        message = message.replace(phrase, " ")
    return message


def _in_setting(kind: SafetyKind, message: str) -> bool:
    """A weak cue's message is taken to be in the kind's setting unless it names another."""
    elsewhere = any(word in message for word in kind.elsewhere)
    return not elsewhere or any(word in message for word in kind.own_setting)


def _key(text: str) -> str:
    """As matched: full-width to half-width, lower case (as the search reads a question, but
    all of it), spaces left out."""
    return _SPACES.sub("", fold(text))
