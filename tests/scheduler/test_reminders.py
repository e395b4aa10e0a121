from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from content.campaigns import Campaign
from content.loader import Library
from scheduler.reminders import (
    ReminderKind,
    expand,
    monthly_key,
    monthly_reminder_at,
    months_from,
    reminders_of,
)
from storage.audience import Audience

TZ = ZoneInfo("Asia/Shanghai")


def campaign(**fields: object) -> Campaign:
    base: dict[str, object] = {
        "id": "test-day",
        "name": "测试日",
        "kind": "fixed",
        "date": "12-04",
        "lead_days": [7, 0],
        "categories": ["constitution"],
        "message": "{when}（{period}）是<b>{name}</b>。",
        "volunteer_message": "<b>{name}</b> {start}开始：报名活动。",
    }
    return Campaign.model_validate(base | fields)


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TZ)


def test_fixed_day_gives_each_lead_for_residents_and_volunteers() -> None:
    found = expand([campaign()], local(2026, 1, 1), local(2027, 1, 1), TZ)
    assert [(r.send_at, r.role) for r in found] == [
        (local(2026, 11, 27, 9), ReminderKind.PUBLIC),
        (local(2026, 11, 27, 9), ReminderKind.VOLUNTEERS),
        (local(2026, 12, 4, 9), ReminderKind.PUBLIC),
        (local(2026, 12, 4, 9), ReminderKind.VOLUNTEERS),
    ]
    public = found[0]
    assert public.key == "campaign:test-day:2026:7:public"
    assert public.audience is Audience.CATEGORIES and public.audience_value == "constitution"
    assert public.text == "7 天后（12月4日）是<b>测试日</b>。"
    assert found[2].text.startswith("今天（12月4日）")


def test_the_window_is_half_open_and_covers_a_year_across_new_year() -> None:
    early = campaign(date="01-03", lead_days=[7])
    found = expand([early], local(2026, 12, 27, 9), local(2027, 12, 27, 9), TZ)
    # the reminder of 2027's edition falls on 2026-12-27 (in), 2028's on 2027-12-27 (out)
    assert [(r.year, r.send_at) for r in found if r.role is ReminderKind.PUBLIC] == [
        (2027, local(2026, 12, 27, 9))
    ]


def test_movable_week_default_file_override_and_coordinator_override() -> None:
    week = campaign(
        kind="movable",
        date=None,
        start="12-01",
        days=7,
        lead_days=[0],
        overrides={2027: date(2027, 11, 29)},
    )
    assert week.period(2026) == (date(2026, 12, 1), date(2026, 12, 7))
    assert week.period(2027) == (date(2027, 11, 29), date(2027, 12, 5))
    set_in_bot = {("test-day", 2026): (date(2026, 12, 3), date(2026, 12, 9))}
    [public, _] = reminders_of(week, 2026, TZ, set_in_bot)
    assert public.send_at == local(2026, 12, 3, 9)
    assert public.text == "今天（12月3日至12月9日）是<b>测试日</b>。"


def test_month_long_campaign_in_february_of_a_leap_year() -> None:
    february = campaign(kind="month", date=None, month=2, lead_days=[0])
    assert february.period(2028) == (date(2028, 2, 1), date(2028, 2, 29))
    assert february.period(2027) == (date(2027, 2, 1), date(2027, 2, 28))


def test_leap_day_campaigns_are_refused_and_kinds_need_their_fields() -> None:
    for bad in (
        {"date": "02-29"},
        {"date": "12-32"},
        {"kind": "month", "date": None},
        {"kind": "fixed", "month": 5},
        {"lead_days": [7, 7]},
        {"message": "{unknown} 占位符"},
        {"message": "<a href='x'>链接</a> 不行"},
        {"message": "没有结束的 <b>粗体"},
    ):
        with pytest.raises(ValidationError):
            campaign(**bad)


def test_send_time_is_local_time() -> None:
    evening = campaign(send_time=time(19, 30), lead_days=[0])
    [public, _] = reminders_of(evening, 2026, TZ, {})
    assert public.send_at == local(2026, 12, 4, 19, 30)
    assert public.send_at.utcoffset() == timedelta(hours=8)


def test_real_calendar_expands_to_every_campaign_of_the_coming_year(library: Library) -> None:
    now = local(2026, 11, 20, 12)
    found = expand(library.campaigns, now, now + timedelta(days=365), TZ)
    campaigns = {r.campaign.id for r in found}
    assert campaigns == {c.id for c in library.campaigns}
    assert all(now <= r.send_at < now + timedelta(days=365) for r in found)
    keys = [r.key for r in found]
    assert len(keys) == len(set(keys))


def test_month_end_reminder_on_a_short_month() -> None:
    assert monthly_reminder_at(2027, 2, 30, time(10), TZ) == local(2027, 2, 28, 10)
    assert monthly_reminder_at(2028, 2, 30, time(10), TZ) == local(2028, 2, 29, 10)
    assert months_from(date(2026, 12, 5), 2) == [(2026, 12), (2027, 1)]
    assert monthly_key(2027, 1) == "monthly:2027-01"
