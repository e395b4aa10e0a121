"""content/asked-questions.jsonl: residents' questions in their own words, one JSON object a
line: `q` the question, `expected` the card it wants (or "none": no card is for it), `note`
optional (where the question came from). The search learns from them (content/learnt.py) and
bench/answer_quality.py tunes on them (the dev set).

A bad line cannot break the bot, so it is a note, not an error: `pufa content check` says
which line and why, and the line is left out.
"""

import json
from pathlib import Path

from content.check_text import check_text
from content.learnt import NONE
from content.problems import Problem, unreadable

ASKED_FILE = "asked-questions.jsonl"
ASKED_QUESTION_CHARS = 1000


def load_asked(path: Path, card_ids: set[str], notes: list[Problem]) -> list[tuple[str, str]]:
    """(question, card id or NONE) pairs from `path`; a missing file gives none."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        notes.append(Problem(ASKED_FILE, "", unreadable(exc)))
        return []
    examples: list[tuple[str, str]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        example, why = _example(line, card_ids)
        if example is None:
            line_field = check_text("asked.line", number=number)
            notes.append(Problem(ASKED_FILE, line_field, check_text("asked.ignored", why=why)))
        else:
            examples.append(example)
    return examples


def _example(line: str, card_ids: set[str]) -> tuple[tuple[str, str] | None, str]:
    try:
        row = json.loads(line)
    except json.JSONDecodeError:
        return None, check_text("asked.not_json")
    if not isinstance(row, dict):
        return None, check_text("asked.not_an_object")
    question, expected = row.get("q"), row.get("expected")
    if not isinstance(question, str) or not 1 <= len(question.strip()) <= ASKED_QUESTION_CHARS:
        return None, check_text("asked.question", limit=ASKED_QUESTION_CHARS)
    if not isinstance(expected, str) or (expected != NONE and expected not in card_ids):
        return None, check_text("asked.expected", expected=expected)
    return (question, expected), ""
