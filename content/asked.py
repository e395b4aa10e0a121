"""content/asked-questions.jsonl: residents' questions in their own words, one JSON object a
line: `q` the question, `expected` the card it wants (or "none": no card is for it), `note`
optional (where the question came from). The search learns from them (content/learnt.py) and
bench/answer_quality.py tunes on them (the dev set).

A bad line cannot break the bot, so it is a note, not an error: `pufa content check` says
which line and why, and the line is left out.
"""

import json
from pathlib import Path

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
            notes.append(Problem(ASKED_FILE, f"第 {number} 行", f"{why}，这一行不起作用"))
        else:
            examples.append(example)
    return examples


def _example(line: str, card_ids: set[str]) -> tuple[tuple[str, str] | None, str]:
    try:
        row = json.loads(line)
    except json.JSONDecodeError:
        return None, '不是一行 JSON（格式：{"q": "问题", "expected": "卡片编号或 none"}）'
    if not isinstance(row, dict):
        return None, '不是一行 JSON 对象（格式：{"q": "问题", "expected": "卡片编号或 none"}）'
    question, expected = row.get("q"), row.get("expected")
    if not isinstance(question, str) or not 1 <= len(question.strip()) <= ASKED_QUESTION_CHARS:
        return None, f"q 要写问题，1 到 {ASKED_QUESTION_CHARS} 个字"
    if not isinstance(expected, str) or (expected != NONE and expected not in card_ids):
        return None, f"expected 应是卡片编号或 none，没有这张卡片：{expected!r}"
    return (question, expected), ""
