from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scheduler.timeparse import (
    RECENT_PAST,
    Now,
    Once,
    Weekly,
    WhenError,
    WhenProblem,
    describe,
    parse_dates,
    parse_when,
)

TZ = ZoneInfo("Asia/Shanghai")
# Friday 2026-11-20, 10:30 in Shanghai
NOW = datetime(2026, 11, 20, 10, 30, tzinfo=TZ)


def at(year: int, month: int, day: int, hour: int, minute: int) -> Once:
    return Once(datetime(year, month, day, hour, minute, tzinfo=TZ))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("明天上午9点", at(2026, 11, 21, 9, 0)),
        ("明天 上午 9 点", at(2026, 11, 21, 9, 0)),
        ("明天上午九点半", at(2026, 11, 21, 9, 30)),
        ("后天下午3点15分", at(2026, 11, 22, 15, 15)),
        ("大后天晚上8点", at(2026, 11, 23, 20, 0)),
        ("今天下午两点", at(2026, 11, 20, 14, 0)),
        ("今天中午12点", at(2026, 11, 20, 12, 0)),
        ("12月4日 9:00", at(2026, 12, 4, 9, 0)),
        ("12月4号上午9点", at(2026, 12, 4, 9, 0)),
        ("十二月四日九点", at(2026, 12, 4, 9, 0)),
        ("12-04 09:00", at(2026, 12, 4, 9, 0)),
        ("2026-12-04 09:00", at(2026, 12, 4, 9, 0)),
        ("2026/12/4 9:05", at(2026, 12, 4, 9, 5)),
        ("2026年12月4日 下午2点", at(2026, 12, 4, 14, 0)),
        ("２０２６－１２－０４　０９：００", at(2026, 12, 4, 9, 0)),  # full-width
        ("3月1日 8:00", at(2027, 3, 1, 8, 0)),  # already past this year: next year
        ("周一 9:00", at(2026, 11, 23, 9, 0)),
        ("星期五 11:00", at(2026, 11, 20, 11, 0)),  # today, still ahead
        ("周五 9:00", at(2026, 11, 27, 9, 0)),  # today, but passed: next week
        ("下周三上午10点", at(2026, 11, 25, 10, 0)),
        ("9:00", at(2026, 11, 21, 9, 0)),  # a time alone: its next occurrence
        ("11点", at(2026, 11, 20, 11, 0)),
        ("30分钟后", Once(NOW + timedelta(minutes=30))),
        ("2小时后", Once(NOW + timedelta(hours=2))),
        ("现在", Now()),
        ("立即", Now()),
        ("每周一 09:00", Weekly(0, time(9, 0))),
        ("每周日下午3点", Weekly(6, time(15, 0))),
        ("每星期五9点半", Weekly(4, time(9, 30))),
    ],
)
def test_times_as_people_write_them(text: str, expected: object) -> None:
    assert parse_when(text, NOW) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", WhenProblem.UNRECOGNISED),
        ("下下个月吧", WhenProblem.UNRECOGNISED),
        ("明天", WhenProblem.NO_TIME),
        ("12月4日", WhenProblem.NO_TIME),
        ("2月30日 9:00", WhenProblem.BAD_DATE),
        ("2027-02-29 09:00", WhenProblem.BAD_DATE),  # not a leap year
        ("13月1日 9:00", WhenProblem.BAD_DATE),
        ("明天25点", WhenProblem.BAD_TIME),
        ("明天9:75", WhenProblem.BAD_TIME),
        ("晚上12点", WhenProblem.BAD_TIME),
        ("今天上午9点", WhenProblem.PAST),
        ("2025-12-04 09:00", WhenProblem.PAST),
        ("本周一 9:00", WhenProblem.PAST),
        ("2028-12-04 09:00", WhenProblem.TOO_FAR),
    ],
)
def test_bad_times_name_their_problem(text: str, problem: WhenProblem) -> None:
    with pytest.raises(WhenError) as caught:
        parse_when(text, NOW)
    assert caught.value.problem is problem


def test_leap_day_is_accepted_in_a_leap_year() -> None:
    now = datetime(2028, 1, 10, 8, 0, tzinfo=TZ)
    assert parse_when("2月29日 9:00", now) == Once(datetime(2028, 2, 29, 9, 0, tzinfo=TZ))


def test_weekly_slot_is_the_next_one_after_now() -> None:
    monday_nine = Weekly(0, time(9, 0))
    assert monday_nine.next_after(NOW) == datetime(2026, 11, 23, 9, 0, tzinfo=TZ)
    on_the_dot = datetime(2026, 11, 23, 9, 0, tzinfo=TZ)
    assert monday_nine.next_after(on_the_dot) == on_the_dot + timedelta(days=7)
    assert Weekly.decode(monday_nine.encode()) == monday_nine


def test_describe_writes_back_in_chinese() -> None:
    assert describe(datetime(2026, 12, 4, 9, 0, tzinfo=TZ)) == "2026年12月4日（周五）09:00"


@given(st.text(max_size=40))
def test_any_text_parses_or_names_a_problem(text: str) -> None:
    try:
        result = parse_when(text, NOW)
    except WhenError:
        return
    if isinstance(result, Once):
        assert NOW < result.at <= NOW + timedelta(days=366)


future_moments = st.datetimes(
    min_value=datetime(2026, 11, 20, 11, 0), max_value=datetime(2027, 11, 19, 23, 59)
).map(lambda d: d.replace(second=0, microsecond=0, tzinfo=TZ))


@given(future_moments)
def test_iso_and_chinese_forms_round_trip(moment: datetime) -> None:
    forms = [
        f"{moment:%Y-%m-%d %H:%M}",
        f"{moment.year}年{moment.month}月{moment.day}日 {moment.hour}:{moment.minute:02d}",
        f"{moment.year}/{moment.month}/{moment.day} {moment.hour}点{moment.minute}分",
    ]
    for text in forms:
        assert parse_when(text, NOW) == Once(moment), text


@given(future_moments)
def test_month_day_without_year_means_the_next_such_day_unless_just_gone(moment: datetime) -> None:
    text = f"{moment.month}月{moment.day}日 {moment.hour}:{moment.minute:02d}"
    if (moment.month, moment.day) == (2, 29):  # no leap day within a year of NOW
        with pytest.raises(WhenError, match="bad_date"):
            parse_when(text, NOW)
        return
    this_year = date(NOW.year, moment.month, moment.day)
    if timedelta(0) < NOW.date() - this_year <= RECENT_PAST:  # a day just gone: said so
        with pytest.raises(WhenError, match="past"):
            parse_when(text, NOW)
        return
    result = parse_when(text, NOW)
    assert isinstance(result, Once) and (result.at.month, result.at.day) == (
        moment.month,
        moment.day,
    )
    assert NOW < result.at <= NOW + timedelta(days=366)


def test_campaign_dates() -> None:
    assert parse_dates("9月14日", 2026) == (date(2026, 9, 14), None)
    assert parse_dates("9月14日-9月20日", 2026) == (date(2026, 9, 14), date(2026, 9, 20))
    assert parse_dates("2026-09-14 至 2026-09-20", 2026)[1] == date(2026, 9, 20)
    for bad in ("2025-09-14", "9月20日-9月14日", "9月1日-11月1日", "2月30日", "下周"):
        with pytest.raises(WhenError):
            parse_dates(bad, 2026)


@pytest.mark.parametrize(
    "text",
    [
        "昨天上午9点",
        "前天 9:00",
        "上周一 9点",
        "1小时前",
        "刚才",
        "11月19日 9:00",
        "2025-12-04 9:00",
    ],
)
def test_a_time_in_the_past_is_said_to_be_past(text: str) -> None:
    """Not "not understood": the coordinator learns the time has gone."""
    with pytest.raises(WhenError) as error:
        parse_when(text, NOW)
    assert error.value.problem is WhenProblem.PAST
