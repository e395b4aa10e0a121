"""Office hours as coordinators write them, and the public-holiday calendar (`holidays.yaml`).

An hours line reads like a notice board: "周一至周五 08:30-12:00, 14:00-17:30" (days, then
one or more shifts). Shifts are local wall-clock times; a shift includes its first minute and
excludes its last (open at 17:29, closed at 17:30).
"""

import re
import unicodedata
from datetime import date, time
from itertools import pairwise
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from content.check_text import check_text
from content.dates import weekday
from content.problems import Problem, load_one

DAY_NUMBERS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
NAMED_DAYS = {"每天": frozenset(range(7)), "工作日": frozenset(range(5))}
# On a 调休 Saturday or Sunday (a working day by State Council notice) a desk keeps the hours
# it has on this weekday.
MAKEUP_DAY_HOURS_OF = 0  # Monday
_DAY = r"(?:周|星期|礼拜)([一二三四五六日天])"
_DAY_RANGE = re.compile(rf"^{_DAY}(?:(?:至|到|-|~)\s*{_DAY})?$")
_SHIFT = re.compile(r"^(\d{1,2}):(\d{2})\s*(?:-|~|至|到)\s*(\d{1,2}):(\d{2})$")
_LINE = re.compile(r"^(?P<days>[^0-9]+?)\s*(?P<shifts>[0-9].*)$")

Shift = tuple[time, time]


class _Strict(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True
    )


class OfficeHours(_Strict):
    """One line of office hours: "周一至周五 08:30-12:00, 14:00-17:30"."""

    text: str
    days: frozenset[int]
    shifts: tuple[Shift, ...] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _parse(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        days, shifts = parse_hours_line(value)
        return {"text": value.strip(), "days": days, "shifts": shifts}


def parse_hours_line(text: str) -> tuple[frozenset[int], tuple[Shift, ...]]:
    """'周一至周五 08:30-12:00，14:00-17:30' -> ({0..4}, ((8:30, 12:00), (14:00, 17:30)))."""
    line = _LINE.match(_plain(text))
    if line is None:
        raise ValueError(check_text("office_hours.line", text=text))
    days = parse_days(line.group("days"))
    joined = re.sub(r"\s*(-|~|至|到)\s*", r"\1", line.group("shifts"))
    shifts = tuple(_shift(part) for part in re.split(r"[,;、\s]+", joined) if part)
    for (_, end), (start, _) in pairwise(shifts):
        if start < end:
            raise ValueError(check_text("office_hours.overlap", text=text))
    return days, shifts


def parse_days(text: str) -> frozenset[int]:
    """'周一至周五' / '周二、周四' / '周六' / '工作日' / '每天' -> weekday numbers (Monday 0)."""
    days: set[int] = set()
    for part in re.split(r"[,;、]+", _plain(text).replace(" ", "")):
        if part in NAMED_DAYS:
            days |= NAMED_DAYS[part]
            continue
        found = _DAY_RANGE.match(part)
        if found is None:
            raise ValueError(check_text("office_hours.days", part=part))
        first = DAY_NUMBERS[found.group(1)]
        last = DAY_NUMBERS[found.group(2)] if found.group(2) else first
        if last < first:
            raise ValueError(check_text("office_hours.days_order", part=part))
        days |= set(range(first, last + 1))
    if not days:
        raise ValueError(check_text("office_hours.no_days"))
    return frozenset(days)


def _shift(text: str) -> Shift:
    found = _SHIFT.match(text)
    if found is None:
        raise ValueError(check_text("office_hours.shift", text=text))
    h1, m1, h2, m2 = (int(x) for x in found.groups())
    try:
        start, end = time(h1, m1), time(h2, m2)
    except ValueError:
        raise ValueError(check_text("office_hours.no_such_time", text=text)) from None
    if not start < end:
        raise ValueError(check_text("office_hours.shift_order", text=text))
    return start, end


def _plain(text: str) -> str:
    """Full-width colons, commas and digits to ASCII; long dashes to '-'."""
    text = unicodedata.normalize("NFKC", text)
    return text.replace("—", "-").replace("–", "-").strip()


class ClosedDays(_Strict):
    """A public holiday (放假): no office hours from `first` to `last` (inclusive)."""

    name: str = Field(min_length=1, max_length=40)
    first: date
    last: date | None = None  # a single day when absent

    @property
    def end(self) -> date:
        return self.last or self.first


class Workday(_Strict):
    """A 调休 working day: a Saturday or Sunday on which offices work."""

    name: str = Field(min_length=1, max_length=40)
    date: date


class Holidays(_Strict):
    sample: bool
    note: str = Field(min_length=4, max_length=600)
    closed: list[ClosedDays] = Field(default_factory=list)
    workdays: list[Workday] = Field(default_factory=list)

    def is_closed(self, day: date) -> bool:
        return any(c.first <= day <= c.end for c in self.closed)

    def is_makeup_workday(self, day: date) -> bool:
        return any(w.date == day for w in self.workdays)


def check_holidays(holidays: Holidays, name: str) -> list[Problem]:
    found: list[Problem] = []
    for i, closed in enumerate(holidays.closed):
        if closed.end < closed.first:
            ends_first = check_text("office_hours.ends_first", name=closed.name)
            found.append(Problem(name, f"closed.{i}.last", ends_first))
    spans = sorted(holidays.closed, key=lambda c: c.first)
    found += [
        Problem(
            name,
            "closed",
            check_text("office_hours.overlapping", later=b.name, first=b.first, earlier=a.name),
        )
        for a, b in pairwise(spans)
        if b.first <= a.end
    ]
    for i, workday in enumerate(holidays.workdays):
        where = f"workdays.{i}.date"
        if workday.date.weekday() < 5:
            named = weekday(workday.date)
            not_weekend = check_text("office_hours.workday", date=workday.date, weekday=named)
            found.append(Problem(name, where, not_weekend))
        if holidays.is_closed(workday.date):
            found.append(
                Problem(name, where, check_text("office_hours.workday_closed", date=workday.date))
            )
    if holidays.sample and "示例" not in holidays.note:
        found.append(Problem(name, "note", check_text("common.sample_note")))
    return found


def load_holidays(path: Path, problems: list[Problem]) -> Holidays | None:
    if not path.exists():
        return None
    holidays = load_one(path, Holidays, problems)
    if holidays is None:
        return None
    found = check_holidays(holidays, path.name)
    problems.extend(found)
    return None if found else holidays


def shifts_on(hours: list[OfficeHours], day: date, holidays: Holidays | None) -> list[Shift]:
    """The shifts of `day`: none on a holiday, Monday's on a 调休 working weekend day."""
    if holidays is not None and holidays.is_closed(day):
        return []
    weekday = day.weekday()
    if holidays is not None and holidays.is_makeup_workday(day):
        weekday = MAKEUP_DAY_HOURS_OF
    return [shift for line in hours if weekday in line.days for shift in line.shifts]
