"""The yearly calendar turned into dated reminders, the volunteers' month-end nudge and the
weekly case (一周一案) in rotation.

Pure functions of the calendar, the per-year date overrides and a time window: the timing
service stores what they produce (keyed, so expanding again creates nothing twice).
"""

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from content.campaigns import Campaign, render
from content.case_library import Case
from storage.audience import Audience

Overrides = Mapping[tuple[str, int], tuple[date, date]]


class ReminderKind(StrEnum):
    PUBLIC = "public"  # subscribers of the campaign's categories
    VOLUNTEERS = "volunteers"  # the call to action


@dataclass(frozen=True)
class Reminder:
    campaign: Campaign
    year: int
    lead_days: int
    role: ReminderKind
    first: date
    last: date
    send_at: datetime

    @property
    def key(self) -> str:
        return reminder_key(self.campaign.id, self.year, self.lead_days, self.role)

    @property
    def audience(self) -> Audience:
        return Audience.CATEGORIES if self.role is ReminderKind.PUBLIC else Audience.VOLUNTEERS

    @property
    def audience_value(self) -> str:
        values = (
            self.campaign.categories
            if self.role is ReminderKind.PUBLIC
            else self.campaign.volunteer_towns
        )
        return ",".join(values)

    @property
    def text(self) -> str:
        """As sent at its slot (re-rendered if it goes out at another time)."""
        return self.text_on(self.send_at.date())

    def text_on(self, day: date) -> str:
        template = (
            self.campaign.message
            if self.role is ReminderKind.PUBLIC
            else self.campaign.volunteer_message
        )
        return render(template, self.campaign, self.first, self.last, day)


def reminder_key(campaign_id: str, year: int, lead_days: int, role: ReminderKind) -> str:
    return f"campaign:{campaign_id}:{year}:{lead_days}:{role.value}"


def reminders_of(
    campaign: Campaign, year: int, tz: ZoneInfo, overrides: Overrides
) -> list[Reminder]:
    """Every reminder of one campaign's `year` edition (some may fall in the year before)."""
    first, last = campaign.period(year, overrides.get((campaign.id, year)))
    roles = (
        [ReminderKind.PUBLIC, ReminderKind.VOLUNTEERS]
        if campaign.volunteers
        else [ReminderKind.PUBLIC]
    )
    return [
        Reminder(
            campaign,
            year,
            lead,
            role,
            first,
            last,
            datetime.combine(first - timedelta(days=lead), campaign.send_time, tz),
        )
        for lead in campaign.lead_days
        for role in roles
    ]


def reminder_of(
    campaign: Campaign,
    year: int,
    lead_days: int,
    audience: Audience,
    tz: ZoneInfo,
    overrides: Overrides,
) -> Reminder:
    """The reminder a stored campaign row stands for."""
    role = ReminderKind.PUBLIC if audience is Audience.CATEGORIES else ReminderKind.VOLUNTEERS
    first, last = campaign.period(year, overrides.get((campaign.id, year)))
    send_at = datetime.combine(first - timedelta(days=lead_days), campaign.send_time, tz)
    return Reminder(campaign, year, lead_days, role, first, last, send_at)


def expand(
    campaigns: Iterable[Campaign],
    start: datetime,
    end: datetime,
    tz: ZoneInfo,
    overrides: Overrides | None = None,
) -> list[Reminder]:
    """Reminders due in [start, end), by time. A reminder belongs to the edition it announces,
    so one sent on 12-28 for a campaign on 01-04 is that next year's."""
    overrides = overrides or {}
    found = [
        reminder
        for campaign in campaigns
        for year in range(start.astimezone(tz).year - 1, end.astimezone(tz).year + 2)
        for reminder in reminders_of(campaign, year, tz, overrides)
        if start <= reminder.send_at < end
    ]
    return sorted(found, key=lambda r: (r.send_at, r.campaign.id, r.role.value))


def next_weekly_case(cases: Iterable[Case], sent: Mapping[str, datetime]) -> Case | None:
    """The next case for the weekly push: the first (in library order) not sent yet to its
    audience (`sent`: case id -> when it was last sent or is scheduled); once all were, the
    one sent longest ago."""
    ordered = list(cases)
    fresh = [case for case in ordered if case.id not in sent]
    if fresh:
        return fresh[0]
    return min(ordered, key=lambda case: sent[case.id], default=None)


def weekly_case_key(day: date) -> str:
    """The weekly case push of the ISO week of `day` (一周一案)."""
    year, week, _ = day.isocalendar()
    return f"case:{year}-W{week:02d}"


def monthly_key(year: int, month: int) -> str:
    return f"monthly:{year:04d}-{month:02d}"


def monthly_reminder_at(year: int, month: int, day: int, at: time, tz: ZoneInfo) -> datetime:
    """The month-end nudge: on `day` (or the month's last day if shorter) at `at`."""
    last = calendar.monthrange(year, month)[1]
    return datetime.combine(date(year, month, min(day, last)), at, tz)


def months_from(today: date, count: int) -> list[tuple[int, int]]:
    months, year, month = [], today.year, today.month
    for _ in range(count):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months
