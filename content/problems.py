"""A problem found in the content, and the YAML helpers that collect them.

Kept apart from the loader so that every content module (hotlines, desks, advisers ...) can
report problems with file and field without importing the loader that imports it.
"""

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


def read_yaml(path: Path, problems: list[Problem]) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        problems.append(Problem(path.name, "", f"无法读取: {exc}"))
        return None


def validate(model: type[M], data: Any, name: str, problems: list[Problem]) -> M | None:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems.extend(Problem(name, loc(err["loc"]), err["msg"]) for err in exc.errors())
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


def duplicates(values: list[str]) -> list[str]:
    """Values listed more than once, in order of their second appearance."""
    seen: set[str] = set()
    repeated: list[str] = []
    for value in values:
        if value in seen and value not in repeated:
            repeated.append(value)
        seen.add(value)
    return repeated
