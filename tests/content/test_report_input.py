"""Parsing what volunteers type: dates, numbers, hours, text limits, periods."""

from datetime import date, timedelta
from functools import partial

import pytest
from hypothesis import given
from hypothesis import strategies as st

from content.loader import Library
from content.place_names import named
from content.report_input import (
    MAX_SUMMARY_CHARS,
    InputError,
    InputProblem,
    chinese_int,
    is_skip,
    normalise,
    parse_audience,
    parse_date,
    parse_hours,
    parse_materials,
    parse_name,
    parse_period,
    parse_phone,
    parse_summary,
)
from tests.content.content_copy import shipped_typed_words

TODAY = date(2026, 12, 10)
WORDS = shipped_typed_words()


def problem(call: object) -> InputProblem:
    assert callable(call)
    with pytest.raises(InputError) as caught:
        call()
    return caught.value.problem


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("今天", date(2026, 12, 10)),
        ("昨天", date(2026, 12, 9)),
        ("前天", date(2026, 12, 8)),
        ("大前天", date(2026, 12, 7)),
        ("12月4日", date(2026, 12, 4)),
        ("12月4号", date(2026, 12, 4)),
        ("2026-12-04", date(2026, 12, 4)),
        ("2026/12/4", date(2026, 12, 4)),
        ("2026年12月4日", date(2026, 12, 4)),
        ("12.4", date(2026, 12, 4)),
        ("12-4", date(2026, 12, 4)),
        ("１２月４日", date(2026, 12, 4)),
        (" 12 月 4 日 ", date(2026, 12, 4)),
        ("11.30", date(2026, 11, 30)),
    ],
)
def test_dates_people_write(text: str, expected: date) -> None:
    assert parse_date(text, today=TODAY, max_age_days=60, days=WORDS.days) == expected


def test_a_date_without_year_is_the_latest_one_not_in_the_future() -> None:
    january = date(2027, 1, 5)
    assert parse_date("12.30", today=january, max_age_days=60, days=WORDS.days) == date(
        2026, 12, 30
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", InputProblem.EMPTY),
        ("明天", InputProblem.DATE_FUTURE),
        ("下周三", InputProblem.DATE_FORMAT),
        ("😀", InputProblem.DATE_FORMAT),
        ("2月30日", InputProblem.DATE_INVALID),
        ("13.1", InputProblem.DATE_INVALID),
        ("2026-12-11", InputProblem.DATE_FUTURE),
        ("2027-01-01", InputProblem.DATE_FUTURE),
        ("12月11日", InputProblem.DATE_FUTURE),  # a coming day, not last year's (too old)
        ("12.31", InputProblem.DATE_FUTURE),
        ("后天", InputProblem.DATE_FUTURE),
        ("2026-01-01", InputProblem.DATE_TOO_OLD),
        ("9.1", InputProblem.DATE_TOO_OLD),
    ],
)
def test_bad_dates_are_explained(text: str, expected: InputProblem) -> None:
    assert (
        problem(lambda: parse_date(text, today=TODAY, max_age_days=60, days=WORDS.days))
        is expected
    )


@given(st.text(max_size=40), st.integers(min_value=1, max_value=400))
def test_any_date_text_is_accepted_within_the_window_or_refused(text: str, days: int) -> None:
    try:
        day = parse_date(text, today=TODAY, max_age_days=days, days=WORDS.days)
    except InputError:
        return
    assert TODAY - timedelta(days=days) <= day <= TODAY


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("2", 2.0),
        ("2.5", 2.5),
        ("2小时", 2.0),
        ("2 个小时", 2.0),
        ("两小时", 2.0),
        ("两个半小时", 2.5),
        ("一个半小时", 1.5),
        ("半小时", 0.5),
        ("90分钟", 1.5),
        ("1.5h", 1.5),
        ("十二小时", 12.0),
        ("２４", 24.0),
    ],
)
def test_hours(text: str, hours: float) -> None:
    assert parse_hours(text) == hours


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", InputProblem.HOURS_RANGE),
        ("0.2", InputProblem.HOURS_RANGE),
        ("25", InputProblem.HOURS_RANGE),
        ("10分钟", InputProblem.HOURS_RANGE),
        ("-2", InputProblem.HOURS_FORMAT),
        ("两三个小时", InputProblem.HOURS_FORMAT),
        ("1e3", InputProblem.HOURS_FORMAT),
        ("nan", InputProblem.HOURS_FORMAT),
        ("⏰", InputProblem.HOURS_FORMAT),
        ("", InputProblem.EMPTY),
    ],
)
def test_bad_hours(text: str, expected: InputProblem) -> None:
    assert problem(lambda: parse_hours(text)) is expected


@given(st.text(max_size=30))
def test_any_hours_text_is_in_range_or_refused(text: str) -> None:
    try:
        hours = parse_hours(text)
    except InputError:
        return
    assert 0.5 <= hours <= 24


@pytest.mark.parametrize(
    ("text", "count"),
    [("120", 120), ("约120人", 120), ("两百人", 200), ("一百二十", 120), ("1,200", 1200)],
)
def test_audience(text: str, count: int) -> None:
    assert parse_audience(text) == count


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", InputProblem.AUDIENCE_RANGE),
        ("100001", InputProblem.AUDIENCE_RANGE),
        ("99999999999999999999", InputProblem.AUDIENCE_RANGE),
        ("1.5", InputProblem.AUDIENCE_FORMAT),
        ("很多", InputProblem.AUDIENCE_FORMAT),
        ("🙂🙂", InputProblem.AUDIENCE_FORMAT),
        ("-3", InputProblem.AUDIENCE_FORMAT),
    ],
)
def test_bad_audience(text: str, expected: InputProblem) -> None:
    assert problem(lambda: parse_audience(text)) is expected


@given(st.text(max_size=30))
def test_any_audience_text_is_in_range_or_refused(text: str) -> None:
    try:
        count = parse_audience(text)
    except InputError:
        return
    assert 1 <= count <= 100_000


def test_materials_may_be_zero() -> None:
    assert parse_materials("0") == 0 and parse_materials("三百份") == 300


@pytest.mark.parametrize(
    ("text", "value"),
    [("十", 10), ("十五", 15), ("二十", 20), ("两千零五", 2005), ("三万", 30000), ("一二", None)],
)
def test_chinese_numerals(text: str, value: int | None) -> None:
    assert chinese_int(text) == value


def test_summary_limits() -> None:
    assert parse_summary("  宪法宣传\r\n\n\n\n效果很好 🎉 ") == "宪法宣传\n\n效果很好 🎉"
    assert problem(lambda: parse_summary("好")) is InputProblem.SUMMARY_SHORT
    assert problem(lambda: parse_summary("🎉🎉🎉🎉🎉🎉")) is InputProblem.SUMMARY_SHORT
    assert problem(lambda: parse_summary("宪" * 5000)) is InputProblem.SUMMARY_LONG
    assert len(parse_summary("宪" * MAX_SUMMARY_CHARS)) == MAX_SUMMARY_CHARS


@given(st.text(max_size=600))
def test_any_summary_is_clean_and_bounded_or_refused(text: str) -> None:
    try:
        summary = parse_summary(text)
    except InputError:
        return
    assert 5 <= len(summary) <= MAX_SUMMARY_CHARS
    assert summary == summary.strip() and "\x00" not in summary and "\r" not in summary


def test_names_and_phones() -> None:
    assert parse_name(" 张\u200b三 ") == "张三"
    assert problem(lambda: parse_name("🙂")) is InputProblem.NO_LETTERS
    assert problem(lambda: parse_name("张" * 51)) is InputProblem.TOO_LONG
    assert problem(lambda: parse_name(" 李 ")) is InputProblem.NAME_SHORT
    assert parse_name("李四") == "李四"


@pytest.mark.parametrize("typed", ["张小明😀", "张小明 👮‍♀️", "★张三", "张三©", "王五️"])
def test_a_name_with_an_emoji_or_a_symbol_is_refused(typed: str) -> None:
    """Names are printed on certificates and exports: words only."""
    assert problem(lambda: parse_name(typed)) is InputProblem.NAME_SYMBOLS


def test_names_of_other_peoples_keep_their_punctuation() -> None:
    assert parse_name("阿依古丽·买买提") == "阿依古丽·买买提"
    assert parse_name("Mary-Jane O'Neil") == "Mary-Jane O'Neil"


@given(st.text(max_size=80))
def test_any_name_is_two_to_fifty_tidy_characters_or_refused(text: str) -> None:
    try:
        name = parse_name(text)
    except InputError:
        return
    assert 2 <= len(name) <= 50 and name == name.strip() and "\n" not in name
    assert parse_phone("138-0013-8000") == "13800138000"
    assert parse_phone("+86 138 0013 8000") == "+8613800138000"
    assert parse_phone("(0710) 1234567") == "07101234567"
    assert problem(lambda: parse_phone("打我电话")) is InputProblem.PHONE_FORMAT
    assert problem(lambda: parse_phone("123")) is InputProblem.PHONE_FORMAT
    assert parse_phone("8613800138000") == "8613800138000"  # a shared contact's form
    assert parse_phone("8765 4321") == "87654321"  # a local landline without its area code
    assert parse_phone("+852 9123 4567") == "+85291234567"
    for wrong in ("1381234567", "138001380001", "0710123", "12345678", "+86 0710 1234567"):
        assert problem(partial(parse_phone, wrong)) is InputProblem.PHONE_FORMAT, wrong


@given(st.text(max_size=80))
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise(text, multiline=True)
    assert normalise(once, multiline=True) == once


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("", (date(2026, 12, 1), TODAY)),
        ("本月", (date(2026, 12, 1), TODAY)),
        ("上月", (date(2026, 11, 1), date(2026, 11, 30))),
        ("今年", (date(2026, 1, 1), TODAY)),
        ("去年", (date(2025, 1, 1), date(2025, 12, 31))),
        ("本周", (date(2026, 12, 7), TODAY)),
        ("这周", (date(2026, 12, 7), TODAY)),
        ("上周", (date(2026, 11, 30), date(2026, 12, 6))),  # Monday to Sunday
        ("上个星期", (date(2026, 11, 30), date(2026, 12, 6))),
        ("12月1日 12月10日", (date(2026, 12, 1), TODAY)),
        ("11月20日到12月5日", (date(2026, 11, 20), date(2026, 12, 5))),
        ("12月1日 1月10日", (date(2026, 12, 1), date(2027, 1, 10))),  # across the new year
        ("12月20日 12月31日", (date(2025, 12, 20), date(2025, 12, 31))),  # not in the future
        ("2025-12-20 1月5日", (date(2025, 12, 20), date(2026, 1, 5))),
        ("12月20日 2026-01-05", (date(2025, 12, 20), date(2026, 1, 5))),
        ("2026", (date(2026, 1, 1), date(2026, 12, 31))),
        ("2026-02", (date(2026, 2, 1), date(2026, 2, 28))),
        ("2024年2月", (date(2024, 2, 1), date(2024, 2, 29))),
        ("2026-01-01 2026-03-31", (date(2026, 1, 1), date(2026, 3, 31))),
        ("2026-01-01~2026-03-31", (date(2026, 1, 1), date(2026, 3, 31))),
        ("2026-01-01 至 2026-03-31", (date(2026, 1, 1), date(2026, 3, 31))),
        ("11月", (date(2026, 11, 1), date(2026, 11, 30))),
        ("11月份", (date(2026, 11, 1), date(2026, 11, 30))),
        ("十一月", (date(2026, 11, 1), date(2026, 11, 30))),
        ("１１月", (date(2026, 11, 1), date(2026, 11, 30))),
        ("12月", (date(2026, 12, 1), date(2026, 12, 31))),  # this month: not in the future
        ("2月", (date(2026, 2, 1), date(2026, 2, 28))),
        ("2026年11月", (date(2026, 11, 1), date(2026, 11, 30))),
        ("2026年11月份", (date(2026, 11, 1), date(2026, 11, 30))),
        ("去年11月", (date(2025, 11, 1), date(2025, 11, 30))),
        ("今年3月", (date(2026, 3, 1), date(2026, 3, 31))),
    ],
)
def test_periods(text: str, period: tuple[date, date]) -> None:
    assert parse_period(text, today=TODAY, words=WORDS) == period


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("下个月", InputProblem.PERIOD_FORMAT),
        ("2026-13", InputProblem.PERIOD_FORMAT),
        ("2026-03-31 2026-01-01", InputProblem.PERIOD_ORDER),
        ("2000-01-01 2026-01-01", InputProblem.PERIOD_ORDER),
        ("2026-02-30 2026-03-01", InputProblem.DATE_INVALID),
        ("2月30日 3月1日", InputProblem.DATE_INVALID),
        ("12月1日 下周", InputProblem.PERIOD_FORMAT),
        ("13月", InputProblem.PERIOD_FORMAT),
        ("0月", InputProblem.PERIOD_FORMAT),
        ("一二月", InputProblem.PERIOD_FORMAT),
        ("明年3月", InputProblem.PERIOD_FORMAT),
    ],
)
def test_bad_periods(text: str, expected: InputProblem) -> None:
    assert problem(lambda: parse_period(text, today=TODAY, words=WORDS)) is expected


@pytest.mark.parametrize(
    ("today", "text", "period"),
    [
        # January asking for 12月 means the December just gone, across the year boundary
        (date(2027, 1, 3), "12月", (date(2026, 12, 1), date(2026, 12, 31))),
        (date(2027, 1, 3), "1月", (date(2027, 1, 1), date(2027, 1, 31))),
        (date(2027, 1, 3), "去年12月", (date(2026, 12, 1), date(2026, 12, 31))),
        (date(2026, 12, 31), "12月", (date(2026, 12, 1), date(2026, 12, 31))),
        (date(2026, 12, 31), "1月", (date(2026, 1, 1), date(2026, 1, 31))),
        (date(2028, 3, 1), "2月", (date(2028, 2, 1), date(2028, 2, 29))),  # leap year
    ],
)
def test_a_month_without_a_year_is_the_latest_one_not_in_the_future(
    today: date, text: str, period: tuple[date, date]
) -> None:
    assert parse_period(text, today=today, words=WORDS) == period


@given(st.integers(min_value=1, max_value=12), st.dates(date(2001, 1, 1), date(2099, 12, 31)))
def test_a_bare_month_never_starts_after_today(month: int, today: date) -> None:
    start, _ = parse_period(f"{month}月", today=today, words=WORDS)
    assert start.month == month and start.day == 1 and start <= today
    assert today - start < timedelta(days=366)


@given(st.text(max_size=40))
def test_any_period_text_is_ordered_or_refused(text: str) -> None:
    try:
        start, end = parse_period(text, today=TODAY, words=WORDS)
    except InputError:
        return
    assert start <= end


@pytest.mark.parametrize("text", ["2.5", "很多", "-3"])
def test_bad_materials_say_whole_copies(text: str) -> None:
    assert problem(lambda: parse_materials(text)) is InputProblem.MATERIALS_FORMAT


TOWNS = ["示例县城关镇", "示例县东山镇", "示例县西河镇", "示例县南湖街道"]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("东山镇", ["示例县东山镇"]),
        ("东山", ["示例县东山镇"]),
        (" 示例县西河镇 ", ["示例县西河镇"]),
        ("示例县", TOWNS),  # several: the buttons again
        ("镇", []),
        ("火星", []),
    ],
)
def test_typed_towns(typed: str, expected: list[str]) -> None:
    assert named(typed, TOWNS) == expected


@given(st.text(max_size=40))
def test_a_typed_town_names_only_listed_towns(typed: str) -> None:
    assert set(named(typed, TOWNS)) <= set(TOWNS)


@given(st.sampled_from(TOWNS))
def test_every_listed_town_typed_in_full_names_itself(town: str) -> None:
    assert named(town, TOWNS) == [town]


def test_skip_typed_is_the_button(library: Library) -> None:
    """跳过 and 完成 typed (with the buttons' emoji, spaces or a full stop) are the buttons;
    words around them are an answer."""
    texts = library.ui.volunteers
    buttons = (texts.skip_button, texts.photos_done_button)
    for text in ("跳过", " 跳过 ⏭", "完成 ✔️", "完成。", "跳过！"):
        assert is_skip(text, buttons), text
    for text in ("不跳过", "完成了三场", "300", "", "⏭"):
        assert not is_skip(text, buttons), text


def test_a_renamed_button_is_the_word_typed_for_it() -> None:
    """The words are the buttons' (ui.zh.yaml): a coordinator who renames 跳过 to 略过 need
    not teach the bot the new word."""
    assert is_skip("略过", ("略过 ⏭", "完成 ✔️"))
    assert not is_skip("跳过", ("略过 ⏭", "完成 ✔️"))
