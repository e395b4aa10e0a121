"""Times as coordinators type them: 明天上午9点, 今晚8点, 12月4日 9:00, 2026-12-04 09:00,
每周一 09:00.

Always read in the deployment's time zone (the `now` passed in carries it). The result is a
moment (`Once`), "as soon as possible" (`Now`) or a weekly slot (`Weekly`); anything else
raises `WhenError` naming the problem, which the bot explains in Chinese.

Hours are read the way people say them, and only where that is unambiguous:
- with a part of the day, on the 12-hour clock: 下午3点 = 15:00, 晚上8点 = 20:00, 中午1点 =
  13:00; a 24-hour hour that fits the part is taken too (下午15点). An hour that does not fit
  (晚上3点, 早上8点 at 20:00) is ambiguous, and so is 晚上12点: which day's midnight it names
  is easily mistaken, so the coordinator is asked for 明天0点 or 23:59 instead.
- an "H:MM" time is on the 24-hour clock (9:00 is morning, 21:00 evening).
- "H点" without a part of the day: with a date, 6–12 are morning and noon (明天8点 = 08:00)
  and 0, 13–23 are 24-hour; 1–5 (三点: 03:00 or 15:00?) are ambiguous. Without a date it is the
  next time the clock shows that hour outside the night (8点 at 15:00 is 20:00 today; 两点 at
  15:00 is 14:00 tomorrow, not 02:00), and the `Once` says the day was chosen (`guessed`) so
  the confirmation can say so. 今天 with such an hour (1–11) already past, or in the night, is
  read the same way, as the evening (今天8点 at 12:28 is 20:00; 今天8.30 too), and the `Once`
  says the part of the day was chosen (`evening`).
- "H.MM" (8.30, two digits after the dot) is a time, on the 24-hour clock like 8:30, where it
  follows a day or a part of the day (明天8.30, 今晚8.30, 12月4日 8.30). Anywhere else a dotted
  pair is a month and day like 8-30 (8.30 9点 is 8月30日 09:00), so standing alone it is a date
  without a time, and the coordinator may well have meant 8:30: they are asked which (`DOTTED`).
  Only a pair that cannot be a date (20.30) is read alone as the time it must be.

Colloquial days are written out first: 今儿/明儿/后儿(个) are 今天/明天/后天, and 后晚 (like 明晚)
is 后天晚上.
"""

import calendar
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from content.dates import full_date, short_date, weekday_of

MAX_AHEAD = timedelta(days=366)


class WhenProblem(StrEnum):
    UNRECOGNISED = "unrecognised"
    NO_TIME = "no_time"
    BAD_DATE = "bad_date"
    BAD_TIME = "bad_time"
    AMBIGUOUS = "ambiguous"
    DOTTED = "dotted"  # 8.30 alone: 8月30日 (without a time) or 8:30?
    PAST = "past"
    TOO_FAR = "too_far"


class WhenError(ValueError):
    def __init__(self, problem: WhenProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True)
class Now:
    pass


@dataclass(frozen=True)
class Once:
    at: datetime
    # No date was written: the day (and, for 8点, morning or evening) is the next one; the
    # confirmation says so. Not part of the value: 9:00 and 明天9:00 name the same moment.
    guessed: bool = field(default=False, compare=False)
    # 今天8点 after 8:00 read as 20:00: the confirmation says the later reading was taken.
    evening: bool = field(default=False, compare=False)


@dataclass(frozen=True)
class Weekly:
    weekday: int  # Monday 0
    at: time

    def next_after(self, now: datetime) -> datetime:
        """The first slot strictly after `now`, in `now`'s time zone."""
        day = now.date() + timedelta(days=(self.weekday - now.weekday()) % 7)
        moment = datetime.combine(day, self.at, now.tzinfo)
        return moment if moment > now else moment + timedelta(days=7)

    def encode(self) -> str:
        return f"weekly:{self.weekday}:{self.at:%H:%M}"

    @classmethod
    def decode(cls, value: str) -> "Weekly":
        kind, weekday, hh_mm = value.split(":", 2)
        if kind != "weekly":
            raise ValueError(value)
        return cls(int(weekday), time.fromisoformat(hh_mm))


When = Now | Once | Weekly

_PERIOD = r"(?P<period>上午|早上|早晨|清晨|中午|下午|傍晚|晚上|夜里|凌晨|早|晚)?"
_TIME = (
    _PERIOD + r"\s*(?:(?P<h>\d{1,2})(?:\s*:\s*|\.(?=\d{2}(?!\d)))(?P<mi>\d{1,2})"
    r"|(?P<h2>\d{1,2})\s*[点时](?:\s*(?P<half>半)|\s*(?P<mi2>\d{1,2})\s*分?|\s*整|\s*钟)?)"
)
_DATE = (
    r"(?:(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*[日号]?"
    r"|(?P<m2>\d{1,2})\s*(?:[-/.]|月)\s*(?P<d2>\d{1,2})\s*[日号]?"
    r"|(?P<rel>今天|今日|明天|明日|后天|大后天|昨天|昨日|前天|大前天)"
    r"|(?P<wk>下个?|上个?|本|这个?)?(?:周|星期|礼拜)(?P<wd>[1-7日天]))"
)
_ONE = re.compile(rf"^(?:{_DATE})?\s*(?:{_TIME})?$")
_WEEKLY = re.compile(rf"^(?:每周|每星期|每个星期|每礼拜)(?P<wd>[1-7日天])\s*(?:{_TIME})$")
_AFTER = re.compile(r"^(?P<n>\d{1,4})\s*(?P<unit>分钟|小时|个小时)\s*(?:后|以后|之后)$")
# Plainly in the past: said so, rather than "not understood".
_BEFORE = re.compile(
    r"^(?:\d{1,4}\s*(?:分钟|小时|个小时|天|周|个月|年)\s*(?:前|以前|之前)|刚才|刚刚|去年.*|前年.*)$"
)
# Short forms of a day and a part of it (今晚8点), written out before matching.
_SHORT_DAYS = {"今晚": "今天晚上", "今夜": "今天夜里", "明晚": "明天晚上", "明夜": "明天夜里"}
_SHORT_DAYS |= {"今早": "今天早上", "今晨": "今天早上", "明早": "明天早上", "明晨": "明天早上"}
_SHORT_DAYS |= {"后晚": "后天晚上"}
_SHORT_DAY = re.compile("|".join(_SHORT_DAYS))
_COLLOQUIAL_DAY = re.compile(r"([今明后])儿个?")
# A dotted pair alone (8.30): a date, unless it cannot be one.
_DOTTED = re.compile(r"^(?P<a>\d{1,2})\.(?P<b>\d{1,2})$")
# The hours each part of the day takes as they are, and those it moves to the afternoon (+12).
_AS_IS: dict[str, range] = {
    "凌晨": range(0, 7),
    "早上": range(4, 12),
    "早晨": range(4, 12),
    "清晨": range(4, 12),
    "上午": range(6, 13),
    "中午": range(11, 15),
    "下午": range(12, 24),
    "傍晚": range(16, 20),
    "晚上": range(18, 24),
    "夜里": range(18, 24),
    "早": range(4, 12),
    "晚": range(18, 24),
}
_PLUS_12: dict[str, range] = {
    "中午": range(1, 3),
    "下午": range(1, 12),
    "傍晚": range(4, 8),
    "晚上": range(6, 12),
    "夜里": range(6, 12),
    "晚": range(6, 12),
}
NIGHT_ENDS = 6  # a bare hour is never guessed to be in the night (两点 is not 02:00)
_NOW = frozenset({"现在", "立即", "立刻", "马上", "now"})
_RELATIVE_DAYS = {"今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2, "大后天": 3}
_RELATIVE_DAYS |= {"昨天": -1, "昨日": -1, "前天": -2, "大前天": -3}
# A month and day without a year up to this long ago is a past date (said so), not next year's.
RECENT_PAST = timedelta(days=31)
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
_CN_DIGITS |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUMBER = re.compile(r"[零〇一二两三四五六七八九十]+")


def parse_when(text: str, now: datetime) -> When:
    """Reads `text` relative to `now` (aware, in the deployment's time zone)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    cleaned = _normalise(text)
    if cleaned in _NOW:
        return Now()
    if match := _WEEKLY.match(cleaned):
        return Weekly(_weekday(match.group("wd")), _clock(match))
    if _BEFORE.match(cleaned):
        raise WhenError(WhenProblem.PAST)
    if match := _AFTER.match(cleaned):
        minutes = int(match.group("n")) * (1 if match.group("unit") == "分钟" else 60)
        return _checked(now + timedelta(minutes=minutes), now)
    if match := _DOTTED.match(cleaned):
        first, second = match.group("a"), match.group("b")
        if _exists(2028, int(first), int(second)) or len(second) != 2:  # 2028 has a 2.29
            raise WhenError(WhenProblem.DOTTED)
        cleaned = f"{first}:{second}"  # 20.30: only a time
    match = _ONE.match(cleaned)
    if match is None or not cleaned:
        raise WhenError(WhenProblem.UNRECOGNISED)
    has_time = match.group("h") is not None or match.group("h2") is not None
    if not has_time:
        raise WhenError(WhenProblem.NO_TIME if cleaned else WhenProblem.UNRECOGNISED)
    if not _has_day(match) and match.group("period") is None and match.group("h2") is not None:
        return _next_hour(match, now)
    if (later := _later_today(match, now)) is not None:
        return later
    clock = _clock(match)
    day = _day(match, now, clock)
    return _checked(datetime.combine(day, clock, now.tzinfo), now, guessed=not _has_day(match))


def _has_day(match: re.Match[str]) -> bool:
    return any(match.group(g) for g in ("y", "m2", "rel", "wd"))


def _next_hour(match: re.Match[str], now: datetime) -> Once:
    """8点 alone: the next time the clock shows 8 outside the night, today or tomorrow."""
    hour, minute = int(match.group("h2")), _minute(match)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise WhenError(WhenProblem.BAD_TIME)
    hours = [hour, hour + 12] if 1 <= hour <= 11 else [hour]
    moments = [
        datetime.combine(now.date() + timedelta(days=days), time(h, minute), now.tzinfo)
        for days in (0, 1)
        for h in hours
        if h >= NIGHT_ENDS or len(hours) == 1
    ]
    return _checked(min(m for m in moments if m > now), now, guessed=True)


def _later_today(match: re.Match[str], now: datetime) -> Once | None:
    """今天8点 (or 今天8.30) once 8:00 has passed: the evening, as a bare 8点 is read; None
    where the hour is read as usual."""
    if match.group("rel") not in ("今天", "今日") or match.group("period") is not None:
        return None
    hour, minute = int(match.group("h") or match.group("h2")), _minute(match)
    if not (1 <= hour <= 11 and 0 <= minute <= 59):
        return None
    morning = datetime.combine(now.date(), time(hour, minute), now.tzinfo)
    if morning > now and hour >= NIGHT_ENDS:
        return None  # still ahead today: as written
    evening = morning + timedelta(hours=12)
    return Once(evening, guessed=True, evening=True) if evening > now else None


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).strip().lower()
    text = re.sub(r"\s+", " ", text)
    text = _COLLOQUIAL_DAY.sub(r"\1天", text)
    text = _SHORT_DAY.sub(lambda m: _SHORT_DAYS[m.group()], text)
    # 周日/周天/星期天 keep their characters; every other Chinese number becomes digits.
    return _CN_NUMBER.sub(lambda m: str(_cn_number(m.group())), text)


def _cn_number(word: str) -> str:
    if "十" not in word:
        return "".join(str(_CN_DIGITS[ch]) for ch in word)
    tens, _, ones = word.partition("十")
    if "十" in ones or len(tens) > 1 or len(ones) > 1:
        return word  # not a number people write for dates and times; fails to parse later
    return str((_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0))


def _weekday(symbol: str) -> int:
    return 6 if symbol in "日天7" else int(symbol) - 1


def _minute(match: re.Match[str]) -> int:
    if match.group("h") is not None:
        return int(match.group("mi"))
    if match.group("half"):
        return 30
    return int(match.group("mi2") or 0)


def _clock(match: re.Match[str]) -> time:
    """The hour and minute, read as the module's docstring says (a date is given or the
    time has a colon or a part of the day)."""
    hour, minute = int(match.group("h") or match.group("h2")), _minute(match)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise WhenError(WhenProblem.BAD_TIME)
    period = match.group("period")
    if period is not None:
        if hour in _PLUS_12.get(period, range(0)):
            hour += 12
        elif hour not in _AS_IS[period]:
            raise WhenError(WhenProblem.AMBIGUOUS)
    elif match.group("h2") is not None and 1 <= hour < NIGHT_ENDS:
        raise WhenError(WhenProblem.AMBIGUOUS)  # 明天三点: 03:00 or 15:00?
    return time(hour, minute)


def _day(match: re.Match[str], now: datetime, clock: time) -> date:
    today = now.date()
    if match.group("y"):
        return _date(int(match.group("y")), int(match.group("m")), int(match.group("d")))
    if match.group("m2"):
        month, day = int(match.group("m2")), int(match.group("d2"))
        candidate = _date(today.year, month, day) if _exists(today.year, month, day) else None
        if candidate is not None and candidate >= today:
            return candidate
        if candidate is not None and today - candidate <= RECENT_PAST:
            raise WhenError(WhenProblem.PAST)  # 12月1日 typed on 12月3日
        return _date(today.year + 1, month, day)  # 3月1日 typed in December: next year
    if match.group("rel"):
        return today + timedelta(days=_RELATIVE_DAYS[match.group("rel")])
    if match.group("wd"):
        return _weekday_date(match.group("wk"), _weekday(match.group("wd")), today, now, clock)
    # A time alone: its next occurrence, today or tomorrow.
    moment = datetime.combine(today, clock, now.tzinfo)
    return today if moment > now else today + timedelta(days=1)


def _weekday_date(
    which: str | None, weekday: int, today: date, now: datetime, clock: time
) -> date:
    monday = today - timedelta(days=today.weekday())
    if which and which.startswith("下"):
        return monday + timedelta(days=7 + weekday)
    if which and which.startswith("上"):
        return monday + timedelta(days=weekday - 7)  # in the past: refused as such
    if which:  # 本周/这周: this week, even if that day has passed (then it is an error)
        return monday + timedelta(days=weekday)
    day = today + timedelta(days=(weekday - today.weekday()) % 7)
    if day == today and datetime.combine(day, clock, now.tzinfo) <= now:
        day += timedelta(days=7)
    return day


def _exists(year: int, month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]


def _date(year: int, month: int, day: int) -> date:
    if not (1 <= year <= 9998 and _exists(year, month, day)):
        raise WhenError(WhenProblem.BAD_DATE)
    return date(year, month, day)


def _checked(moment: datetime, now: datetime, *, guessed: bool = False) -> Once:
    if moment <= now:
        raise WhenError(WhenProblem.PAST)
    if moment - now > MAX_AHEAD:
        raise WhenError(WhenProblem.TOO_FAR)
    return Once(moment, guessed=guessed)


def describe(moment: datetime) -> str:
    """How the bot writes a moment back: 2026年12月4日（周五）09:00."""
    return f"{full_date(moment.date())}{moment:%H:%M}"


def examples(now: datetime) -> dict[str, str]:
    """A date for the examples in prompts, as people write it (12月6日) and as ISO (2026-12-06):
    the day after tomorrow, so an example is never a time already past."""
    day = now.date() + timedelta(days=2)
    return {"day": short_date(day), "iso": day.isoformat()}


def describe_weekly(slot: Weekly) -> str:
    return f"每{weekday_of(slot.weekday)} {slot.at:%H:%M}"


_DAY = (
    r"(?:(?P<y{n}>\d{{4}})\s*[-/.年]\s*)?"
    r"(?P<m{n}>\d{{1,2}})\s*(?:[-/.]|月)\s*(?P<d{n}>\d{{1,2}})\s*[日号]?"
)
_DATES = re.compile(
    rf"^{_DAY.format(n=1)}(?:\s*(?:[~至到—–]|-(?=\s*\d)|\s-\s)\s*{_DAY.format(n=2)})?$"
)


def parse_dates(text: str, year: int) -> tuple[date, date | None]:
    """A campaign's dates in `year`: "9月14日", "2026-09-14", "9月14日-9月20日" (at most a
    month long). Raises WhenError."""
    match = _DATES.match(_normalise(text))
    if match is None:
        raise WhenError(WhenProblem.UNRECOGNISED)
    days: list[date] = []
    for n in ("1", "2"):
        if match.group(f"m{n}") is None:
            continue
        given_year = int(match.group(f"y{n}") or year)
        if given_year != year:
            raise WhenError(WhenProblem.BAD_DATE)
        days.append(_date(year, int(match.group(f"m{n}")), int(match.group(f"d{n}"))))
    first, last = days[0], (days[1] if len(days) > 1 else None)
    if last is not None and not first <= last <= first + timedelta(days=31):
        raise WhenError(WhenProblem.BAD_DATE)
    return first, last
