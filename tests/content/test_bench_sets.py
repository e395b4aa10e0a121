"""The answer-quality question sets stay honest: every label names a card that exists, no
question is listed twice, and neither the tuning (dev) set, which the search learns from
(content/asked-questions.jsonl), nor the out-of-scope questions it learns from
(content/outside.yaml) share a question with the test sets."""

import json
from pathlib import Path

import pytest

from content.learnt import Remembered
from content.loader import Library

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"
DEV_SET = ROOT / "content" / "asked-questions.jsonl"
REAL = ROOT.parent / "shared" / "bench-data" / "real-legal-questions.jsonl"
TEST_SETS = (
    "questions.jsonl",
    "holdout-questions.jsonl",
    "fresh-questions.jsonl",
    "self-questions.jsonl",
    "round4-questions.jsonl",
    "round5-questions.jsonl",
    "round6-questions.jsonl",
    "round7-questions.jsonl",
    "round8-questions.jsonl",
    "round9-questions.jsonl",
    "round20-questions.jsonl",
    "round23-questions.jsonl",
    "round25-questions.jsonl",
    "round26-questions.jsonl",
)
OWN_FORMAT_SETS = (*TEST_SETS, DEV_SET)


def _questions(name: str | Path) -> list[dict[str, str]]:
    with (BENCH / name).open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@pytest.mark.parametrize("name", OWN_FORMAT_SETS)
def test_labels_name_existing_cards(library: Library, name: str | Path) -> None:
    unknown = {row["expected"] for row in _questions(name)} - {*library.cards, "none"}
    assert not unknown


@pytest.mark.parametrize("name", OWN_FORMAT_SETS)
def test_no_question_is_listed_twice(name: str | Path) -> None:
    questions = [row["q"] for row in _questions(name)]
    assert len(questions) == len(set(questions))


def test_real_labels_name_existing_cards(library: Library) -> None:
    rows = _questions("real-labels.jsonl")
    assert not {card for row in rows for card in row["expected"]} - set(library.cards)


def test_dev_set_shares_no_question_with_the_test_sets() -> None:
    """Compared as the search remembers questions (Remembered.key), so no test question is
    answered from memory; the real residents' questions too, where they are beside us."""
    dev = {Remembered.key(row["q"]) for row in _questions(DEV_SET)}
    for name in TEST_SETS:
        assert not dev & {Remembered.key(row["q"]) for row in _questions(name)}, name
    if REAL.exists():
        assert not dev & {Remembered.key(row["q"]) for row in _questions(REAL)}, "real"


def test_outside_questions_share_none_with_the_test_sets(library: Library) -> None:
    outside = set(library.outside)
    for name in TEST_SETS:
        assert not outside & {row["q"] for row in _questions(name)}, name
