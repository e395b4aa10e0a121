import calendar
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.timeparse import (
    MAX_AHEAD,
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
    ("text", "expected"),
    [
        ("今晚8点", at(2026, 11, 20, 20, 0)),
        ("今晚八点半", at(2026, 11, 20, 20, 30)),
        ("今晚 8:30", at(2026, 11, 20, 20, 30)),
        ("今夜11点", at(2026, 11, 20, 23, 0)),
        ("明晚8点", at(2026, 11, 21, 20, 0)),
        ("明早7点半", at(2026, 11, 21, 7, 30)),
        ("明晨6点", at(2026, 11, 21, 6, 0)),
        ("今天晚8点", at(2026, 11, 20, 20, 0)),
        ("明天早8点", at(2026, 11, 21, 8, 0)),
        ("周六晚上8点", at(2026, 11, 21, 20, 0)),
        ("礼拜六晚8点", at(2026, 11, 21, 20, 0)),
        ("下周一早上8点", at(2026, 11, 23, 8, 0)),
        ("下礼拜五下午3点", at(2026, 11, 27, 15, 0)),
        ("后天傍晚6点", at(2026, 11, 22, 18, 0)),
        ("大后天中午1点", at(2026, 11, 23, 13, 0)),
        ("明天中午12点", at(2026, 11, 21, 12, 0)),
        ("明天上午12点", at(2026, 11, 21, 12, 0)),  # 上午 ends at noon
        ("明天下午15点", at(2026, 11, 21, 15, 0)),  # a 24-hour hour that fits its part
        ("明天8点", at(2026, 11, 21, 8, 0)),  # with a date, 6-12 without a part: morning
        ("明天20点", at(2026, 11, 21, 20, 0)),
        ("明天凌晨2点", at(2026, 11, 21, 2, 0)),
        ("明天０点", at(2026, 11, 21, 0, 0)),
        ("明天十点半", at(2026, 11, 21, 10, 30)),
    ],
)
def test_short_forms_and_twelve_hour_readings(text: str, expected: Once) -> None:
    found = parse_when(text, NOW)
    assert found == expected
    assert isinstance(found, Once) and not found.guessed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("明早8点", at(2027, 1, 1, 8, 0)),
        ("明晚8点", at(2027, 1, 1, 20, 0)),
        ("今晚11点", at(2026, 12, 31, 23, 0)),
        ("1月1日 9:00", at(2027, 1, 1, 9, 0)),
        ("周五上午9点", at(2027, 1, 1, 9, 0)),
    ],
)
def test_short_forms_across_the_year_end(text: str, expected: Once) -> None:
    assert parse_when(text, datetime(2026, 12, 31, 21, 0, tzinfo=TZ)) == expected


@pytest.mark.parametrize(
    ("now", "text", "expected"),
    [
        # 10:30: the next time the clock shows the hour, outside the night
        (NOW, "8点", at(2026, 11, 20, 20, 0)),
        (NOW, "八点", at(2026, 11, 20, 20, 0)),
        (NOW, "两点", at(2026, 11, 20, 14, 0)),
        (NOW, "11点", at(2026, 11, 20, 11, 0)),
        (NOW, "十点半", at(2026, 11, 20, 22, 30)),
        (NOW, "12点", at(2026, 11, 20, 12, 0)),  # bare 12 is noon; midnight is 0点
        (NOW, "0点", at(2026, 11, 21, 0, 0)),
        (NOW, "9:00", at(2026, 11, 21, 9, 0)),  # a colon: the 24-hour clock
        (NOW, "下午3点", at(2026, 11, 20, 15, 0)),
        (NOW, "晚上8点", at(2026, 11, 20, 20, 0)),
        (NOW, "早上8点", at(2026, 11, 21, 8, 0)),
        (NOW, "晚8点", at(2026, 11, 20, 20, 0)),
        (NOW, "２０点", at(2026, 11, 20, 20, 0)),
        # 15:00: 两点 is tomorrow afternoon, never 02:00
        (datetime(2026, 11, 20, 15, 0, tzinfo=TZ), "两点", at(2026, 11, 21, 14, 0)),
        (datetime(2026, 11, 20, 15, 0, tzinfo=TZ), "8点", at(2026, 11, 20, 20, 0)),
        # 21:00: 8点 is tomorrow morning
        (datetime(2026, 11, 20, 21, 0, tzinfo=TZ), "8点", at(2026, 11, 21, 8, 0)),
        # across the year's end
        (datetime(2026, 12, 31, 21, 0, tzinfo=TZ), "8点", at(2027, 1, 1, 8, 0)),
    ],
)
def test_a_time_without_a_date_is_the_next_one_and_says_so(
    now: datetime, text: str, expected: Once
) -> None:
    found = parse_when(text, now)
    assert found == expected
    assert isinstance(found, Once) and found.guessed


@given(st.integers(min_value=1, max_value=11), st.integers(min_value=0, max_value=24 * 60 - 1))
def test_a_bare_hour_is_the_next_daytime_one(hour: int, minute_of_day: int) -> None:
    now = datetime(2026, 12, 31, tzinfo=TZ) + timedelta(minutes=minute_of_day)
    found = parse_when(f"{hour}点", now)
    assert isinstance(found, Once) and found.guessed
    assert now < found.at <= now + timedelta(days=1)
    assert found.at.hour in (hour, hour + 12) and found.at.hour >= 6 and found.at.minute == 0


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
        ("晚上12点", WhenProblem.AMBIGUOUS),  # which day's midnight? 明天0点 says it
        ("今晚12点", WhenProblem.AMBIGUOUS),
        ("凌晨12点", WhenProblem.AMBIGUOUS),
        ("晚上3点", WhenProblem.AMBIGUOUS),  # 凌晨3点 or 15:00?
        ("早上20点", WhenProblem.AMBIGUOUS),
        ("傍晚10点", WhenProblem.AMBIGUOUS),
        ("明天3点", WhenProblem.AMBIGUOUS),  # 03:00 or 15:00?
        ("每周一 3点", WhenProblem.AMBIGUOUS),
        ("25点", WhenProblem.BAD_TIME),
        ("今早8点", WhenProblem.PAST),  # 10:30 already
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


WORDS = (
    "今明后大晚早夜晨天上下午中傍凌点半分时整钟周星期礼拜每个日号月年"
    "一二两三四五六七八九十零０８:：-/. 0123456789儿个"
)


@settings(max_examples=500)
@given(st.text(alphabet=WORDS, max_size=20), st.integers(min_value=0, max_value=24 * 60 - 1))
def test_time_words_in_any_order_parse_or_name_a_problem(text: str, minute: int) -> None:
    """At any minute of New Year's Eve: a moment ahead within a year, or a WhenError."""
    now = datetime(2026, 12, 31, tzinfo=TZ) + timedelta(minutes=minute)
    try:
        result = parse_when(text, now)
    except WhenError:
        return
    if isinstance(result, Once):
        assert now < result.at <= now + MAX_AHEAD


future_moments = st.datetimes(
    min_value=datetime(2026, 11, 20, 11, 0), max_value=datetime(2027, 11, 19, 23, 59)
).map(lambda d: d.replace(second=0, microsecond=0, tzinfo=TZ))


def _spoken(hour: int) -> str:
    """An hour as said with 点: 1-5 need their part of the day (三点 alone is ambiguous)."""
    return f"凌晨{hour}点" if 1 <= hour < 6 else f"{hour}点"


@given(future_moments)
def test_iso_and_chinese_forms_round_trip(moment: datetime) -> None:
    forms = [
        f"{moment:%Y-%m-%d %H:%M}",
        f"{moment.year}年{moment.month}月{moment.day}日 {moment.hour}:{moment.minute:02d}",
        f"{moment.year}/{moment.month}/{moment.day} {_spoken(moment.hour)}{moment.minute}分",
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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("后晚8点", at(2026, 11, 22, 20, 0)),
        ("后晚八点半", at(2026, 11, 22, 20, 30)),
        ("大后晚8点", at(2026, 11, 23, 20, 0)),
        ("后天晚上8点", at(2026, 11, 22, 20, 0)),
        ("今儿晚上8点", at(2026, 11, 20, 20, 0)),
        ("今儿下午3点", at(2026, 11, 20, 15, 0)),
        ("明儿早上8点半", at(2026, 11, 21, 8, 30)),
        ("明儿个9:00", at(2026, 11, 21, 9, 0)),
        ("明儿8点", at(2026, 11, 21, 8, 0)),
        ("后儿下午3点", at(2026, 11, 22, 15, 0)),
        ("后儿个晚8点", at(2026, 11, 22, 20, 0)),
        # a dotted time after a day or a part of the day: 24-hour like 8:30
        ("明天8.30", at(2026, 11, 21, 8, 30)),
        ("明天 8.30", at(2026, 11, 21, 8, 30)),
        ("明儿20.15", at(2026, 11, 21, 20, 15)),
        ("今晚8.30", at(2026, 11, 20, 20, 30)),
        ("后晚8.30", at(2026, 11, 22, 20, 30)),
        ("明天下午3.45", at(2026, 11, 21, 15, 45)),
        ("周一8.30", at(2026, 11, 23, 8, 30)),
        ("12月4日 8.30", at(2026, 12, 4, 8, 30)),
        ("2026.12.4 8.30", at(2026, 12, 4, 8, 30)),
        # a dotted pair followed by a time: a month and day like 12-4
        ("12.4 8.30", at(2026, 12, 4, 8, 30)),
        ("12.4 9点", at(2026, 12, 4, 9, 0)),
        ("12.4 下午3点", at(2026, 12, 4, 15, 0)),
        ("8.30 9:00", at(2027, 8, 30, 9, 0)),  # 30 August has passed this year
        ("明天8:30", at(2026, 11, 21, 8, 30)),
        ("明天8点半", at(2026, 11, 21, 8, 30)),
        ("每周一 8.30", Weekly(0, time(8, 30))),
    ],
)
def test_colloquial_days_and_dotted_times(text: str, expected: object) -> None:
    found = parse_when(text, NOW)
    assert found == expected
    assert not isinstance(found, Once) or not found.guessed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("晚上8.30", at(2026, 11, 20, 20, 30)),
        ("20.30", at(2026, 11, 20, 20, 30)),  # cannot be a date: only a time
        ("9.00", at(2026, 11, 21, 9, 0)),  # no 0th of September
        ("8点半", at(2026, 11, 20, 20, 30)),
        ("8:30", at(2026, 11, 21, 8, 30)),
    ],
)
def test_dotted_and_half_times_without_a_day_are_the_next_one(text: str, expected: Once) -> None:
    found = parse_when(text, NOW)
    assert found == expected
    assert isinstance(found, Once) and found.guessed


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("8.30", WhenProblem.DOTTED),  # 8月30日 without a time, or 8:30?
        ("12.4", WhenProblem.DOTTED),
        ("2.29", WhenProblem.DOTTED),  # a date in a leap year
        ("20.5", WhenProblem.DOTTED),  # 20:05 or 20:30?
        ("8.30 晚上", WhenProblem.UNRECOGNISED),
        ("13.4 9点", WhenProblem.BAD_DATE),  # followed by a time: a date, and there is none
        ("今儿", WhenProblem.NO_TIME),
        ("后晚", WhenProblem.UNRECOGNISED),  # as 今晚 alone
        ("今儿上午8.30", WhenProblem.PAST),  # 10:30 already (今儿8.30 is the evening)
        ("明天8.75", WhenProblem.BAD_TIME),
        ("今晚3.30", WhenProblem.AMBIGUOUS),
    ],
)
def test_dotted_pairs_and_colloquial_days_name_their_problem(
    text: str, problem: WhenProblem
) -> None:
    with pytest.raises(WhenError) as caught:
        parse_when(text, NOW)
    assert caught.value.problem is problem


DAY_WORDS = ["今天", "明天", "后天"]
COLLOQUIAL = {"今天": ["今儿", "今儿个"], "明天": ["明儿", "明儿个"], "后天": ["后儿", "后儿个"]}
clock_times = st.tuples(st.integers(0, 23), st.integers(0, 59))


def outcome(text: str) -> object:
    """What `text` reads as at NOW: the time, or the problem named."""
    try:
        return parse_when(text, NOW)
    except WhenError as error:
        return error.problem


@given(
    st.sampled_from(DAY_WORDS), st.sampled_from(["", "上午", "下午", "晚上", "早上"]), clock_times
)
def test_colloquial_days_read_as_the_standard_ones(
    day: str, part: str, hm: tuple[int, int]
) -> None:
    said = f"{part}{hm[0]}点{hm[1]}分"
    for spoken in COLLOQUIAL[day]:
        assert outcome(spoken + said) == outcome(day + said)


@given(
    st.sampled_from([*DAY_WORDS, "今晚", "明晚", "后晚", "明早", "周三", "12月4日"]), clock_times
)
def test_a_dotted_time_after_a_day_reads_as_the_colon_one(day: str, hm: tuple[int, int]) -> None:
    hour, minute = hm
    assert outcome(f"{day}{hour}.{minute:02d}") == outcome(f"{day}{hour}:{minute:02d}")


@given(st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)), clock_times)
def test_a_dotted_pair_before_a_time_is_a_month_and_day(day: date, hm: tuple[int, int]) -> None:
    time_of_day = f"{hm[0]}:{hm[1]:02d}"
    written = outcome(f"{day.month}月{day.day}日 {time_of_day}")
    assert outcome(f"{day.month}.{day.day} {time_of_day}") == written
    assert outcome(f"{day.month}.{day.day}日 {time_of_day}") == written


@given(st.integers(1, 12), st.integers(1, 31), st.integers(0, 24 * 60 - 1))
def test_a_dotted_pair_alone_that_can_be_a_date_is_asked_about(
    month: int, day: int, minute: int
) -> None:
    if day > calendar.monthrange(2028, month)[1]:
        return
    now = datetime(2026, 12, 31, tzinfo=TZ) + timedelta(minutes=minute)
    for text in (f"{month}.{day}", f"{month}.{day:02d}"):
        with pytest.raises(WhenError) as caught:
            parse_when(text, now)
        assert caught.value.problem is WhenProblem.DOTTED


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("今天8点", at(2026, 12, 5, 20, 0)),
        ("今儿8.30", at(2026, 12, 5, 20, 30)),
        ("今天八点半", at(2026, 12, 5, 20, 30)),
        ("今天11点", at(2026, 12, 5, 23, 0)),
        ("今天3点", at(2026, 12, 5, 15, 0)),
        ("8点", at(2026, 12, 5, 20, 0)),
    ],
)
def test_today_with_a_past_morning_hour_is_this_evening_and_says_so(
    text: str, expected: Once
) -> None:
    """At 12:28, 今天8点 reads like a bare 8点 (20:00), not as "already past"."""
    found = parse_when(text, datetime(2026, 12, 5, 12, 28, tzinfo=TZ))
    assert found == expected
    assert isinstance(found, Once) and found.guessed


@pytest.mark.parametrize(
    ("now", "text", "expected"),
    [
        (datetime(2026, 12, 5, 7, 0, tzinfo=TZ), "今天8点", at(2026, 12, 5, 8, 0)),
        (datetime(2026, 12, 5, 12, 28, tzinfo=TZ), "今天下午1点", at(2026, 12, 5, 13, 0)),
    ],
)
def test_today_with_an_hour_still_ahead_is_read_as_written(
    now: datetime, text: str, expected: Once
) -> None:
    found = parse_when(text, now)
    assert found == expected and isinstance(found, Once) and not found.evening


@pytest.mark.parametrize(
    ("now", "text"),
    [
        (datetime(2026, 12, 5, 12, 28, tzinfo=TZ), "今天上午8点"),  # the morning, said
        (datetime(2026, 12, 5, 12, 28, tzinfo=TZ), "今天早上8点"),
        (datetime(2026, 12, 5, 21, 0, tzinfo=TZ), "今天8点"),  # 20:00 is past too
    ],
)
def test_today_past_in_the_morning_said_or_in_the_evening_too_is_past(
    now: datetime, text: str
) -> None:
    with pytest.raises(WhenError) as raised:
        parse_when(text, now)
    assert raised.value.problem is WhenProblem.PAST
