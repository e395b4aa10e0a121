"""Village legal advisers (一村（社区）一法律顾问): the sample list `advisers.yaml` and the
coordinator's CSV (Chinese or English headers, UTF-8 or Excel's GBK), checked against
`towns.yaml`. A CSV with any bad row imports nothing.
"""

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from content.check_text import check_text, listed
from content.csv_table import Layout, Row, read_table
from content.models import Town
from content.phones import checked_phone, phone_text
from content.problems import Problem, entry_values, explain, load_list, loc

SAMPLE_MARK = "示例"


class Adviser(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True
    )

    town: str = Field(min_length=1, max_length=100)
    village: str = Field(min_length=1, max_length=100)
    name: str = Field(min_length=1, max_length=50)
    office: str = Field(default="", max_length=100)  # law firm or legal service office
    duty: str = Field(default="", max_length=200)  # 坐班 days and hours, in plain words
    sample: bool = False  # before contact, whose check it decides
    contact: str = Field(min_length=1, max_length=100)

    @field_validator("contact", mode="before")
    @classmethod
    def _contact_text(cls, value: object) -> object:
        return phone_text(value)

    @field_validator("contact")
    @classmethod
    def _contact_number(cls, value: str, info: ValidationInfo) -> str:
        """A phone number; a sample's is invented (示例电话 0000-0000000: `_samples_look_fake`)."""
        return value if info.data.get("sample") else checked_phone(value)

    @model_validator(mode="after")
    def _samples_look_fake(self) -> "Adviser":
        if not self.sample:
            return self
        unmarked = [
            f
            for f in ("name", "office", "contact")
            if getattr(self, f) and SAMPLE_MARK not in getattr(self, f)
        ]
        if unmarked:
            raise ValueError(check_text("advisers.sample_unmarked", fields=listed(unmarked)))
        if re.search(r"[1-9]", self.contact):
            raise ValueError(check_text("advisers.sample_contact"))
        return self


def load_advisers(
    path: Path, *, towns: Sequence[Town], problems: list[Problem], notes: list[Problem]
) -> list[Adviser]:
    """The advisers of `path` (none when the file is absent), their problems and notes."""
    if not path.exists():
        return []
    entries = load_list(path, Adviser, problems)
    seen: dict[tuple[str, str], Adviser] = {}
    for entry in entries:
        adviser = entry.value
        problems.extend(
            Problem(entry.where, field, message)
            for field, message in _place_problems(adviser, towns)
        )
        place = (adviser.town, adviser.village)
        if (first := seen.setdefault(place, adviser)) is not adviser:
            problems.append(Problem(entry.where, "village", _twice(first, adviser)))
    notes.extend(
        Problem(path.name, "village", check_text("advisers.none", place=f"{town.town}{village}"))
        for town in towns
        for village in town.places
        if (town.town, village) not in seen
    )
    return entry_values(entries)


def _twice(first: Adviser, second: Adviser) -> str:
    place = f"{first.town}{first.village}"
    if first.name == second.name:
        return check_text("advisers.twice_same", place=place, name=first.name)
    return check_text("advisers.twice", place=place, first=first.name, second=second.name)


def adviser_for(advisers: Iterable[Adviser], town: str, village: str) -> Adviser | None:
    return next((a for a in advisers if a.town == town and a.village == village), None)


def parse_advisers_csv(
    raw: bytes | str, name: str, layout: Layout, towns: Sequence[Town] | None = None
) -> tuple[list[Adviser], list[Problem]]:
    """Advisers from a coordinator's CSV, or no advisers and every problem found.

    Headers as `layout` (csv_headers.yaml: 乡镇/town, 村（社区）/village, 姓名/name,
    律所/office, 坐班时间/duty, 联系方式/contact ...); problems name the row as Excel numbers it
    (header = 1). With `towns`, each town and village must be one of them."""
    rows, problems = read_table(raw, name, layout)
    advisers: list[Adviser] = []
    lines: dict[tuple[str, str], int] = {}
    for row in rows:
        where = row.where
        adviser, found = _row(row, layout.required)
        problems += found
        if adviser is None:
            continue
        problems += [Problem(where, f, m) for f, m in _place_problems(adviser, towns)]
        place = (adviser.town, adviser.village)
        if place in lines:
            same = check_text("advisers.same_village", line=lines[place])
            problems.append(Problem(where, "village", same))
        lines.setdefault(place, row.number)
        advisers.append(adviser)
    if not advisers and not problems:
        problems.append(Problem(name, "", check_text("csv.no_entries")))
    return ([], problems) if problems else (advisers, [])


def _row(row: Row, required: Sequence[str]) -> tuple[Adviser | None, list[Problem]]:
    if row.extra_cells is not None:
        return None, [row.extra_cells]
    where, values = row.where, row.values
    empty = [Problem(where, f, check_text("csv.empty_cell")) for f in required if f not in values]
    if empty:
        return None, empty
    try:
        return Adviser.model_validate(values), []
    except ValidationError as exc:
        return None, [Problem(where, loc(e["loc"]), explain(e)) for e in exc.errors()]


def _place_problems(adviser: Adviser, towns: Sequence[Town] | None) -> list[tuple[str, str]]:
    if not towns:
        return []
    town = next((t for t in towns if t.town == adviser.town), None)
    if town is None:
        return [("town", check_text("common.no_town", town=adviser.town))]
    if adviser.village not in town.places:
        return [
            (
                "village",
                check_text("common.no_village", towns=adviser.town, village=adviser.village),
            )
        ]
    return []
