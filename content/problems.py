"""A problem found in the content, and the YAML helpers that collect them.

Kept apart from the loader so that every content module (hotlines, desks, advisers ...) can
report problems with file and field without importing the loader that imports it.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


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
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        at = f"（第 {mark.line + 1} 行第 {mark.column + 1} 列附近）" if mark else ""
        return f"YAML 格式有误{at}：检查括号、引号和冒号是否配对，缩进是否对齐"
    if isinstance(exc, yaml.YAMLError):
        return "YAML 格式有误：检查括号、引号和冒号是否配对，缩进是否对齐"
    if isinstance(exc, UnicodeDecodeError):
        return "无法读取：文件请存为 UTF-8 编码"
    if isinstance(exc, FileNotFoundError):
        return "无法读取：文件不存在"
    if isinstance(exc, OSError):
        return f"无法读取：{exc.strerror or exc}"
    return str(exc)


def read_yaml(path: Path, problems: list[Problem]) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        problems.append(Problem(path.name, "", unreadable(exc)))
        return None


def validate(model: type[M], data: Any, name: str, problems: list[Problem]) -> M | None:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems.extend(Problem(name, loc(err["loc"]), explain(err)) for err in exc.errors())
        return None


def load_list(path: Path, model: type[M], problems: list[Problem]) -> list[M]:
    """Every item of a YAML list that validates; problems are named `file[i]` + field."""
    data = read_yaml(path, problems)
    if not isinstance(data, list):
        if data is not None:
            problems.append(Problem(path.name, "", "应该是一个列表"))
        return []
    loaded = (validate(model, item, f"{path.name}[{i}]", problems) for i, item in enumerate(data))
    return [item for item in loaded if item is not None]


def load_one(path: Path, model: type[M], problems: list[Problem]) -> M | None:
    data = read_yaml(path, problems)
    return validate(model, data, path.name, problems) if data is not None else None


def loc(parts: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in parts)


def one_of(allowed: Iterable[object]) -> str:
    """The allowed values of a field, for a problem's message."""
    return f"只能是：{'、'.join(str(value) for value in allowed)}"


def unknown_category(value: str, categories: Iterable[str]) -> str:
    """An id that categories.yaml does not declare, with the ones it does."""
    return f"未知分类 '{value}'（categories.yaml 里没有），{one_of(sorted(categories))}"


def duplicates(values: list[str]) -> list[str]:
    """Values listed more than once, in order of their second appearance."""
    seen: set[str] = set()
    repeated: list[str] = []
    for value in values:
        if value in seen and value not in repeated:
            repeated.append(value)
        seen.add(value)
    return repeated


_EXPLANATIONS = {
    "missing": "缺少这一项",
    "extra_forbidden": "不认识的字段（拼写对吗？）",
    "string_type": "应该是一段文字",
    "int_type": "应该是整数",
    "int_parsing": "应该是整数",
    "int_from_float": "应该是整数",
    "list_type": "应该是列表，比如 [a, b]",
    "dict_type": "应该是“键: 值”的形式",
    "model_type": "应该是“键: 值”的形式",
    "model_attributes_type": "应该是“键: 值”的形式",
    "date_type": "日期应写成 YYYY-MM-DD",
    "date_parsing": "日期应写成 YYYY-MM-DD",
    "date_from_datetime_parsing": "日期应写成 YYYY-MM-DD",
    "date_from_datetime_inexact": "日期应写成 YYYY-MM-DD",
    "float_type": "应该是数字",
    "float_parsing": "应该是数字，比如 30.25",
    "finite_number": "应该是数字",
    "bool_type": "应该是 true 或 false",
    "bool_parsing": "应该是 true 或 false",
    "time_type": "时间应写成 HH:MM",
    "time_parsing": "时间应写成 HH:MM",
    "none_required": "这一项应该留空",
}


def explain(err: Any) -> str:
    """A pydantic error in Chinese: our own validators' text, or a translation of the common
    built-in errors (never pydantic's English: coordinators read these)."""
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])
    if kind == "literal_error":
        return f"'{err.get('input')}' 不是可选的值，{one_of(_literals(str(ctx.get('expected'))))}"
    if kind in ("string_too_short", "string_too_long"):
        limit = ctx.get("min_length", ctx.get("max_length", ""))
        return f"{'至少' if kind == 'string_too_short' else '最多'} {limit} 个字"
    if kind in ("too_short", "too_long"):
        limit = ctx.get("min_length", ctx.get("max_length", ""))
        return f"{'至少' if kind == 'too_short' else '最多'}要有 {limit} 项"
    if kind in ("greater_than_equal", "greater_than"):
        return f"不能小于 {ctx.get('ge', ctx.get('gt', ''))}"
    if kind in ("less_than_equal", "less_than"):
        return f"不能大于 {ctx.get('le', ctx.get('lt', ''))}"
    return _EXPLANATIONS.get(kind, "这一项的值不对")


def _literals(expected: str) -> list[str]:
    """The values of pydantic's `expected` of a literal error ("'a', 'b' or 'c'", English)."""
    return re.findall(r"'([^']*)'", expected) or [expected]
