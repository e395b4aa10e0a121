"""Which desk takes a message and when it should be answered, for any instant (hypothesis):
the shipped sample desks and holidays, in PUFA_TIMEZONE."""

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from content.desks import open_at
from content.loader import Library
from domain.tickets import adviser_desk, choose_desk, deadlines, expected_start
from tests.clock import TZ, local

INSTANTS = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2027, 6, 30), timezones=st.just(UTC)
)


@settings(max_examples=200, deadline=None)
@given(instant=INSTANTS, which=st.integers(min_value=0, max_value=100))
def test_deadlines_follow_the_next_opening(
    library: Library, instant: datetime, which: int
) -> None:
    desk = library.desks[which % len(library.desks)]
    opens = expected_start(desk, instant, library.holidays, TZ)
    due, escalate = deadlines(desk, instant, library.holidays, TZ)
    start = instant if opens is None else opens
    assert open_at(desk, start, library.holidays, TZ)
    assert start >= instant and (opens is None) == open_at(desk, instant, library.holidays, TZ)
    assert due == start + timedelta(hours=desk.reply_within_hours)
    assert escalate == start + timedelta(hours=desk.escalate_after_hours) > due
    if opens is not None:  # closed until then: no minute in between is open
        assert not open_at(desk, opens - timedelta(minutes=1), library.holidays, TZ) or (
            opens - timedelta(minutes=1) < instant
        )


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
    # no desk of the town takes the field: the town's first desk (never a village adviser)
    assert chosen("示例县东山镇", "fraud") == "dongshan-judicial-office"
    assert chosen("没有的镇", "labor") is None
    adviser = adviser_desk(desks, town="示例县东山镇", village="桃园村")
    assert adviser is not None
    assert choose_desk(desks, town="", category="", desk_id=adviser.id) == adviser
    assert adviser_desk(desks, town="示例县东山镇", village="石门村") is None
