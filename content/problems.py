"""A problem found in the content, and the YAML helpers that collect them.

Kept apart from the loader so that every content module (hotlines, desks, advisers ...) can
report problems with file and field without importing the loader that imports it.
"""

import errno
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from content.check_text import check_text, listed

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


class NoSuchDate(yaml.constructor.ConstructorError):
    """A date written as YAML reads dates (2026-02-30) that the calendar does not have; its
    `problem` is the date as written, its mark where."""


def _date(constructor: yaml.constructor.SafeConstructor, node: yaml.ScalarNode) -> object:
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(constructor, node)
    except ValueError:  # Python's English ("month must be in 1..12") and no line
        raise NoSuchDate(None, None, str(node.value), node.start_mark) from None


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The safe loader (libyaml's when PyYAML was built with it: the quiz bank parses about
    8x faster), saying where a date that does not exist is."""


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _date)


def parse_yaml(text: str) -> Any:
    """The YAML of a content file, as yaml.safe_load reads it; a date the calendar does not
    have raises NoSuchDate (a YAMLError) naming its line."""
    return yaml.load(text, Loader=_Loader)  # a safe loader (libyaml's or PyYAML's)


def parse_yaml_lines(text: str) -> tuple[Any, list[int]]:
    """As parse_yaml, and for a list the line (from 1) each of its entries starts on (none
    for anything else), read in the same pass."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = None if node is None else loader.construct_document(node)
    finally:
        loader.dispose()
    if not isinstance(node, yaml.SequenceNode):
        return data, []
    return data, [item.start_mark.line + 1 for item in node.value]


@dataclass(frozen=True)
class Problem:
    path: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}: {self.field}" if self.field else self.path
        return f"{where}: {self.message}"


def unreadable(exc: Exception) -> str:
    """Why a file could not be read, in Chinese (YAML syntax errors say where)."""
    if isinstance(exc, NoSuchDate) and exc.problem_mark:
        return check_text("read.no_such_date", line=exc.problem_mark.line + 1, date=exc.problem)
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        if mark:
            return check_text("read.yaml_at", line=mark.line + 1, column=mark.column + 1)
    if isinstance(exc, yaml.YAMLError):
        return check_text("read.yaml")
    if isinstance(exc, UnicodeDecodeError):  # Notepad's "ANSI" on a Chinese Windows: GBK
        line = bytes(exc.object[: exc.start]).count(b"\n") + 1
        return check_text("read.not_utf8", line=line)
    if isinstance(exc, FileNotFoundError):
        return check_text("read.no_file")
    if isinstance(exc, OSError):
        return check_text("read.os_error", reason=os_reason(exc))
    return str(exc)


# The system's reasons a file could not be read or written, said in Chinese (its own words
# are English: "Is a directory"); any other keeps the system's words.
_OS_REASONS = {
    errno.EISDIR: "os.is_folder",
    errno.ENOTDIR: "os.not_folder",
    errno.EACCES: "os.no_permission",
    errno.EPERM: "os.no_permission",
    errno.ENOENT: "os.no_such_path",
    errno.ENOSPC: "os.disk_full",
    errno.EROFS: "os.read_only",
    errno.EEXIST: "os.exists",
}


def os_reason(exc: OSError) -> str:
    """Why the system refused to read or write a file, in Chinese where we know it."""
    key = _OS_REASONS.get(exc.errno or 0)
    return check_text(key) if key else str(exc.strerror or exc)


# An unquoted text with " #" followed by a word: YAML drops the rest as a comment, so
# "导出 #{id} 成绩" would be read as "导出" (a comment is "# ..." with a space after the #).
CUT_BY_COMMENT = re.compile(
    r"""^\s*(?:-\s+(?:[\w.-]+:\s+)?|[\w.-]+:\s+)(?!["'|>#])[^#\n]*?\s#(?=[^\s#])"""
)


def _read_yaml(path: Path, problems: list[Problem]) -> tuple[Any, list[int]]:
    """The file's data and, for a list, the line each entry starts on (parse_yaml_lines);
    (None, []) with the problem when it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8")
        data, lines = parse_yaml_lines(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        problems.append(Problem(path.name, "", unreadable(exc)))
        return None, []
    problems.extend(
        Problem(path.name, "", check_text("read.cut_by_comment", line=number))
        for number, line in enumerate(text.splitlines(), 1)
        if CUT_BY_COMMENT.match(line)
    )
    return data, lines


def validate(model: type[M], data: Any, name: str, problems: list[Problem]) -> M | None:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems.extend(Problem(name, loc(err["loc"]), explain(err)) for err in exc.errors())
        return None


@dataclass(frozen=True)
class Entry(Generic[T]):
    """An entry of a YAML list file (its data, or the model read from it) and how a problem
    names it: as a coordinator finds it, by the file, the line it starts on and its id or
    name, `desks.yaml 第 34 行（chengguan-judicial-office）`."""

    value: T
    where: str


# What names an entry, first found first: an id, else a name (a town's `town`, a seed's
# `file` for the files without either).
LABEL_KEYS = ("id", "name")
LABEL_MAX_CHARS = 30


def entry_where(file: str, line: int, item: Any, keys: Sequence[str] = LABEL_KEYS) -> str:
    """How a problem names the list entry `item` of `file` that starts on `line`."""
    given = [item.get(key) for key in keys] if isinstance(item, dict) else []
    labels = [str(v).strip() for v in given if isinstance(v, str | int) and str(v).strip()]
    if not labels:
        return check_text("where.entry_line", file=file, line=line)
    label = labels[0]
    if len(label) > LABEL_MAX_CHARS:
        label = label[:LABEL_MAX_CHARS] + "…"
    return check_text("where.entry", file=file, line=line, label=label)


def read_list(
    path: Path, problems: list[Problem], keys: Sequence[str] = LABEL_KEYS
) -> list[Entry[Any]]:
    """The entries of a YAML list (none, with the problem, when the file holds something
    else), each named by `entry_where`."""
    data, lines = _read_yaml(path, problems)
    if not isinstance(data, list):
        if data is not None:
            problems.append(Problem(path.name, "", check_text("common.not_a_list")))
        return []
    return [
        Entry(item, entry_where(path.name, line, item, keys))
        for item, line in zip(data, lines, strict=True)
    ]


def load_list(
    path: Path, model: type[M], problems: list[Problem], keys: Sequence[str] = LABEL_KEYS
) -> list[Entry[M]]:
    """Every entry of a YAML list that validates, with how a problem names it; problems are
    named so (`entry_where`) + field."""
    entries = read_list(path, problems, keys)
    read = [(validate(model, e.value, e.where, problems), e.where) for e in entries]
    return [Entry(value, where) for value, where in read if value is not None]


def entry_values(entries: Iterable[Entry[T]]) -> list[T]:
    """The entries' data or models, without where they are."""
    return [entry.value for entry in entries]


def load_one(path: Path, model: type[M], problems: list[Problem]) -> M | None:
    data, _ = _read_yaml(path, problems)
    return validate(model, data, path.name, problems) if data is not None else None


def loc(parts: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in parts)


def one_of(allowed: Iterable[object]) -> str:
    """The allowed values of a field, for a problem's message."""
    return check_text("value.one_of", values=listed(allowed))


def unknown_category(value: str, categories: Iterable[str]) -> str:
    """An id that categories.yaml does not declare, with the ones it does."""
    return check_text("value.unknown_category", value=value, allowed=one_of(sorted(categories)))


def duplicates(values: list[str]) -> list[str]:
    """Values listed more than once, in order of their second appearance."""
    seen: set[str] = set()
    repeated: list[str] = []
    for value in values:
        if value in seen and value not in repeated:
            repeated.append(value)
        seen.add(value)
    return repeated


# pydantic's error type -> the key of its explanation in check.zh.yaml
_EXPLANATIONS = {
    "missing": "value.missing",
    "extra_forbidden": "value.unknown_field",
    "string_type": "value.text",
    "int_type": "value.integer",
    "int_parsing": "value.integer",
    "int_from_float": "value.integer",
    "list_type": "value.list",
    "dict_type": "value.mapping",
    "model_type": "value.mapping",
    "model_attributes_type": "value.mapping",
    "date_type": "value.date",
    "date_parsing": "value.date",
    "date_from_datetime_parsing": "value.date",
    "date_from_datetime_inexact": "value.date",
    "float_type": "value.number",
    "float_parsing": "value.number_example",
    "finite_number": "value.number",
    "bool_type": "value.boolean",
    "bool_parsing": "value.boolean",
    "time_type": "value.time",
    "time_parsing": "value.time",
    "none_required": "value.empty",
}


def explain(err: Any) -> str:
    """A pydantic error in Chinese: our own validators' text, or a translation of the common
    built-in errors (never pydantic's English: coordinators read these)."""
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])
    if kind == "literal_error":
        allowed = one_of(_literals(str(ctx.get("expected"))))
        return check_text("value.not_allowed", value=err.get("input"), allowed=allowed)
    if kind in ("string_too_short", "string_too_long"):
        limit = ctx.get("min_length", ctx.get("max_length", ""))
        short = kind == "string_too_short"
        return check_text("value.too_few_chars" if short else "value.too_many_chars", limit=limit)
    if kind in ("too_short", "too_long"):
        limit = ctx.get("min_length", ctx.get("max_length", ""))
        short = kind == "too_short"
        return check_text("value.too_few_items" if short else "value.too_many_items", limit=limit)
    if kind in ("greater_than_equal", "greater_than"):
        return check_text("value.too_small", limit=ctx.get("ge", ctx.get("gt", "")))
    if kind in ("less_than_equal", "less_than"):
        return check_text("value.too_large", limit=ctx.get("le", ctx.get("lt", "")))
    return check_text(_EXPLANATIONS.get(kind, "value.other"))


def _literals(expected: str) -> list[str]:
    """The values of pydantic's `expected` of a literal error ("'a', 'b' or 'c'", English)."""
    return re.findall(r"'([^']*)'", expected) or [expected]
