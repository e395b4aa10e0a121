"""Small edits of the content folder made from the dashboard: a resident's question added to a
card as a sample question (`aliases`), a word added to a synonym group (`lexicon.yaml`), or a
question labelled with the card it wants, or none, for the search to learn from
(`asked-questions.jsonl`).

An edit is made first on a copy of the folder and checked exactly as `pufa content check`
does (`collect`); only an edit that passes is written, atomically, to the real folder. The
files are edited as text, line by line, so their comments and layout stay as they were."""

import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from content.asked import ASKED_FILE, ASKED_QUESTION_CHARS
from content.loader import Library, collect
from content.privacy import mask_personal_numbers

MAX_QUESTION_CHARS = 60
MAX_WORD_CHARS = 12
_WORDS = re.compile(r"[\u4e00-\u9fffA-Za-z]")
_FLOW_LIST = re.compile(r"^(?P<head>\s*(?:-\s*)?(?:aliases:\s*)?)\[(?P<items>.*)\]\s*$")


class Refusal(Enum):
    """Why an edit was refused before the content check ran: each names its text in the text
    catalogue (`dashboard.<value>`, formatted with the refusal's values)."""

    QUESTION_EMPTY = "edit_question_empty"
    QUESTION_TOO_LONG = "edit_question_too_long"  # {limit}
    WORD_EMPTY = "edit_word_empty"
    WORD_TOO_LONG = "edit_word_too_long"  # {limit}
    NUMBERS_ONLY = "edit_numbers_only"  # only a phone or ID number: masked, it teaches nothing
    UNEXPECTED_FORMAT = "edit_unexpected_format"
    NO_SYNONYMS = "edit_no_synonyms"
    FILE_MISSING = "edit_file_missing"  # {path}
    CHECK_FAILED = "edit_check_failed"


_QUESTION = (Refusal.QUESTION_EMPTY, Refusal.QUESTION_TOO_LONG)
_WORD = (Refusal.WORD_EMPTY, Refusal.WORD_TOO_LONG)


class EditError(ValueError):
    """The edit was refused, nothing was written: the problems `pufa content check` found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class EditRefused(EditError):
    """The edit was refused, nothing was written, for a `Refusal` the caller words from the
    text catalogue."""

    def __init__(self, refusal: Refusal, **values: object) -> None:
        super().__init__([])
        self.refusal, self.values = refusal, values


@dataclass(frozen=True)
class Edit:
    path: str  # relative to the content folder
    change: Callable[[str], str]  # the file's new text from its old text; raises EditError
    summary: str  # for the audit log
    creates: bool = False  # a missing file is started empty instead of refused


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _append(line: str, value: str) -> str:
    """`line` is a YAML flow list (`aliases: [a, b]`, `  - [a, b]`): `value` added at its end."""
    match = _FLOW_LIST.match(line)
    if match is None:
        raise EditRefused(Refusal.UNEXPECTED_FORMAT)
    items = match["items"].strip()
    return f"{match['head']}[{items + ', ' if items else ''}{_quoted(value)}]"


def _clean(text: str, limit: int, empty: Refusal, too_long: Refusal) -> str:
    cleaned = " ".join(text.split())
    if not cleaned:
        raise EditRefused(empty)
    if len(cleaned) > limit:
        raise EditRefused(too_long, limit=limit)
    return cleaned


def _masked(question: str) -> str:
    """The question with phone and ID numbers masked: the content folder is shared, copied
    and kept for years. One that was only a number teaches nothing and is refused."""
    masked = mask_personal_numbers(question)
    if masked.count("*") > question.count("*") and not _WORDS.search(masked):
        raise EditRefused(Refusal.NUMBERS_ONLY)
    return masked


def sample_question(card_id: str, question: str) -> Edit:
    question = _clean(_masked(question), MAX_QUESTION_CHARS, *_QUESTION)

    def change(text: str) -> str:
        lines = text.split("\n")
        end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), 0)
        for i, line in enumerate(lines[1:end], 1):
            if line.startswith("aliases:"):
                lines[i] = _append(line, question)
                return "\n".join(lines)
        lines.insert(end, f"aliases: [{_quoted(question)}]")
        return "\n".join(lines)

    return Edit(f"cards/{card_id}.md", change, f"sample question for {card_id}: {question}")


def synonym(word: str, same_as: str) -> Edit:
    """`word` means the same as `same_as`: added to the group holding `same_as`, or a new
    group of the two."""
    word = _clean(word, MAX_WORD_CHARS, *_WORD)
    same_as = _clean(same_as, MAX_WORD_CHARS, *_WORD)

    def change(text: str) -> str:
        lines = text.split("\n")
        start = lines.index("synonyms:") if "synonyms:" in lines else -1
        if start < 0:
            raise EditRefused(Refusal.NO_SYNONYMS)
        end = start + 1
        while end < len(lines) and lines[end].startswith("  - "):
            end += 1
        for i in range(start + 1, end):
            group = _FLOW_LIST.match(lines[i])
            words = [w.strip().strip("\"'") for w in group["items"].split(",")] if group else []
            if same_as in words:
                lines[i] = _append(lines[i], word)
                return "\n".join(lines)
        lines.insert(end, f"  - [{_quoted(same_as)}, {_quoted(word)}]")
        return "\n".join(lines)

    return Edit("lexicon.yaml", change, f"synonym {word} = {same_as}")


def labelled_question(question: str, expected: str) -> Edit:
    """`question` wants card `expected` (or NONE: no card is for it), numbers masked."""
    question = _clean(_masked(question), ASKED_QUESTION_CHARS, *_QUESTION)
    line = json.dumps(
        {"q": question, "expected": expected, "note": "dashboard"}, ensure_ascii=False
    )

    def change(text: str) -> str:
        if text and not text.endswith("\n"):
            text += "\n"
        return f"{text}{line}\n"

    return Edit(ASKED_FILE, change, f"labelled {expected}: {question}", creates=True)


def apply_checked(content_dir: Path, edit: Edit) -> Library:
    """Checks the edit on a copy of the folder, then writes it; the new library. Raises
    EditError with the problems `pufa content check` would list (nothing is written)."""
    target = content_dir / edit.path
    if not target.is_file() and not edit.creates:
        raise EditRefused(Refusal.FILE_MISSING, path=edit.path)
    old_text = target.read_text(encoding="utf-8") if target.is_file() else ""
    new_text = edit.change(old_text)
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "content"
        shutil.copytree(content_dir, copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
        (copy / edit.path).write_text(new_text, encoding="utf-8")
        library, problems = collect(copy)
    if problems or library is None:
        if not problems:
            raise EditRefused(Refusal.CHECK_FAILED)
        raise EditError([str(p) for p in problems])
    temporary = target.with_name(f".{target.name}.editing")
    temporary.write_text(new_text, encoding="utf-8")
    os.replace(temporary, target)
    return library
