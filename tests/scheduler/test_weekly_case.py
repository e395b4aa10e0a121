"""一周一案 rotation: each case once before any repeats, then the one sent longest ago; one
key per ISO week."""

from datetime import UTC, date, datetime, timedelta

from content.loader import Library
from scheduler.reminders import next_weekly_case, weekly_case_key

T0 = datetime(2026, 1, 2, 11, 0, tzinfo=UTC)


def test_each_case_once_then_the_oldest(library: Library) -> None:
    cases = list(library.cases.values())
    sent: dict[str, datetime] = {}
    order = []
    for week in range(len(cases) + 3):
        chosen = next_weekly_case(cases, sent)
        assert chosen is not None
        order.append(chosen.id)
        sent[chosen.id] = T0 + timedelta(weeks=week)
    assert sorted(order[: len(cases)]) == sorted(c.id for c in cases)
    assert order[len(cases) :] == order[:3]  # then round again, oldest first
    assert next_weekly_case([], {}) is None


def test_one_key_per_iso_week() -> None:
    assert weekly_case_key(date(2026, 3, 13)) == "case:2026-W11"
    assert weekly_case_key(date(2026, 3, 9)) == weekly_case_key(date(2026, 3, 15))
    assert weekly_case_key(date(2027, 1, 1)) == "case:2026-W53"
