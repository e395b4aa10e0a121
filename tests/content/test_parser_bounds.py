"""Every parser of what people type or press gets numbers that are too long, digits of other
scripts (superscripts, full-width, Arabic-Indic, Devanagari), Chinese numerals and junk: it
answers with a value in range or its own "I can't read that" error, never anything else."""

import contextlib
from datetime import date, datetime
from zoneinfo import ZoneInfo

from hypothesis import example, given, settings
from hypothesis import strategies as st

from content.report_input import (
    MAX_AUDIENCE,
    MAX_HOURS,
    MAX_MATERIALS,
    MIN_HOURS,
    InputError,
    parse_audience,
    parse_date,
    parse_hours,
    parse_materials,
    parse_period,
    parse_phone,
)
from handlers.kit.callbacks import MAX_ID, index, number
from scheduler.timeparse import WhenError, parse_dates, parse_when
from tests.content.content_copy import shipped_typed_words

TODAY = date(2026, 3, 10)
WORDS = shipped_typed_words()
NOW = datetime(2026, 3, 10, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
DIGITS = "0123456789９８７²³¹⁹٣۴०১一二两三四五十百千万亿零.,-+:：年月日号 "
numbers = st.one_of(
    st.text(alphabet=DIGITS, max_size=60),
    st.integers(min_value=0, max_value=400).map(lambda n: "9" * n),
    st.text(max_size=40),
)
NINES = "9" * 400


@settings(max_examples=300)
@given(text=numbers)
@example(text=NINES)
@example(text="九" + "万" * 400)
@example(text="²")
def test_counts_are_in_range_or_explained(text: str) -> None:
    for parse, upper, lower in (
        (parse_audience, MAX_AUDIENCE, 1),
        (parse_materials, MAX_MATERIALS, 0),
    ):
        with contextlib.suppress(InputError):
            assert lower <= parse(text) <= upper


@settings(max_examples=300)
@given(text=numbers)
@example(text=NINES + ".5")
@example(text=NINES + "分钟")
def test_hours_are_in_range_or_explained(text: str) -> None:
    with contextlib.suppress(InputError):
        assert MIN_HOURS <= parse_hours(text) <= MAX_HOURS


@settings(max_examples=300)
@given(text=numbers)
@example(text="0000-01-01")
@example(text="9999年12月31日")
@example(text="٢٠٢٦-٠٣-٠١")
@example(text="٣月")
@example(text="去年" + NINES + "月")
@example(text="十" * 50 + "月份")
def test_dates_and_periods_are_real_days_or_explained(text: str) -> None:
    with contextlib.suppress(InputError):
        assert parse_date(text, today=TODAY, max_age_days=60, days=WORDS.days) <= TODAY
    try:
        start, end = parse_period(text, today=TODAY, words=WORDS)
        assert start <= end
    except InputError:
        pass


@settings(max_examples=200)
@given(text=numbers)
@example(text="+" + NINES)
def test_phones_are_digits_or_explained(text: str) -> None:
    with contextlib.suppress(InputError):
        assert parse_phone(text).lstrip("+").isascii()


@settings(max_examples=300)
@given(text=numbers)
@example(text=NINES)
@example(text="12月" + NINES + "日 9:00")
@example(text="今晚" + NINES + "点")
@example(text="明早八点" + "半" * 30)
def test_times_and_campaign_dates_are_read_or_explained(text: str) -> None:
    with contextlib.suppress(WhenError):
        parse_when(text, NOW)
    try:
        first, last = parse_dates(text, 2026)
        assert last is None or first <= last
    except WhenError:
        pass


@settings(max_examples=300)
@given(arg=numbers, size=st.integers(min_value=0, max_value=50))
@example(arg="9" * 30, size=5)
@example(arg="²", size=5)
def test_ids_and_positions_from_buttons_are_bounded(arg: str, size: int) -> None:
    found = number(arg)
    assert found is None or (arg.isascii() and 0 < found <= MAX_ID)
    position = index(arg, size)
    assert position is None or 0 <= position < size
