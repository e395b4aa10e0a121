from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from content.desks import (
    SAMPLE_CHAT_IDS,
    SAMPLE_STAFF_IDS,
    Desk,
    after_open_hours,
    check_desks,
    desks_for,
    fallback_desk,
    next_opening,
    open_at,
    weekly_open_hours,
)
from content.loader import Library, collect
from content.office_hours import Holidays, parse_days, parse_hours_line
from content.problems import Entry
from tests.content.content_copy import named
from tests.content.test_loader import copy_content

TZ = ZoneInfo("Asia/Shanghai")
HOLIDAYS = Holidays.model_validate(
    {
        "sample": False,
        "note": "test calendar",
        "closed": [{"name": "国庆节", "first": "2026-10-01", "last": "2026-10-07"}],
        "workdays": [
            {"name": "国庆节调休上班", "date": "2026-09-20"},  # a Sunday
            {"name": "国庆节调休上班", "date": "2026-10-10"},  # a Saturday
        ],
    }
)


def desk(**changes: Any) -> Desk:
    fields: dict[str, Any] = {
        "id": "test-office",
        "name": "测试司法所",
        "kind": "judicial_office",
        "towns": ["城关镇"],
        "categories": ["mediation"],
        "staff": [42],
        "hours": ["周一至周五 08:30-12:00, 14:00-17:30", "周六 09:00-11:00"],
        "reply_within_hours": 24,
        "escalate_after_hours": 48,
    }
    return Desk.model_validate(fields | changes)


def at(day: int, hour: int, minute: int = 0, month: int = 12, second: int = 0) -> datetime:
    """A Shanghai wall-clock instant in 2026 (7 December 2026 is a Monday)."""
    return datetime(2026, month, day, hour, minute, second, tzinfo=TZ)


OFFICE = desk()
XIHE = "- id: xihe-mediation-committee"


def entries(*desks: Desk) -> list[Entry[Desk]]:
    """The desks as check_desks takes them, each named by its id."""
    return [Entry(d, d.id) for d in desks]


@pytest.mark.parametrize(
    ("instant", "is_open", "opens"),
    [
        (at(7, 8, 29), False, at(7, 8, 30)),  # Monday, before opening
        (at(7, 8, 30), True, at(7, 8, 30)),  # the first minute
        (at(7, 11, 59, second=59), True, at(7, 11, 59, second=59)),
        (at(7, 12, 0), False, at(7, 14, 0)),  # lunch break
        (at(7, 13, 59), False, at(7, 14, 0)),
        (at(7, 17, 29), True, at(7, 17, 29)),  # the last minute before closing
        (at(7, 17, 30), False, at(8, 8, 30)),  # closed; Tuesday morning
        (at(7, 23, 0), False, at(8, 8, 30)),
        (at(4, 17, 45), False, at(5, 9, 0)),  # Friday evening; Saturday's short shift
        (at(5, 11, 0), False, at(7, 8, 30)),  # Saturday after its shift; Monday
        (at(6, 10, 0), False, at(7, 8, 30)),  # Sunday
        (at(1, 10, 0, month=10), False, at(8, 8, 30, month=10)),  # 国庆 holiday
        (at(30, 18, 0, month=9), False, at(8, 8, 30, month=10)),  # eve of the holiday
        (at(10, 11, 30, month=10), True, at(10, 11, 30, month=10)),  # 调休 Sat: Monday hours
        (at(10, 12, 30, month=10), False, at(10, 14, 0, month=10)),
        (at(20, 16, 0, month=9), True, at(20, 16, 0, month=9)),  # 调休 Sunday
        (at(19, 16, 0, month=9), False, at(20, 8, 30, month=9)),  # the Saturday before it
    ],
)
def test_open_at_and_next_opening(instant: datetime, is_open: bool, opens: datetime) -> None:
    assert open_at(OFFICE, instant, HOLIDAYS, TZ) is is_open
    found = next_opening(OFFICE, instant, HOLIDAYS, TZ)
    assert found == opens and found.tzinfo is TZ
    assert open_at(OFFICE, found, HOLIDAYS, TZ)


def test_instants_in_another_zone_are_read_in_the_local_zone() -> None:
    utc = datetime(2026, 12, 7, 0, 30, tzinfo=UTC)  # 08:30 in Shanghai
    assert open_at(OFFICE, utc, HOLIDAYS, TZ)
    assert not open_at(OFFICE, utc, HOLIDAYS, ZoneInfo("Europe/London"))
    assert next_opening(OFFICE, utc, HOLIDAYS, TZ) == at(7, 8, 30)


def test_without_a_holiday_calendar_only_the_weekdays_count() -> None:
    assert open_at(OFFICE, at(1, 10, 0, month=10), None, TZ)  # a Thursday
    assert not open_at(OFFICE, at(10, 11, 30, month=10), None, TZ)  # a plain Saturday


def test_naive_instants_and_desks_that_never_open_are_refused() -> None:
    with pytest.raises(ValueError, match="时区"):
        open_at(OFFICE, datetime(2026, 12, 7, 9, 0), HOLIDAYS, TZ)
    forever = Holidays.model_validate(
        {
            "sample": False,
            "note": "closed for good",
            "closed": [{"name": "装修", "first": "2026-01-01", "last": "2028-12-31"}],
        }
    )
    with pytest.raises(ValueError, match="不开放"):
        next_opening(OFFICE, at(7, 9, 0), forever, TZ)


@pytest.mark.parametrize(
    ("instant", "hours", "reached"),
    [
        (at(7, 8, 30), 3, at(7, 11, 30)),  # Monday morning
        (at(7, 8, 30), 7, at(7, 17, 30)),  # the whole Monday, to closing time
        (at(7, 10, 0), 3, at(7, 15, 0)),  # the lunch break does not count
        (at(7, 17, 29), 1, at(8, 9, 29)),  # one minute on Monday, the rest on Tuesday
        (at(7, 20, 0), 1, at(8, 9, 30)),  # the night does not count
        (at(4, 18, 0), 2, at(5, 11, 0)),  # Friday evening; Saturday's two hours
        (at(4, 18, 0), 3, at(7, 9, 30)),  # then Monday
        (at(4, 18, 0), 5, at(7, 11, 30)),
        (at(30, 18, 0, month=9), 1, at(8, 9, 30, month=10)),  # 国庆 holiday
        (at(9, 17, 0, month=10), 1, at(10, 9, 0, month=10)),  # then the 调休 Saturday
    ],
)
def test_deadlines_count_open_hours(instant: datetime, hours: int, reached: datetime) -> None:
    found = after_open_hours(OFFICE, instant, hours, HOLIDAYS, TZ)
    assert found == reached and found.tzinfo is TZ


def test_counting_open_hours_gives_up_after_search_days() -> None:
    """A desk closed for good (or open too little) cannot make the search run forever."""
    forever = Holidays.model_validate(
        {
            "sample": False,
            "note": "closed for good",
            "closed": [{"name": "装修", "first": "2026-01-01", "last": "2028-12-31"}],
        }
    )
    with pytest.raises(ValueError, match="400 天内开放不满 24 小时"):
        after_open_hours(OFFICE, at(7, 9, 0), 24, forever, TZ)
    assert weekly_open_hours(OFFICE) == 37


def test_hours_lines_read_like_a_notice_board() -> None:
    assert parse_hours_line("周二、周四 9:00 - 12:00") == (
        frozenset({1, 3}),
        ((time(9), time(12)),),
    )
    assert parse_hours_line("工作日 ８：３０～１２：００，１４：００－１７：３０") == (
        frozenset(range(5)),
        ((time(8, 30), time(12)), (time(14), time(17, 30))),
    )
    assert parse_days("每天") == frozenset(range(7))
    assert parse_days("星期六至星期日") == frozenset({5, 6})
    assert parse_days("周一至周三、周五") == frozenset({0, 1, 2, 4})


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("周一至周五", "应写成"),
        ("周八 09:00-12:00", "看不懂"),
        ("周五至周一 09:00-12:00", "起止顺序"),
        ("周一 9点-12点", "应写成"),
        ("周一 25:00-26:00", "不存在"),
        ("周一 12:00-09:00", "先开始后结束"),
        ("周一 08:30-12:00, 11:00-17:00", "重叠"),
    ],
)
def test_bad_hours_lines_say_what_is_wrong(line: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_hours_line(line)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"staff": []}, "至少填一个"),
        ({"staff": [-5]}, "正整数"),
        ({"escalate_after_hours": 24}, "应大于"),
        ({"hours": ["周一至周五 09:00-12:00", "周五 14:00-17:00"]}, "周五 在 hours 里写了两次"),
        ({"sample": True}, "示例"),
        ({"sample": True, "name": "示例司法所（示例）"}, "只能用示例 ID"),
        ({"staff": [SAMPLE_STAFF_IDS[0]]}, "不能用于真实值班台"),
        ({"staff_chat_id": SAMPLE_CHAT_IDS[-1]}, "不能用于真实值班台"),
        ({"staff_chat_id": 12345}, "less than 0"),
        ({"kind": "police"}, "judicial_office"),
        ({"id": "Test Office"}, "小写字母"),
        ({"hours": ["周一 09:00-12:00"], "fax": "1"}, "Extra inputs"),
        ({"villages": ["桃园村"]}, "只有 village_adviser"),
        ({"kind": "village_adviser"}, "village_adviser 要写 villages"),
        ({"kind": "village_adviser", "villages": []}, "village_adviser 要写 villages"),
        ({"kind": "village_adviser", "villages": ["桃园村"], "fallback": True}, "不能写 fallback"),
    ],
)
def test_desk_checks(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        desk(**changes)


def test_deadlines_that_need_months_of_office_hours_are_refused() -> None:
    weekly = desk(
        hours=["周三 09:00-12:00"], reply_within_hours=3, escalate_after_hours=24, fallback=True
    )
    assert check_desks(entries(weekly), {"城关镇": []}, {"mediation"}, "desks.yaml") == []
    rare = desk(
        hours=["周三 09:00-12:00"], reply_within_hours=24, escalate_after_hours=48, fallback=True
    )
    [problem] = check_desks(entries(rare), {"城关镇": []}, {"mediation"}, "desks.yaml")
    assert (problem.path, problem.field) == ("test-office", "escalate_after_hours")
    assert problem.message.startswith("测试司法所 每周只开放 3 小时")
    assert "约 16 周" in problem.message


def test_every_town_has_one_fallback_desk_and_each_field_one_desk() -> None:
    """Where a message goes never depends on the file's order: a town some desk serves has
    exactly one 兜底 desk, real where the town has a real desk, and a field one desk."""
    towns: dict[str, list[str]] = {"城关镇": ["桃园村"], "东山镇": [], "西河镇": []}
    sample = {"sample": True, "staff": [SAMPLE_STAFF_IDS[0]]}
    desks = [
        desk(id="chengguan", fallback=True, categories=["mediation", "labor"]),
        desk(id="centre", kind="legal_aid_centre", towns=["城关镇", "东山镇"],
             categories=["labor"], fallback=True),
        desk(id="adviser", kind="village_adviser", villages=["桃园村"], categories=["labor"]),
        desk(id="xihe-sample", name="示例西河司法所（示例）", towns=["西河镇"], fallback=True,
             **sample),
        desk(id="xihe-real", towns=["西河镇"], categories=["labor"]),
    ]  # fmt: skip
    problems = check_desks(entries(*desks), towns, {"mediation", "labor"}, "desks.yaml")
    assert [(p.path, p.field, p.message) for p in problems] == [
        (
            "centre",
            "categories",
            "城关镇的 labor 留言同时归 chengguan 和 centre，只能归一个值班台：请从其中一个的 "
            "categories 里去掉",
        ),
        (
            "desks.yaml",
            "fallback",
            "城关镇 有 2 个兜底值班台（chengguan、centre），只能有一个：请只在其中一个写 "
            "fallback: true",
        ),
        (
            "xihe-sample",
            "fallback",
            "西河镇 的兜底值班台 xihe-sample 是示例值班台，但这里已有真实值班台 xihe-real：没有"
            "对口值班台的留言会没人收到，请把 fallback: true 改写到真实值班台",
        ),
    ]
    alone = desk(id="dongshan", towns=["东山镇"])
    assert check_desks(entries(alone), towns, {"mediation"}, "desks.yaml") == []
    assert fallback_desk([alone], "东山镇") == alone  # a town's only desk needs no mark
    other = desk(
        id="dongshan-aid", kind="legal_aid_centre", towns=["东山镇"], categories=["labor"]
    )
    [missing] = check_desks(entries(alone, other), towns, {"mediation", "labor"}, "desks.yaml")
    assert (missing.field, missing.message) == (
        "fallback",
        "东山镇 有几个值班台，但没有兜底值班台：请给其中一个写 fallback: true（可选：dongshan、"
        "dongshan-aid），没有对口值班台的留言会送到那里",
    )
    assert fallback_desk([alone, other], "东山镇") is None


def test_a_village_advisers_villages_must_be_in_its_towns() -> None:
    adviser = desk(kind="village_adviser", villages=["桃园村", "桃源村"])
    problems = check_desks(entries(adviser), {"城关镇": ["桃园村"]}, {"mediation"}, "desks.yaml")
    assert [(p.field, p.message) for p in problems] == [
        ("villages", "towns.yaml 里 城关镇 没有 '桃源村'")
    ]


def test_a_village_under_two_adviser_desks_is_refused_naming_both() -> None:
    towns = {"城关镇": ["桃园村", "新村"], "东山镇": ["新村"]}
    first = desk(id="taoyuan", kind="village_adviser", villages=["桃园村", "新村"])
    second = desk(id="xincun", kind="village_adviser", villages=["新村", "新村"])
    elsewhere = desk(id="dongshan", kind="village_adviser", towns=["东山镇"], villages=["新村"])
    problems = check_desks(entries(first, second, elsewhere), towns, {"mediation"}, "desks.yaml")
    assert [(p.path, p.field, p.message) for p in problems] == [
        ("xincun", "villages", "'新村' 写了两次"),
        (
            "xincun",
            "villages",
            "城关镇新村 同时写在 taoyuan 和 xincun 的 villages 里，"
            "一个村（社区）只能归一个法律顾问值班台",
        ),
    ]


def test_a_shipped_village_added_to_a_second_adviser_desk_fails_the_check(
    tmp_path: Path,
) -> None:
    content = copy_content(tmp_path)
    desks = content / "desks.yaml"
    text = desks.read_text(encoding="utf-8")
    second = text[text.index("- id: taoyuan-village-adviser") :].split("\n\n")[0]
    desks.write_text(
        text + "\n" + second.replace("id: taoyuan-village-adviser", "id: taoyuan-second") + "\n",
        encoding="utf-8",
    )
    library, problems = collect(content)
    assert library is None
    assert [str(p) for p in problems] == [
        f"{named(desks, '- id: taoyuan-second')}: villages: 示例县东山镇桃园村 同时写在 "
        "taoyuan-village-adviser 和 taoyuan-second 的 villages 里，"
        "一个村（社区）只能归一个法律顾问值班台"
    ]


def test_the_shipped_desks_are_samples_that_serve_every_town(library: Library) -> None:
    assert library.desks and all(d.sample and "示例" in d.name for d in library.desks)
    for d in library.desks:
        assert all(i in SAMPLE_STAFF_IDS for i in d.staff)
        assert d.staff_chat_id is None or d.staff_chat_id in SAMPLE_CHAT_IDS
    assert {t for d in library.desks for t in d.towns} == {t.town for t in library.towns}
    assert not any(w.path == "desks.yaml" for w in library.warnings)
    dongshan = "示例县东山镇"
    assert [d.id for d in desks_for(library.desks, town=dongshan, category="legal_aid")] == [
        "county-legal-aid-centre"
    ]
    assert [d.id for d in desks_for(library.desks, town=dongshan, category="rural")] == [
        "dongshan-judicial-office",
        "taoyuan-village-adviser",
    ]
    assert len(desks_for(library.desks)) == len(library.desks)


def test_the_shipped_holidays_are_a_marked_sample(library: Library) -> None:
    holidays = library.holidays
    assert holidays is not None and holidays.sample and "示例" in holidays.note
    assert holidays.is_closed(date(2026, 2, 18)) and holidays.is_closed(date(2027, 10, 3))
    assert holidays.is_makeup_workday(date(2026, 2, 14))
    assert all(w.date.weekday() >= 5 for w in holidays.workdays)
    adviser = next(d for d in library.desks if d.kind == "village_adviser")
    wednesday = datetime(2026, 12, 9, 10, 0, tzinfo=TZ)
    assert open_at(adviser, wednesday, holidays, TZ)
    assert next_opening(adviser, wednesday.replace(hour=12), holidays, TZ).day == 16


def test_problems_in_desks_and_holidays_name_file_and_field(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    desks = content / "desks.yaml"
    text = desks.read_text(encoding="utf-8")
    text = text.replace("towns: [示例县西河镇]", "towns: [示例县北山镇]")
    text = text.replace("categories: [legal_aid, labor]", "categories: [legal_aid, jobs]")
    text = text.replace("- id: dongshan-judicial-office", "- id: chengguan-judicial-office")
    text = text.replace("周三 09:00-12:00", "周三 9点到12点")
    text = text.replace(  # the 西河 mediation committee open one hour a week
        "staff_chat_id: -1000000000002\n  hours:\n    - 周一至周五 09:00-12:00, 14:00-17:00",
        "staff_chat_id: -1000000000002\n  hours:\n    - 周一 09:00-10:00",
    )
    desks.write_text(text, encoding="utf-8")
    holidays = content / "holidays.yaml"
    text = holidays.read_text(encoding="utf-8")
    text = text.replace("date: 2026-01-04", "date: 2026-01-05")
    text = text.replace("date: 2026-02-28", "date: 2026-02-21")
    text = text.replace(
        "first: 2026-06-19, last: 2026-06-21", "first: 2026-06-21, last: 2026-06-19"
    )
    text = text.replace(
        "first: 2026-09-25, last: 2026-09-27", "first: 2026-09-25, last: 2026-10-01"
    )
    text = text.replace("note: >-\n  示例数据", "note: >-\n  数据")
    holidays.write_text(text, encoding="utf-8")

    library, problems = collect(content)

    assert library is None
    found = {(p.path, p.field, p.message) for p in problems}
    centre, xihe = named(desks, "- id: county-legal-aid-centre"), named(desks, XIHE)
    assert found == {
        (
            named(desks, "- id: taoyuan-village-adviser", holding="9点到12点"),
            "hours.0",
            "时间 '9点到12点' 应写成 08:30-12:00",
        ),
        ("desks.yaml", "id", "重复的 id 'chengguan-judicial-office'"),
        (
            centre,
            "categories",
            "未知分类 'jobs'（categories.yaml 里没有），只能是：civil_code、constitution、"
            "consumer、disputes、fraud、labor、legal_aid、mediation、pufa、rural、security、youth",
        ),
        (xihe, "towns", "towns.yaml 里没有 '示例县北山镇'"),
        (
            xihe,
            "escalate_after_hours",
            "示例县西河镇人民调解委员会（示例） 每周只开放 1 小时，escalate_after_hours 的 12 "
            "个开放小时要约 12 周才到（最多 8 周）：请减少小时数或增加开放时间",
        ),
        ("holidays.yaml", "closed.4.last", "端午节: 结束早于开始"),
        ("holidays.yaml", "closed", "国庆节（2026-10-01）和中秋节的日期重叠"),
        ("holidays.yaml", "workdays.0.date", "2026-01-05 是周一，调休上班日应是周末"),
        ("holidays.yaml", "workdays.2.date", "2026-02-21 同时是放假日"),
        ("holidays.yaml", "note", "示例内容必须写明“示例”"),
    }
