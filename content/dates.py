"""How the bot writes a day to people, the same everywhere: 12月4日, 周六, 2026年9月14日,
2027年12月4日（周六）, 12月, 12月1日至12月7日, and a campaign's first day as said on the day a
reminder goes out (今天, 3 天后). The words and patterns are texts of ui.zh.yaml (section
`dates`), for a coordinator to edit there: the running bot writes its content's (`use`, at
start), anything else the words of the packaged ui.zh.yaml."""

import functools
from datetime import date
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import field_validator

from content.check_text import check_text
from content.templates import template_problem
from content.texts import AllFields, Fields, Texts


class DateTexts(Texts):
    """The `dates` section of ui.zh.yaml. A pattern must keep each of its placeholders (a date
    without its {day} names no day)."""

    short_date: Annotated[str, Fields("day", "month"), AllFields()]
    long_date: Annotated[str, Fields("day", "month", "year"), AllFields()]
    weekday: Annotated[str, Fields("name"), AllFields()]
    weekdays: list[str]  # the names of the seven days, Monday first
    full_date: Annotated[str, Fields("long_date", "weekday"), AllFields()]
    month: Annotated[str, Fields("month"), AllFields()]
    date_range: Annotated[str, Fields("start", "end"), AllFields()]  # of two short dates
    same_day: str  # a one-day campaign's last day, its day written already: 开始，当天结束
    today: str
    tomorrow: str
    day_after_tomorrow: str
    days_ahead: Annotated[str, Fields("days"), AllFields()]

    @field_validator("weekdays")
    @classmethod
    def _seven(cls, names: list[str]) -> list[str]:
        if len(names) != 7 or not all(name.strip() for name in names):
            raise ValueError(check_text("dates.weekdays"))
        for name in names:
            if problem := template_problem(name):
                raise ValueError(problem)
        return names


_in_use: DateTexts | None = None


@functools.cache
def packaged() -> DateTexts:
    """The words of the ui.zh.yaml beside this module."""
    texts = yaml.safe_load(Path(__file__).with_name("ui.zh.yaml").read_text(encoding="utf-8"))
    return DateTexts.model_validate(texts["dates"])


def use(words: DateTexts) -> None:
    """From now on, days are written with `words` (the running bot's content's)."""
    global _in_use
    _in_use = words


def words() -> DateTexts:
    return _in_use or packaged()


def short_date(day: date) -> str:
    return words().short_date.format(month=day.month, day=day.day)


def weekday_of(number: int) -> str:
    """The name of a day of the week, as `weekday` writes it: 0 is Monday."""
    texts = words()
    return texts.weekday.format(name=texts.weekdays[number])


def weekday(day: date) -> str:
    return weekday_of(day.weekday())


def long_date(day: date) -> str:
    return words().long_date.format(year=day.year, month=day.month, day=day.day)


def full_date(day: date) -> str:
    return words().full_date.format(long_date=long_date(day), weekday=weekday(day))


def month_of(day: date) -> str:
    """The month `day` is in: 12月."""
    return words().month.format(month=day.month)


def date_range(first: date, last: date) -> str:
    """The days from `first` to `last`: 12月1日至12月7日, a single day as `short_date`."""
    if first == last:
        return short_date(first)
    return words().date_range.format(start=short_date(first), end=short_date(last))


def days_from(days: int) -> str:
    """A day `days` (at least 0) after today: 今天, 明天, 后天, then "N 天后"."""
    texts = words()
    near = (texts.today, texts.tomorrow, texts.day_after_tomorrow)
    return near[days] if days < len(near) else texts.days_ahead.format(days=days)
