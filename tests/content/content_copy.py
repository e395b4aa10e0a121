"""A throwaway copy of the shipped content folder, for tests that break one thing in it."""

import itertools
import shutil
from dataclasses import dataclass
from pathlib import Path

from content.loader import CONTENT_DIR, Problem, collect
from content.problems import load_one
from content.typed_words import TypedWords


def copy_content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target


def quick_content(tmp_path: Path, asked: int = 300) -> Path:
    """A copy of the shipped content with only its first `asked` labelled questions: its index
    builds in a second or two (the whole dev set takes several), for the tests of what happens
    around a build rather than of the search."""
    return keep_first_asked(copy_content(tmp_path), asked)


def keep_first_asked(content: Path, asked: int) -> Path:
    """Cut a content copy's labelled questions down to its first `asked`."""
    questions = content / "asked-questions.jsonl"
    kept = questions.read_text(encoding="utf-8").splitlines(keepends=True)[:asked]
    questions.write_text("".join(kept), encoding="utf-8")
    return content


def edit(path: Path, old: str, new: str) -> None:
    """Replace the one occurrence of `old` (the test fails if there is not exactly one)."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def edit_entry(path: Path, entry_id: str, old: str, new: str) -> None:
    """Replace `old` inside the YAML list entry that starts with `- id: entry_id`."""
    text = path.read_text(encoding="utf-8")
    start = text.index(f"- id: {entry_id}\n")
    end = text.find("\n- id: ", start + 1)
    end = len(text) if end < 0 else end
    block = text[start:end]
    assert block.count(old) == 1, f"{old!r} occurs {block.count(old)} times in {entry_id}"
    path.write_text(text[:start] + block.replace(old, new) + text[end:], encoding="utf-8")


def named(path: Path, first_line: str, label: str | None = None, *, holding: str = "") -> str:
    """How the content check names the list entry of `path` whose first line is
    `first_line` (`- id: food-safety-week`; the first such entry with a line `holding` this):
    the file, that line's number and the entry's `label` (by default the value on that
    line, unquoted)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("- ")] + [len(lines)]
    number = next(
        start + 1
        for start, end in itertools.pairwise(starts)
        if lines[start] == first_line and any(holding in line for line in lines[start:end])
    )
    shown = label if label is not None else first_line.split(": ", 1)[1].strip("\"'")
    return f"{path.name} 第 {number} 行（{shown}）"


@dataclass(frozen=True)
class Edit:
    """One replacement in a content file: `old` must occur exactly once in it (in its YAML
    list entry `- id: entry`, when `entry` is given)."""

    file: str  # relative to the content folder: "ui.zh.yaml", "cards/unpaid-wages.md"
    old: str
    new: str
    entry: str | None = None


def refused(tmp_path: Path, *edits: Edit) -> list[Problem]:
    """The problems the content check finds in a copy of the shipped content with `edits`
    made, one after the other; the test fails if the check accepts it."""
    content = copy_content(tmp_path)
    for change in edits:
        if change.entry is None:
            edit(content / change.file, change.old, change.new)
        else:
            edit_entry(content / change.file, change.entry, change.old, change.new)
    library, problems = collect(content)
    assert library is None, "the check accepted the edited content"
    return problems


def shipped_typed_words() -> TypedWords:
    """The shipped typed_words.yaml, for tests of the parsers that take its words."""
    problems: list[Problem] = []
    words = load_one(CONTENT_DIR / "typed_words.yaml", TypedWords, problems)
    assert words is not None, problems
    return words
