"""The yearly 普法 calendar (`campaigns.yaml`): its shape, its dates and its checks.

Three kinds of campaign: a fixed day (`date: "12-04"`), a whole month (`month: 5`) and a
movable period whose dates are announced each year (`start: "09-15"`, `days: 7`, with
`overrides` per year in the file or set by a coordinator in the bot).
"""

import calendar
import datetime as dt
import html
import re
import unicodedata
from datetime import time, timedelta
from pathlib import Path
from string import Formatter
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from content.check_text import check_text, listed
from content.dates import date_range, days_from, full_date, month_of, short_date, words
from content.models import CARD_ID_PATTERN, TELEGRAM_TEXT_LIMIT
from content.problems import (
    Entry,
    Problem,
    entry_values,
    load_list,
    unknown_category,
)
from content.templates import template_problem

MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")
PLACEHOLDERS = frozenset({"name", "start", "end", "period", "when"})
MAX_LEAD_DAYS = 60
# Room left for the longest rendering of the placeholders and the linked cards' buttons.
MAX_MESSAGE_CHARS = TELEGRAM_TEXT_LIMIT - 300


class Campaign(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True
    )

    id: str = Field(max_length=40)
    name: str = Field(min_length=2, max_length=40)
    # Short names people use (宪法周, 网安周, 食安周); unique across the calendar.
    aliases: list[str] = Field(default_factory=list, max_length=8)
    kind: Literal["fixed", "month", "movable"]
    date: str | None = None  # fixed: "MM-DD"
    month: int | None = Field(default=None, ge=1, le=12)  # month
    start: str | None = None  # movable: default first day "MM-DD"
    days: int = Field(default=7, ge=1, le=31)  # movable: how long
    overrides: dict[int, dt.date] = Field(default_factory=dict)  # movable: year -> first day
    lead_days: list[int] = Field(min_length=1, max_length=5)
    send_time: time = time(9, 0)
    categories: list[str] = Field(min_length=1)  # subscribers of these get `message`
    volunteers: bool = True  # volunteers get `volunteer_message`
    volunteer_towns: list[str] = Field(default_factory=list)  # empty: every town
    message: str = Field(min_length=10, max_length=MAX_MESSAGE_CHARS)
    volunteer_message: str = Field(min_length=10, max_length=MAX_MESSAGE_CHARS)
    cards: list[str] = Field(default_factory=list, max_length=3)

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not CARD_ID_PATTERN.match(value):
            raise ValueError(check_text("common.id", example="constitution-week"))
        return value

    @field_validator("aliases")
    @classmethod
    def _alias_words(cls, aliases: list[str]) -> list[str]:
        cleaned = [alias.strip() for alias in aliases]
        if any(not 2 <= len(alias) <= 40 for alias in cleaned):
            raise ValueError(check_text("campaigns.alias_length"))
        return cleaned

    @field_validator("date", "start")
    @classmethod
    def _month_day(cls, value: str | None) -> str | None:
        if value is not None:
            month_day(value)
        return value

    @field_validator("lead_days")
    @classmethod
    def _leads(cls, leads: list[int]) -> list[int]:
        if len(set(leads)) != len(leads) or any(not 0 <= d <= MAX_LEAD_DAYS for d in leads):
            raise ValueError(check_text("campaigns.lead_days", limit=MAX_LEAD_DAYS))
        return sorted(leads, reverse=True)

    @field_validator("message", "volunteer_message")
    @classmethod
    def _template(cls, text: str, info: ValidationInfo) -> str:
        check_template(text)
        # a movable campaign is checked over days apart whatever its `days`: a coordinator
        # may set any dates (and a one-day edition says {end} as 当天: `render`)
        if (kind := info.data.get("kind")) is not None:
            check_days_once(text, kind=kind, one_day=kind == "fixed")
        return text

    @model_validator(mode="after")
    def _kind_fields(self) -> "Campaign":
        needed = {"fixed": "date", "month": "month", "movable": "start"}[self.kind]
        if getattr(self, needed) is None:
            raise ValueError(check_text("campaigns.kind_needs", kind=self.kind, needed=needed))
        extra = {"date", "month", "start"} - {needed}
        given = sorted(name for name in extra if getattr(self, name) is not None)
        if given or (self.overrides and self.kind != "movable"):
            not_for_kind = listed(given) or "overrides"
            raise ValueError(
                check_text("campaigns.kind_refuses", kind=self.kind, given=not_for_kind)
            )
        for year, first in self.overrides.items():
            if first.year != year:
                raise ValueError(check_text("campaigns.override_year", year=year, first=first))
        return self

    def period(
        self, year: int, override: tuple[dt.date, dt.date] | None = None
    ) -> tuple[dt.date, dt.date]:
        """First and last day of the campaign in `year` (a coordinator's override wins)."""
        if override is not None:
            return override
        if self.kind == "month":
            assert self.month is not None
            last = calendar.monthrange(year, self.month)[1]
            return dt.date(year, self.month, 1), dt.date(year, self.month, last)
        if self.kind == "fixed":
            assert self.date is not None
            day = dt.date(year, *month_day(self.date))
            return day, day
        assert self.start is not None
        first = self.overrides.get(year) or dt.date(year, *month_day(self.start))
        return first, first + timedelta(days=self.days - 1)


def month_day(value: str) -> tuple[int, int]:
    """'12-04' -> (12, 4); a day that does not exist every year (02-29) is refused."""
    match = MONTH_DAY.match(value)
    if match is None:
        raise ValueError(check_text("campaigns.month_day", value=value))
    month, day = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(2023, month)[1]:
        raise ValueError(check_text("campaigns.no_such_day", value=value))
    return month, day


def check_template(text: str) -> None:
    """Placeholders must be known; markup must be Telegram HTML Telegram will accept."""
    problem = template_problem(text, PLACEHOLDERS)
    if problem:
        raise ValueError(problem)


FAR_DAYS = MAX_LEAD_DAYS  # further ahead, {when} names the date and its year


def when_text(first: dt.date, on: dt.date) -> str:
    """The campaign's first day as said on the day `on` the message goes out: 今天 / 明天 /
    后天 / "N 天后"; further ahead than any lead "2027年12月4日（周六）"; a day
    already past, its date (the words: content.dates)."""
    days = (first - on).days
    if days < 0:
        return short_date(first)
    if days <= FAR_DAYS:
        return days_from(days)
    return full_date(first)


def when_is_a_date(first: dt.date, on: dt.date) -> bool:
    """Whether `when_text` names the date itself rather than counting the days to it."""
    return not 0 <= (first - on).days <= FAR_DAYS


# "{when}（{start}）", "{when}（{period}）": the first day in brackets after a {when} of 今天 /
# 明天 / "N 天后" (either bracket, full-width or not)
DAY_AFTER_WHEN = re.compile(r"\{when\}\s*[（(]\s*\{(start|period)\}\s*[）)]")


_DAYS = ("first", "last")
_DAY_NAMES = {"first": "campaigns.first_day", "last": "campaigns.last_day"}  # check.zh.yaml
# What each placeholder writes of the campaign's days (a month's {period} writes neither)
_DAYS_NAMED: dict[str, tuple[str, ...]] = {
    "when": ("first",),
    "start": ("first",),
    "end": ("last",),
    "period": ("first", "last"),
}


def _named_days(template: str, kind: str, one_day: bool) -> dict[str, list[str]]:
    """The placeholders of `template` that write the campaign's first day and its last, by
    day ("first", "last"; a campaign of one day has only "first"). A {when} may be the date
    itself (a reminder sent long before, or late), so it counts; so does a {period} of days
    (a month's, 9月, names neither). "{when}（{start}）" and "{when}（{period}）" count once:
    `render` leaves out what would say the day again; so does an {end} of one day beside
    another of them (said 当天)."""
    spans = kind != "month"
    said: list[tuple[str, tuple[str, ...]]] = [
        (match[0], ("first", "last") if match[1] == "period" and spans else ("first",))
        for match in DAY_AFTER_WHEN.finditer(template)
    ]
    for _, name, _, _ in Formatter().parse(DAY_AFTER_WHEN.sub("", template)):
        if name in _DAYS_NAMED and (name != "period" or spans):
            said.append((f"{{{name}}}", _DAYS_NAMED[name]))
    if one_day:
        placeholders = [placeholder for placeholder, _ in said]
        if len(placeholders) > 1:  # `render` says {end} 当天 then
            placeholders = [p for p in placeholders if p != "{end}"]
        return {"first": placeholders}
    return {day: [placeholder for placeholder, days in said if day in days] for day in _DAYS}


def check_days_once(template: str, *, kind: str, one_day: bool) -> None:
    """A reminder says each of the campaign's days once, whatever day it goes out: a
    template that could write one twice ("（{period}）{when}开始", {when} a date) is refused."""
    for day, placeholders in _named_days(template, kind, one_day).items():
        if len(placeholders) > 1:
            raise ValueError(
                check_text(
                    "campaigns.day_twice",
                    day=check_text(_DAY_NAMES[day]),
                    placeholders=listed(placeholders),
                )
            )


def render(template: str, campaign: Campaign, first: dt.date, last: dt.date, on: dt.date) -> str:
    """A reminder's text as sent on the day `on` (its {when} is relative to that day). A {when}
    that names the date itself (a reminder sent long before, or after the first day) drops
    the first day in brackets after it: "2027年12月4日（周六）是…", not "…（周六）（12月4日）是…";
    a period of more days than one becomes the range from it: "2027年9月11日（周六）至9月17日"
    (a month, 9月, stays in its brackets). A campaign of one day (a coordinator's dates, or
    `days: 1`) has its {end} said 当天 when the day is written already: "9月11日开始，当天结束".
    `check_days_once` refuses a template that would still say a day twice."""

    period = month_of(first) if campaign.kind == "month" else date_range(first, last)
    if when_is_a_date(first, on):
        start = short_date(first)
        until = words().date_range.format(start="{when}", end="{end}")

        def once(match: re.Match[str]) -> str:
            if match[1] == "start" or period == start:
                return "{when}"
            return match[0] if campaign.kind == "month" else until

        template = DAY_AFTER_WHEN.sub(once, template)
    end = words().same_day if _said_before_end(template, first, last) else short_date(last)
    values = {"name": campaign.name, "start": short_date(first), "end": end}
    escaped = {k: html.escape(v, quote=False) for k, v in values.items()}
    return template.format(**escaped, period=html.escape(period), when=when_text(first, on))


def _said_before_end(template: str, first: dt.date, last: dt.date) -> bool:
    """Whether a campaign of one day has its day written by another placeholder than {end}
    ({when}, {start} or {period}), which {end} then refers to as 当天: "9月11日开始，当天结束"."""
    names = {name for _, name, _, _ in Formatter().parse(template)}
    return first == last and bool(names & {"when", "start", "period"})


def load_campaigns(
    path: Path,
    *,
    categories: set[str],
    cards: set[str],
    towns: set[str],
    problems: list[Problem],
) -> list[Campaign]:
    """Every campaign that validates, its problems appended (each campaign named where it is
    in the file)."""
    entries = load_list(path, Campaign, problems)
    for entry in entries:
        problems.extend(
            Problem(entry.where, field, message)
            for field, message in _references(entry.value, categories, cards, towns)
        )
    seen: set[str] = set()
    for entry in entries:
        campaign = entry.value
        if campaign.id in seen:
            message = check_text("common.duplicate_id", id=campaign.id)
            problems.append(Problem(entry.where, "id", message))
        seen.add(campaign.id)
    problems.extend(_alias_clashes(entries))
    return entry_values(entries)


def _alias_clashes(entries: list[Entry[Campaign]]) -> list[Problem]:
    """An alias may name one campaign only: not twice, not another campaign's name."""
    owner: dict[str, str] = {_key(e.value.name): e.value.id for e in entries}
    found: list[Problem] = []
    for entry in entries:
        campaign = entry.value
        for alias in campaign.aliases:
            key = _key(alias)
            if key in owner:
                other = owner[key]
                if other == campaign.id:
                    message = check_text("campaigns.alias_own", alias=alias)
                else:
                    message = check_text("campaigns.alias_other", alias=alias, other=other)
                found.append(Problem(entry.where, "aliases", message))
            else:
                owner[key] = campaign.id
    return found


def find_campaign(campaigns: list[Campaign], text: str) -> Campaign | None:
    """The campaign whose id, name or alias is `text` (spaces, width and case ignored)."""
    key = _key(text)
    return next((c for c in campaigns if key in {c.id, _key(c.name), *map(_key, c.aliases)}), None)


def _key(text: str) -> str:
    return re.sub(r"[\s“”\"'《》]", "", unicodedata.normalize("NFKC", text)).lower()


def _references(
    campaign: Campaign, categories: set[str], cards: set[str], towns: set[str]
) -> list[tuple[str, str]]:
    found = [
        ("categories", unknown_category(c, categories))
        for c in campaign.categories
        if c not in categories
    ]
    found += [
        ("cards", check_text("common.no_card", card=c)) for c in campaign.cards if c not in cards
    ]
    found += [
        ("volunteer_towns", check_text("common.no_town", town=t))
        for t in campaign.volunteer_towns
        if t not in towns
    ]
    return found
