"""Small edits of the content folder made from the dashboard: a resident's question added to a
card as a sample question (`aliases`), a word added to a synonym group (`lexicon.yaml`), or a
question labelled with the card it wants, or none, for the search to learn from
(`asked-questions.jsonl`); and each of them taken back out again (an undone decision).

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

import yaml

from content.asked import ASKED_FILE, ASKED_QUESTION_CHARS
from content.loader import Library, collect, synonym_problems
from content.privacy import mask_personal_numbers
from content.problems import parse_yaml

MAX_QUESTION_CHARS = 60
MAX_WORD_CHARS = 12
_WORDS = re.compile(r"[\u4e00-\u9fffA-Za-z]")
_FLOW_LIST = re.compile(r"^(?P<head>\s*(?:-\s*)?(?:aliases:\s*)?)\[(?P<items>.*)\]\s*$")
# One item of a flow list: double-quoted (with escapes), single-quoted ('' for '), or plain.
_FLOW_ITEM = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\']|\'\')*\'|[^,\s][^,]*')


class Refusal(Enum):
    """Why an edit was refused before the content check ran: each names its text in the text
    catalogue (`dashboard.<value>`, formatted with the refusal's values)."""

    QUESTION_EMPTY = "edit_question_empty"
    QUESTION_TOO_LONG = "edit_question_too_long"  # {limit}
    WORD_EMPTY = "edit_word_empty"
    WORD_TOO_LONG = "edit_word_too_long"  # {limit}
    WORD_IS_KEYWORD = "edit_word_is_keyword"  # {word}: a synonym of itself
    WORD_NOT_IN_QUESTION = "edit_word_not_in_question"  # {word}: the dashboard's synonyms
    NUMBERS_ONLY = "edit_numbers_only"  # only a phone or ID number: masked, it teaches nothing
    UNEXPECTED_FORMAT = "edit_unexpected_format"
    NO_SYNONYMS = "edit_no_synonyms"
    FILE_MISSING = "edit_file_missing"  # {path}
    CHECK_FAILED = "edit_check_failed"
    NO_CONTENT_DIR = (
        "no_content_dir"  # PUFA_CONTENT_DIR not set: the packaged content is not edited
    )
    CONTENT_DIR_GONE = "content_dir_gone"  # {path}: PUFA_CONTENT_DIR names no folder


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
    added: tuple[str, ...] = ()  # the values written, as the edit that withdraws them takes them


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


def _items(line: str) -> tuple[str, list[str]] | None:
    """A YAML flow list line's head and its items as written (quotes kept); None if the
    line is not one."""
    match = _FLOW_LIST.match(line)
    if match is None:
        return None
    return match["head"], [item.strip() for item in _FLOW_ITEM.findall(match["items"])]


def _value(item: str) -> object:
    try:
        return parse_yaml(item)
    except yaml.YAMLError:  # (a date the calendar does not have too: NoSuchDate)
        return item


def _without(line: str, value: str) -> str | None:
    """The flow list `line` with `value` taken out (the first item that reads as it); None
    when it holds no such item."""
    found = _items(line)
    if found is None:
        return None
    head, items = found
    for i, item in enumerate(items):
        if _value(item) == value:
            return f"{head}[{', '.join(items[:i] + items[i + 1 :])}]"
    return None


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


def _front_matter(lines: list[str]) -> range:
    """The indexes of a card file's front matter lines (between its first two `---`)."""
    end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), 0)
    return range(1, end)


def sample_question(card_id: str, question: str) -> Edit:
    question = _clean(_masked(question), MAX_QUESTION_CHARS, *_QUESTION)

    def change(text: str) -> str:
        lines = text.split("\n")
        front = _front_matter(lines)
        for i in front:
            if lines[i].startswith("aliases:"):
                lines[i] = _append(lines[i], question)
                return "\n".join(lines)
        lines.insert(front.stop, f"aliases: [{_quoted(question)}]")
        return "\n".join(lines)

    return Edit(
        f"cards/{card_id}.md",
        change,
        f"sample question for {card_id}: {question}",
        added=(question,),
    )


def withdrawn_sample_question(card_id: str, question: str) -> Edit:
    """`question` taken out of the card's sample questions (the file is left as it is when
    they no longer hold it)."""

    def change(text: str) -> str:
        lines = text.split("\n")
        for i in _front_matter(lines):
            if lines[i].startswith("aliases:") and (kept := _without(lines[i], question)):
                lines[i] = kept
        return "\n".join(lines)

    return Edit(
        f"cards/{card_id}.md", change, f"sample question withdrawn from {card_id}: {question}"
    )


def _synonym_groups(lines: list[str]) -> range:
    """The indexes of the group lines under `synonyms:`."""
    if "synonyms:" not in lines:
        raise EditRefused(Refusal.NO_SYNONYMS)
    start = end = lines.index("synonyms:") + 1
    while end < len(lines) and lines[end].startswith("  - "):
        end += 1
    return range(start, end)


def _group_words(line: str) -> list[object]:
    found = _items(line)
    return [_value(item) for item in found[1]] if found else []


def synonym(word: str, same_as: str) -> Edit:
    """`word` means the same as `same_as`: added to the group holding `same_as`, or a new
    group of the two."""
    word = _clean(word, MAX_WORD_CHARS, *_WORD)
    same_as = _clean(same_as, MAX_WORD_CHARS, *_WORD)
    if word == same_as:
        raise EditRefused(Refusal.WORD_IS_KEYWORD, word=word)

    def change(text: str) -> str:
        lines = text.split("\n")
        groups = _synonym_groups(lines)
        before = synonym_problems([_group_words(lines[i]) for i in groups])
        changed = next((i for i in groups if same_as in _group_words(lines[i])), None)
        if changed is None:
            lines.insert(groups.stop, f"  - [{_quoted(same_as)}, {_quoted(word)}]")
            groups = range(groups.start, groups.stop + 1)
        else:
            lines[changed] = _append(lines[changed], word)
        # the content check's rule: what this edit would break, said alone (a new group goes
        # last, so the others keep their numbers)
        after = synonym_problems([_group_words(lines[i]) for i in groups])
        if found := [message for problem, message in after if (problem, message) not in before]:
            raise EditError(found)
        return "\n".join(lines)

    return Edit("lexicon.yaml", change, f"synonym {word} = {same_as}", added=(word, same_as))


def withdrawn_synonym(word: str, same_as: str) -> Edit:
    """`word` taken out of the group holding it and `same_as`; a group left with one word
    goes (the file is left as it is when no group holds both)."""

    def change(text: str) -> str:
        lines = text.split("\n")
        for i in _synonym_groups(lines):
            if same_as in _group_words(lines[i]) and (kept := _without(lines[i], word)):
                if len(_group_words(kept)) < 2:
                    del lines[i]
                else:
                    lines[i] = kept
                break
        return "\n".join(lines)

    return Edit("lexicon.yaml", change, f"synonym withdrawn: {word} = {same_as}")


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

    return Edit(
        ASKED_FILE, change, f"labelled {expected}: {question}", creates=True, added=(question,)
    )


def unlabelled_question(question: str) -> Edit:
    """The dashboard's labels of `question` taken out of the labelled questions (those of the
    content's authors stay); the search then answers it as it did before."""

    def taught_here(line: str) -> bool:
        try:
            row = json.loads(line)
        except ValueError:
            return False
        return (
            isinstance(row, dict) and row.get("note") == "dashboard" and row.get("q") == question
        )

    def change(text: str) -> str:
        return "".join(line for line in text.splitlines(keepends=True) if not taught_here(line))

    return Edit(ASKED_FILE, change, f"label withdrawn: {question}")


def apply_checked(content_dir: Path, *edits: Edit) -> Library:
    """Checks the edits, made in turn as one change (a withdrawal and what replaces it), on a
    copy of the folder, then writes them; the new library. Raises EditError with the problems
    `pufa content check` would list (nothing is written)."""
    new_texts: dict[str, str] = {}
    for edit in edits:
        if edit.path not in new_texts:
            target = content_dir / edit.path
            if not target.is_file() and not edit.creates:
                raise EditRefused(Refusal.FILE_MISSING, path=edit.path)
            new_texts[edit.path] = target.read_text(encoding="utf-8") if target.is_file() else ""
        new_texts[edit.path] = edit.change(new_texts[edit.path])
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "content"
        shutil.copytree(content_dir, copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
        for path, new_text in new_texts.items():
            (copy / path).write_text(new_text, encoding="utf-8")
        library, problems = collect(copy)
    if problems or library is None:
        if not problems:
            raise EditRefused(Refusal.CHECK_FAILED)
        raise EditError([str(p) for p in problems])
    for path, new_text in new_texts.items():
        target = content_dir / path
        temporary = target.with_name(f".{target.name}.editing")
        temporary.write_text(new_text, encoding="utf-8")
        os.replace(temporary, target)
    return library
