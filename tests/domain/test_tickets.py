"""Which desk takes a message and when it should be answered, for any instant (hypothesis):
the shipped sample desks and holidays, in PUFA_TIMEZONE."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from content.desks import MAX_DEADLINE_WEEKS, Desk, open_at
from content.loader import Library
from content.office_hours import Holidays, shifts_on
from domain.tickets import (
    ADVISER_CATEGORY,
    adviser_category,
    adviser_desk,
    choose_desk,
    deadlines,
    expected_start,
    too_short,
    typed_number,
)
from tests.clock import TZ, local

INSTANTS = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2027, 6, 30), timezones=st.just(UTC)
)


def open_between(
    desk: Desk, start: datetime, end: datetime, holidays: Holidays | None
) -> timedelta:
    """How long the desk is open between two instants: an oracle independent of
    after_open_hours (each day's shifts clipped to the interval)."""
    first, last = start.astimezone(TZ), end.astimezone(TZ)
    total, day = timedelta(), first.date()
    while day <= last.date():
        for opens, closes in shifts_on(desk.hours, day, holidays):
            begin = max(first, datetime.combine(day, opens, tzinfo=TZ))
            finish = min(last, datetime.combine(day, closes, tzinfo=TZ))
            total += max(timedelta(), finish - begin)
        day += timedelta(days=1)
    return total


@settings(max_examples=200, deadline=None)
@given(instant=INSTANTS, which=st.integers(min_value=0, max_value=100))
def test_deadlines_count_open_hours_only(library: Library, instant: datetime, which: int) -> None:
    desk = library.desks[which % len(library.desks)]
    holidays = library.holidays
    due, escalate = deadlines(desk, instant, holidays, TZ)
    assert instant < due < escalate
    assert open_between(desk, instant, due, holidays) == timedelta(hours=desk.reply_within_hours)
    assert open_between(desk, instant, escalate, holidays) == timedelta(
        hours=desk.escalate_after_hours
    )
    # The deadline is the first moment the hours are reached: open just before it.
    assert open_at(desk, due - timedelta(seconds=1), holidays, TZ)
    # Never sooner than the wall clock would say, never more than the content check allows.
    assert due >= instant + timedelta(hours=desk.reply_within_hours)
    assert escalate - instant < timedelta(weeks=MAX_DEADLINE_WEEKS + 3)  # + a long holiday


@pytest.mark.parametrize(
    ("desk_id", "left", "due", "escalate"),
    [
        # Friday evening: nothing counts before Monday's opening; 7 open hours is Monday's
        # whole day, 14 is Tuesday's.
        ("chengguan-judicial-office", local(2026, 3, 13, 18), local(2026, 3, 16, 17, 30),
         local(2026, 3, 17, 17, 30)),
        # Tuesday 10:00: 2 hours to lunch, 3.5 in the afternoon, 1.5 on Wednesday morning.
        ("chengguan-judicial-office", local(2026, 3, 10, 10), local(2026, 3, 11, 10),
         local(2026, 3, 12, 10)),
        # The eve of 清明节 (4-6 April closed): from Tuesday 7 April.
        ("chengguan-judicial-office", local(2026, 4, 3, 18), local(2026, 4, 7, 17, 30),
         local(2026, 4, 8, 17, 30)),
        # The village adviser, open Wednesday mornings only: one session, then two.
        ("taoyuan-village-adviser", local(2026, 3, 11, 12), local(2026, 3, 18, 12),
         local(2026, 3, 25, 12)),
        # 南湖 works Saturday mornings: Friday evening's message counts 3 hours there.
        ("nanhu-judicial-office", local(2026, 3, 13, 18), local(2026, 3, 16, 12),
         local(2026, 3, 17, 12)),
    ],
)  # fmt: skip
def test_deadlines_at_fixed_instants(
    library: Library, desk_id: str, left: datetime, due: datetime, escalate: datetime
) -> None:
    desk = next(d for d in library.desks if d.id == desk_id)
    assert deadlines(desk, left, library.holidays, TZ) == (due, escalate)


def test_holidays_and_lunch_breaks_close_the_desks(library: Library) -> None:
    desk = next(d for d in library.desks if d.id == "chengguan-judicial-office")
    holidays = library.holidays
    assert expected_start(desk, local(2026, 10, 8, 9), holidays, TZ) is None
    assert expected_start(desk, local(2026, 10, 2, 9), holidays, TZ) == local(2026, 10, 8, 8, 30)
    assert expected_start(desk, local(2026, 3, 10, 12), holidays, TZ) == local(2026, 3, 10, 14)
    # 2026-09-20 is a Sunday worked for 国庆节 (调休): Monday's hours.
    assert expected_start(desk, local(2026, 9, 20, 9), holidays, TZ) is None


def test_messages_go_to_the_towns_desk_for_their_field(library: Library) -> None:
    desks = library.desks

    def chosen(town: str, category: str) -> str | None:
        desk = choose_desk(desks, town=town, category=category)
        return desk.id if desk is not None else None

    assert chosen("示例县东山镇", "legal_aid") == "county-legal-aid-centre"
    assert chosen("示例县东山镇", "rural") == "dongshan-judicial-office"
    # no desk of the town takes the field: the town's 兜底 desk (never a village adviser)
    assert chosen("示例县东山镇", "fraud") == "dongshan-judicial-office"
    assert chosen("示例县西河镇", "fraud") == "xihe-mediation-committee"
    # the file's order decides nothing
    for town in (t.town for t in library.towns):
        for category in (c.id for c in library.categories):
            reordered = choose_desk(desks[::-1], town=town, category=category)
            assert reordered == choose_desk(desks, town=town, category=category) is not None
    assert chosen("没有的镇", "labor") is None
    adviser = adviser_desk(desks, town="示例县东山镇", village="桃园村")
    assert adviser is not None
    assert choose_desk(desks, town="", category="", desk_id=adviser.id) == adviser
    assert adviser_desk(desks, town="示例县东山镇", village="石门村") is None


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("13912345678", "13912345678"),
        ("+86 139-1234-5678", "13912345678"),
        ("１３９ １２３４ ５６７８", "13912345678"),
        ("1391234567", None),  # ten digits
        ("12345678901", None),  # not 1[3-9]
        ("0571-88886666", None),  # a landline cannot be called back from a mobile list
        ("好的，谢谢", ""),  # text, not a number
        ("我的电话13912345678", ""),
    ],
)
def test_a_typed_mobile_number(typed: str, number: str | None) -> None:
    assert typed_number(typed) == number


def test_a_message_of_five_characters_is_enough() -> None:
    assert too_short("短") and too_short("欠 薪 了") and not too_short("老板 欠薪了")


def test_a_message_for_an_adviser_keeps_the_field_it_came_with_else_the_neutral_one(
    library: Library,
) -> None:
    ids = [c.id for c in library.categories]
    assert ADVISER_CATEGORY in ids  # the shipped content has 法律援助与公共法律服务
    assert adviser_category(ids, "labor") == "labor"
    assert adviser_category(ids, "") == ADVISER_CATEGORY
    assert adviser_category(ids, "no-such-field") == ADVISER_CATEGORY
    assert adviser_category([i for i in ids if i != ADVISER_CATEGORY], "") is None
