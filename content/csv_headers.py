"""The column names a coordinator's CSV may use (content/csv_headers.yaml): per table (the
service-point directory, the village advisers) each field's names, its Chinese name first, and
the columns every table leaves out. A field's names may be edited; which fields a table has and
which are required are its model's (DirectoryEntry, Adviser)."""

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from content.advisers import Adviser
from content.check_text import check_text, listed
from content.csv_table import Layout, header_key
from content.directory import DirectoryEntry
from content.problems import Problem, load_one

CSV_HEADERS_FILE = "csv_headers.yaml"
# Model fields no CSV column fills (a CSV's entries are real, never samples)
NOT_COLUMNS = frozenset({"sample"})


class CsvHeaders(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    ignored: list[str] = Field(default_factory=list)
    directory: dict[str, list[str]]
    advisers: dict[str, list[str]]


@dataclass(frozen=True)
class CsvLayouts:
    directory: Layout
    advisers: Layout


TABLES: dict[str, type[BaseModel]] = {"directory": DirectoryEntry, "advisers": Adviser}


def load_csv_headers(path: Path, problems: list[Problem]) -> CsvLayouts | None:
    """The layouts of `path`, or None with every problem that would break an import: a field
    the table does not have, a required field without a name, a name that is empty once
    compared, or that two fields (or a field and `ignored`) share, or that is written twice."""
    headers = load_one(path, CsvHeaders, problems)
    if headers is None:
        return None
    found: list[tuple[str, str]] = []
    ignored = _keys("ignored", {"ignored": headers.ignored}, found)
    layouts = {
        table: _layout(table, getattr(headers, table), model, ignored, found)
        for table, model in TABLES.items()
    }
    problems.extend(Problem(path.name, field, message) for field, message in found)
    return None if found else CsvLayouts(**layouts)


def _layout(
    table: str,
    headers: dict[str, list[str]],
    model: type[BaseModel],
    ignored: dict[str, tuple[str, str]],
    found: list[tuple[str, str]],
) -> Layout:
    fields = [f for f in model.model_fields if f not in NOT_COLUMNS]
    required = [f for f in fields if model.model_fields[f].is_required()]
    for field in sorted(headers.keys() - set(fields)):
        allowed = listed(fields)
        found.append((f"{table}.{field}", check_text("csv_headers.unknown_field", fields=allowed)))
    for field in required:
        if not headers.get(field):
            found.append((f"{table}.{field}", check_text("csv_headers.required")))
    keys = _keys(table, {f: headers[f] for f in fields if f in headers}, found)
    for key, (field, name) in keys.items():
        if key in ignored:
            found.append((f"{table}.{field}", check_text("csv_headers.also_ignored", name=name)))
    named = [f for f in fields if headers.get(f)]
    return Layout(
        headers={f: tuple(headers[f]) for f in named},
        required=tuple(required),
        ignored=frozenset(ignored),
    )


def _keys(
    table: str, headers: dict[str, list[str]], found: list[tuple[str, str]]
) -> dict[str, tuple[str, str]]:
    """Each compared name (`header_key`) -> its field and the name as written; a name that
    compares empty, or like a name written before (of its own field or another), is a
    problem."""
    keys: dict[str, tuple[str, str]] = {}
    for field, names in headers.items():
        where = f"{table}.{field}" if table != field else table
        for name in names:
            key = header_key(name)
            if not key:
                found.append((where, check_text("csv_headers.empty", name=name)))
                continue
            if key not in keys:
                keys[key] = (field, name)
                continue
            first_field, first = keys[key]
            if first_field == field:
                text = check_text("csv_headers.twice", name=name, first=first)
            else:
                text = check_text("csv_headers.two_fields", name=name, first=first,
                                  other=f"{table}.{first_field}")  # fmt: skip
            found.append((where, text))
    return keys
