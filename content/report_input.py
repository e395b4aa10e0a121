"""What volunteers type while reporting or registering, turned into checked values.

Every parser takes plain text (and, for dates, today's date) and either returns the value or
raises `InputError` naming the `InputProblem`; the handler shows the matching Chinese explanation.
Nothing here knows about Telegram or the database.
"""

import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from enum import StrEnum

from content.typed_words import TypedWords, typed_key

MAX_AUDIENCE = 100_000
MIN_HOURS, MAX_HOURS = 0.5, 24.0
MAX_MATERIALS = 1_000_000
MIN_NAME_CHARS, MAX_NAME_CHARS = 2, 50  # a Chinese name has at least two characters
MAX_PLACE_CHARS = 100
MAX_ORGANISATION_CHARS = 100
MAX_SUMMARY_CHARS = 500
MIN_SUMMARY_CHARS = 5
MAX_PHOTOS = 5
# Accepted, but unusual enough for the /report chat to ask "确定吗？" once before taking the
# answer (a slipped key, 99999 人 or 24 小时, would otherwise go into /stats and the 考核
# totals unnoticed). The hard limits above still refuse what cannot be right.
USUAL_AUDIENCE = 5_000
USUAL_HOURS = 12.0


class InputProblem(StrEnum):
    """Why an answer was not accepted; each has an explanation in `ui.zh.yaml`."""

    EMPTY = "empty"
    TOO_LONG = "too_long"
    NO_LETTERS = "no_letters"
    NAME_SHORT = "name_short"
    NAME_SYMBOLS = "name_symbols"
    DATE_FORMAT = "date_format"
    DATE_INVALID = "date_invalid"
    DATE_FUTURE = "date_future"
    DATE_TOO_OLD = "date_too_old"
    AUDIENCE_FORMAT = "audience_format"
    HOURS_FORMAT = "hours_format"
    MATERIALS_FORMAT = "materials_format"
    AUDIENCE_RANGE = "audience_range"
    HOURS_RANGE = "hours_range"
    MATERIALS_RANGE = "materials_range"
    SUMMARY_SHORT = "summary_short"
    SUMMARY_LONG = "summary_long"
    PHONE_FORMAT = "phone_format"
    PERIOD_FORMAT = "period_format"
    PERIOD_ORDER = "period_order"


class InputError(ValueError):
    def __init__(self, problem: InputProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


_CONTROL = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e]")
_SPACES = re.compile(r"[ \t\u3000]+")


def normalise(text: str, *, multiline: bool = False, fold: bool = False) -> str:
    """No control characters, tidy spaces; `fold` also applies NFKC (full-width digits and
    punctuation become ASCII) for numbers and dates, not for prose, where ，stays ，."""
    if fold:
        text = unicodedata.normalize("NFKC", text)
    text = _CONTROL.sub("", text.replace("\r\n", "\n"))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    if not multiline:
        return " ".join(line for line in lines if line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def letters(text: str) -> str:
    """The letters of a typed word, as a button's words are matched: "完成 ✔️" is 完成."""
    return "".join(ch for ch in text if unicodedata.category(ch).startswith("L"))


def is_skip(text: str, buttons: Iterable[str]) -> bool:
    """Whether a typed answer is what one of the `buttons` of an optional step says (跳过 ⏭,
    完成 ✔️), with or without the button's emoji: their letters alone are looked at."""
    typed = letters(text)
    return bool(typed) and typed in {letters(button) for button in buttons}


def has_letters(text: str) -> bool:
    """At least one letter or CJK character: not only emoji, digits or punctuation."""
    return any(unicodedata.category(ch).startswith("L") for ch in text)


def clean_text(text: str, max_chars: int, *, multiline: bool = False) -> str:
    value = normalise(text, multiline=multiline)
    if not value:
        raise InputError(InputProblem.EMPTY)
    if len(value) > max_chars:
        raise InputError(InputProblem.TOO_LONG)
    if not has_letters(value):
        raise InputError(InputProblem.NO_LETTERS)
    return value


def parse_name(text: str) -> str:
    """A person's name: "李" alone is a surname, not a name coordinators can tell apart. It is
    printed on certificates and exports, so it is words only: no emoji or other symbols (a
    font prints them as boxes, if at all); the 间隔号 of 阿依古丽·买买提 is punctuation."""
    value = clean_text(text, MAX_NAME_CHARS)
    if any(_symbol(ch) for ch in value):
        raise InputError(InputProblem.NAME_SYMBOLS)
    if len(value) < MIN_NAME_CHARS:
        raise InputError(InputProblem.NAME_SHORT)
    return value


def _symbol(ch: str) -> bool:
    """An emoji, a sign (©, ★, +), a private-use or unassigned character, or what joins emoji
    (a variation selector, a skin tone)."""
    return (
        unicodedata.category(ch)[0] == "S"
        or unicodedata.category(ch) in {"Co", "Cn"}
        or ("\ufe00" <= ch <= "\ufe0f")
    )


def parse_place(text: str) -> str:
    return clean_text(text, MAX_PLACE_CHARS)


def parse_organisation(text: str) -> str:
    return clean_text(text, MAX_ORGANISATION_CHARS)


def parse_summary(text: str) -> str:
    value = normalise(text, multiline=True)
    if not value:
        raise InputError(InputProblem.EMPTY)
    if len(value) > MAX_SUMMARY_CHARS:
        raise InputError(InputProblem.SUMMARY_LONG)
    if len(value) < MIN_SUMMARY_CHARS or not has_letters(value):
        raise InputError(InputProblem.SUMMARY_SHORT)
    return value


# A mainland mobile (11 digits from 1[3-9]) or landline (0, a 2–3 digit area code, 7–8 digits),
# either after +86 / 86 without the trunk 0; or a local landline without its area code or a
# number abroad (7–15 digits not starting with 1, 0 or 86, which are mainland numbers' shapes:
# a mistyped mobile such as 1381234567 is refused).
_PHONE = re.compile(
    r"^(?:(?:\+?86)?(?:1[3-9]\d{9}|[2-9]\d{8,10})|0\d{9,11}|\+?(?!86)[2-9]\d{6,14})$",
    re.ASCII,  # \d would take any script's digits (Arabic-Indic ٣ too)
)


def parse_phone(text: str) -> str:
    """A mobile or landline number: digits with optional +, spaces, dashes or brackets; a
    mainland mobile must have its 11 digits."""
    value = re.sub(r"[\s\-()]", "", normalise(text, fold=True))
    if not value:
        raise InputError(InputProblem.EMPTY)
    if not _PHONE.match(value):
        raise InputError(InputProblem.PHONE_FORMAT)
    return value


# --- numbers -------------------------------------------------------------------------------

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6}
_CN_DIGITS |= {"七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10_000}
_CN_NUMBER = re.compile(f"^[{''.join(_CN_DIGITS)}{''.join(_CN_UNITS)}]+$")


def chinese_int(text: str) -> int | None:
    """二百三十 -> 230, 两千 -> 2000, 十五 -> 15; None if `text` is not such a numeral."""
    if not text or not _CN_NUMBER.match(text):
        return None
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            if digit is not None and digit != 0:
                return None  # two digits in a row (一二) are not a numeral
            digit = _CN_DIGITS[ch]
        elif ch == "万":
            total = (total + section + (digit or 0)) * 10_000
            section, digit = 0, None
        else:
            unit = _CN_UNITS[ch]
            section += (1 if digit is None else digit) * unit
            digit = None
    return total + section + (digit or 0)


_NUMBER = re.compile(r"^[0-9]+(?:\.[0-9]+)?$", re.ASCII)
# Larger than any count or duration we take: a longer number is only "too large".
_HUGE = 10**12


def _number(text: str) -> float | None:
    """A number in digits or Chinese numerals; anything beyond `_HUGE` is `_HUGE` (so a
    thousand nines is out of range, not an overflow)."""
    text = text.replace(",", "").strip()
    if _NUMBER.match(text):
        whole, _, fraction = text.partition(".")
        if len(whole.lstrip("0")) > len(str(_HUGE)):
            return float(_HUGE)
        return float(f"{int(whole)}.{fraction[:6] or 0}")
    value = chinese_int(text)
    return float(min(value, _HUGE)) if value is not None else None


_COUNT_WORDS = re.compile(
    r"^(?:约|大约|大概|共|共计|一共|近)?(.+?)(?:多)?(?:人次|人|名|位|份|本|张|册)?$"
)


def _count(
    text: str, shape: InputProblem, problem: InputProblem, upper: int, *, lower: int
) -> int:
    """A whole count between `lower` and `upper`; `shape` names what a non-number (or a
    fraction) gets, `problem` what an out-of-range number gets."""
    value = normalise(text, fold=True).replace(" ", "")
    if not value:
        raise InputError(InputProblem.EMPTY)
    match = _COUNT_WORDS.match(value)
    number = _number(match.group(1)) if match else None
    if number is None or number != int(number):
        raise InputError(shape)
    if not lower <= number <= upper:
        raise InputError(problem)
    return int(number)


def parse_audience(text: str) -> int:
    """People reached: "120", "约120人", "两百人"; 1 to 100,000."""
    return _count(
        text, InputProblem.AUDIENCE_FORMAT, InputProblem.AUDIENCE_RANGE, MAX_AUDIENCE, lower=1
    )


def parse_materials(text: str) -> int:
    """Leaflets or booklets handed out: "300", "300份", "三百份"; 0 to 1,000,000."""
    return _count(
        text,
        InputProblem.MATERIALS_FORMAT,
        InputProblem.MATERIALS_RANGE,
        MAX_MATERIALS,
        lower=0,
    )


_HOURS = re.compile(
    r"^(?:约|大约|大概|共)?(?P<n>[0-9.]+|[零〇一二两三四五六七八九十]+)?(?P<half>个半|半)?"
    r"(?:个)?(?P<unit>小时|钟头|h|hr|hrs|hour|hours|分钟|分|min|mins|minutes)?$"
)


def parse_hours(text: str) -> float:
    """Service hours: "2", "2.5", "2小时", "两个半小时", "半小时", "90分钟"; 0.5 to 24."""
    value = normalise(text, fold=True).replace(" ", "").lower()
    if not value:
        raise InputError(InputProblem.EMPTY)
    match = _HOURS.match(value)
    if match is None or not (match["n"] or match["half"]):
        raise InputError(InputProblem.HOURS_FORMAT)
    number = _number(match["n"]) if match["n"] else 0.0
    if number is None:
        raise InputError(InputProblem.HOURS_FORMAT)
    if match["half"]:
        number += 0.5
    if match["unit"] in {"分钟", "分", "min", "mins", "minutes"}:
        if match["half"]:
            raise InputError(InputProblem.HOURS_FORMAT)
        number /= 60
    if not MIN_HOURS <= number <= MAX_HOURS:
        raise InputError(InputProblem.HOURS_RANGE)
    return round(number, 2)


# --- dates ---------------------------------------------------------------------------------

MAX_PERIOD_DAYS = 5 * 366
_FULL = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?$", re.ASCII)
_SHORT = re.compile(r"^(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?$", re.ASCII)


def parse_date(text: str, *, today: date, max_age_days: int, days: Mapping[str, int]) -> date:
    """A day's word of `days` (typed_words.yaml: 今天, 昨天, 前天), 2026-12-04, 2026年12月4日,
    12月4日, 12.4, 12-4, 12/4.

    Without a year, the latest such date not after today, if that is recent enough;
    otherwise the coming one, which is refused as a future date (12月5日 typed on 12月3日
    is a date in the future, not one of last year). Never in the future, never older than
    `max_age_days`.
    """
    value = normalise(text, fold=True).replace(" ", "")
    if not value:
        raise InputError(InputProblem.EMPTY)
    if (ahead := days.get(typed_key(value))) is not None:
        result = today + timedelta(days=ahead)
    elif full := _FULL.match(value):
        year, month, day = (int(g) for g in full.groups())
        result = _make_date(year, month, day)
    elif short := _SHORT.match(value):
        month, day = int(short[1]), int(short[2])
        result = _make_date(today.year, month, day)
        if result > today:
            last_year = _make_date(today.year - 1, month, day)
            if last_year >= today - timedelta(days=max_age_days):
                result = last_year
    else:
        raise InputError(InputProblem.DATE_FORMAT)
    if result > today:
        raise InputError(InputProblem.DATE_FUTURE)
    if result < today - timedelta(days=max_age_days):
        raise InputError(InputProblem.DATE_TOO_OLD)
    return result


EVENT_PAST_DAYS, EVENT_AHEAD_DAYS = 60, 365


def parse_event_date(text: str, *, today: date, days: Mapping[str, int]) -> date:
    """An event's day for its QR code: a day's word of `days` (今天, 明天, 后天), 2026-12-04,
    12月4日 (without a year, the coming such date, or a recent past one); at most
    EVENT_PAST_DAYS ago and EVENT_AHEAD_DAYS ahead."""
    value = normalise(text, fold=True).replace(" ", "")
    if not value:
        raise InputError(InputProblem.EMPTY)
    if (ahead := days.get(typed_key(value))) is not None:
        return today + timedelta(days=ahead)
    if full := _FULL.match(value):
        year, month, day = (int(g) for g in full.groups())
        result = _make_date(year, month, day)
    elif short := _SHORT.match(value):
        month, day = int(short[1]), int(short[2])
        result = _make_date(today.year, month, day)
        if result < today - timedelta(days=EVENT_PAST_DAYS):
            result = _make_date(today.year + 1, month, day)
    else:
        raise InputError(InputProblem.DATE_FORMAT)
    if result > today + timedelta(days=EVENT_AHEAD_DAYS):
        raise InputError(InputProblem.DATE_FUTURE)
    if result < today - timedelta(days=EVENT_PAST_DAYS):
        raise InputError(InputProblem.DATE_TOO_OLD)
    return result


def _make_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise InputError(InputProblem.DATE_INVALID) from None


# --- periods (coordinators' /stats and /export) --------------------------------------------

_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:月份?)?$", re.ASCII)
# A month without a year: 11月, 11月份, 十一月 (after a word of typed_words.yaml's
# `years_back`, 去年11月, that year's).
_BARE_MONTH = re.compile(r"^\s*(?P<m>[0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*月份?$")
_YEAR = re.compile(r"^(\d{4})\s*年?$", re.ASCII)
_YEAR_BEFORE = re.compile(r"^(\d{4})年?", re.ASCII)  # before a part of a year: 2026年下半年
FIRST_YEAR, LAST_YEAR = 1900, 2100  # what a period can be about
_RANGE = re.compile(r"\s*(?:~|～|至|到|—|--|\s)\s*")


def _month_end(year: int, month: int) -> date:
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def parse_period(text: str, *, today: date, words: TypedWords) -> tuple[date, date]:
    """A period's word of `words` (typed_words.yaml: 本月 (also the default for nothing
    typed), 上月, 本周, 上周, 本季度, 上季度, 今年, 去年), 2026, 2026-03, 2026年3月(份), 11月
    (the latest November not in the future), 去年11月, a part of a year (typed_words.yaml's
    `year_parts`: 第一季度, 下半年; alone the latest such part begun), 2026年第三季度,
    去年下半年, or a range "2026-01-01 2026-03-31" (also with ~ 至 到 between; either day may
    leave out its year: 12月1日 12月10日). Both ends inclusive."""
    value = normalise(text, fold=True).lower()
    month_start = today.replace(day=1)
    quarter_start = month_start.replace(month=(today.month - 1) // 3 * 3 + 1)
    named = {
        "this_month": (month_start, today),
        "last_month": (_previous_month(today), month_start - timedelta(days=1)),
        "this_week": (today - timedelta(days=today.weekday()), today),
        "last_week": (
            today - timedelta(days=today.weekday() + 7),
            today - timedelta(days=today.weekday() + 1),
        ),
        "this_quarter": (quarter_start, today),
        "last_quarter": (_months_before(quarter_start, 3), quarter_start - timedelta(days=1)),
        "this_year": (date(today.year, 1, 1), today),
        "last_year": (date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)),
    }
    period = words.periods.named(typed_key(value)) if value else "this_month"
    if period is not None:
        return named[period]
    if year := _YEAR.match(value):
        y = _year(int(year[1]))
        return _checked(date(y, 1, 1), date(y, 12, 31))
    if (bare := _bare_month(value, today, words.years_back)) is not None:
        return bare
    if (part := _year_part(value, today, words)) is not None:
        return part
    if month := _MONTH.match(value):
        y, m = _year(int(month[1])), int(month[2])
        if not 1 <= m <= 12:
            raise InputError(InputProblem.PERIOD_FORMAT)
        return _checked(date(y, m, 1), _month_end(y, m))
    parts = [p for p in _RANGE.split(value) if p]
    if len(parts) != 2:
        raise InputError(InputProblem.PERIOD_FORMAT)
    return _checked(*_range_ends(parts[0], parts[1], today))


def _range_ends(first: str, last: str, today: date) -> tuple[date, date]:
    """A range's two days, either said without its year (12月1日 12月10日): a first day
    without one is in the year of the last day said with one, else the latest such day not
    in the future; a last day without one is the first such day from the first day on."""
    start, end = _full_date(first), _full_date(last)
    if start is None and end is None:
        month, day = _month_day(first)
        start = _in_year(today.year, month, day)
        if start > today:
            start = _in_year(today.year - 1, month, day)
    elif start is None:
        assert end is not None
        month, day = _month_day(first)
        start = _in_year(end.year, month, day)
        if start > end:
            start = _in_year(end.year - 1, month, day)
    if end is None:
        month, day = _month_day(last)
        end = _in_year(start.year, month, day)
        if end < start:
            end = _in_year(start.year + 1, month, day)
    return start, end


def _year_part(value: str, today: date, words: TypedWords) -> tuple[date, date] | None:
    """A part of a year of typed_words.yaml's `year_parts` (None: `value` is none): after a
    year (2026年第三季度, 2026 Q3) or a word of `years_back` (去年下半年), that year's;
    alone the latest such part begun (第四季度 asked in January is last year's)."""
    key = typed_key(value)
    year = _YEAR_BEFORE.match(key)
    rest = key[year.end() :] if year else key
    said = "" if year else _year_word(rest, words.years_back)
    months = words.year_parts.get(rest[len(said) :])
    if months is None:
        return None
    first, last = months
    if year:
        y = _year(int(year[1]))
    elif said:
        y = today.year - words.years_back[said]
    else:
        y = today.year if first <= today.month else today.year - 1
    return _checked(date(y, first, 1), _month_end(y, last))


def _year_word(value: str, years_back: Mapping[str, int]) -> str:
    """The word of `years_back` `value` starts with (the longest), or ""."""
    return next((w for w in sorted(years_back, key=len, reverse=True) if value.startswith(w)), "")


def _bare_month(
    value: str, today: date, years_back: Mapping[str, int]
) -> tuple[date, date] | None:
    """A month named without digits for the year (None: `value` is none). Alone it is the
    most recent such month not in the future (in January, 12月 is last December); after a
    word of `years_back` (去年) it is that year's."""
    said = _year_word(value, years_back)
    match = _BARE_MONTH.match(value[len(said) :])
    if match is None:
        return None
    words = match["m"]
    m = int(words) if words.isascii() else chinese_int(words)
    if m is None or not 1 <= m <= 12:
        raise InputError(InputProblem.PERIOD_FORMAT)
    if said:
        y = today.year - years_back[said]
    else:
        y = today.year if m <= today.month else today.year - 1
    return _checked(date(y, m, 1), _month_end(y, m))


def _year(value: int) -> int:
    if not FIRST_YEAR <= value <= LAST_YEAR:
        raise InputError(InputProblem.DATE_INVALID)
    return value


def _previous_month(today: date) -> date:
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def _months_before(first: date, months: int) -> date:
    """The first day of the month `months` before the month of `first` (a first day)."""
    index = first.year * 12 + first.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _full_date(text: str) -> date | None:
    """The day `text` says with its year (None: it says a month and day only, 12月1日)."""
    match = _FULL.match(text)
    if match is None:
        _month_day(text)  # said some other way: not a day
        return None
    year, month, day = (int(g) for g in match.groups())
    return _in_year(_year(year), month, day)


def _month_day(text: str) -> tuple[int, int]:
    match = _SHORT.match(text)
    if match is None:
        raise InputError(InputProblem.PERIOD_FORMAT)
    return int(match[1]), int(match[2])


def _in_year(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise InputError(InputProblem.DATE_INVALID) from None


def _checked(start: date, end: date) -> tuple[date, date]:
    if end < start or (end - start).days > MAX_PERIOD_DAYS:
        raise InputError(InputProblem.PERIOD_ORDER)
    return start, end
