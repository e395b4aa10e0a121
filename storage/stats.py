"""Coordinators' numbers for a period, computed by the database (GROUP BY), not in Python."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Executable, func, select
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import ANONYMOUS_ID, ActivityReport, ReportStatus, Volunteer
from storage.report_review import counted

TOP_VOLUNTEERS = 10


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("period ends before it starts")

    def instants(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """The period's local days as UTC-comparable instants [start, end)."""
        start = datetime.combine(self.start, time(), tz)
        return start, datetime.combine(self.end + timedelta(days=1), time(), tz)


@dataclass(frozen=True)
class Line:
    """One row of a breakdown: a town, an activity type or a volunteer."""

    key: str
    activities: int
    audience: int
    hours: float
    volunteers: int = 0


@dataclass(frozen=True)
class VolunteerLine:
    volunteer_id: int
    name: str
    town: str
    organisation: str
    phone: str
    activities: int
    audience: int
    hours: float
    first: date | None
    last: date | None


@dataclass(frozen=True)
class Stats:
    period: Period
    total: Line
    by_town: list[Line]
    by_type: list[Line]
    top_volunteers: list[VolunteerLine]
    # {week's Monday: {activity type: activities}}, every week of the period present.
    weekly: dict[date, dict[str, int]] = field(default_factory=dict)


async def _rows(session: AsyncSession, query: Executable) -> Sequence[Any]:
    connection = await session.connection()
    return (await connection.execute(query)).all()


def _in_period(period: Period) -> list[ColumnElement[bool]]:
    return [
        col(ActivityReport.status) == ReportStatus.SUBMITTED.value,
        counted(),
        col(ActivityReport.activity_date) >= period.start,
        col(ActivityReport.activity_date) <= period.end,
    ]


def _sums() -> tuple[Any, ...]:
    return (
        func.count().label("activities"),
        func.coalesce(func.sum(ActivityReport.audience), 0).label("audience"),
        func.coalesce(func.sum(ActivityReport.hours), 0.0).label("hours"),
        func.count(func.distinct(ActivityReport.volunteer_id)).label("volunteers"),
    )


def _line(key: str, row: Any) -> Line:
    return Line(key, int(row[0]), int(row[1]), round(float(row[2]), 2), int(row[3]))


async def _grouped(session: AsyncSession, period: Period, column: Any) -> list[Line]:
    query = (
        select(column, *_sums())
        .where(*_in_period(period))
        .group_by(column)
        .order_by(func.count().desc(), column)
    )
    return [_line(str(row[0]), row[1:]) for row in await _rows(session, query)]


async def period_stats(
    *, session: AsyncSession, period: Period, top: int = TOP_VOLUNTEERS, weekly: bool = True
) -> Stats:
    """The period's totals and breakdowns; `top` volunteers (0: none) and the weekly counts
    only when asked for (the dashboard's month needs neither)."""
    [total_row] = await _rows(session, select(*_sums()).where(*_in_period(period)))
    return Stats(
        period=period,
        total=_line("", total_row),
        by_town=await _grouped(session, period, ActivityReport.town),
        by_type=await _grouped(session, period, ActivityReport.activity_type),
        top_volunteers=(
            await volunteer_hours(session=session, period=period, limit=top) if top else []
        ),
        weekly=await _weekly(session, period) if weekly else {},
    )


async def _weekly(session: AsyncSession, period: Period) -> dict[date, dict[str, int]]:
    """Activities per day and type from the database (at most a few thousand rows), folded
    into weeks here: week arithmetic differs between SQLite and PostgreSQL."""
    query = (
        select(col(ActivityReport.activity_date), col(ActivityReport.activity_type), func.count())
        .where(*_in_period(period))
        .group_by(col(ActivityReport.activity_date), col(ActivityReport.activity_type))
    )
    weeks: dict[date, dict[str, int]] = {}
    monday = period.start - timedelta(days=period.start.weekday())
    while monday <= period.end:
        weeks[monday] = defaultdict(int)
        monday += timedelta(days=7)
    for day, kind, count in await _rows(session, query):
        weeks[day - timedelta(days=day.weekday())][kind] += int(count)
    return {week: dict(counts) for week, counts in weeks.items()}


async def volunteer_hours(
    *, session: AsyncSession, period: Period, limit: int | None = None
) -> list[VolunteerLine]:
    """Per volunteer: activities, people reached, hours, first and last activity date; the
    most hours first (for 志愿服务记录 certificates, where the hours of volunteers erased by
    /deleteme stay as one anonymous line so the totals add up). With `limit`, the top
    volunteers of a ranked list: people only, so the erased, who count under nobody, are left
    out rather than ranked as one person."""
    reports = _in_period(period)
    if limit is not None:
        reports.append(col(ActivityReport.volunteer_id) != ANONYMOUS_ID)
    per_volunteer = (
        select(
            col(ActivityReport.volunteer_id).label("vid"),
            func.count().label("activities"),
            func.coalesce(func.sum(ActivityReport.audience), 0).label("audience"),
            func.coalesce(func.sum(ActivityReport.hours), 0.0).label("hours"),
            func.min(ActivityReport.activity_date).label("first"),
            func.max(ActivityReport.activity_date).label("last"),
        )
        .where(*reports)
        .group_by(col(ActivityReport.volunteer_id))
        .subquery()
    )
    query = (
        select(
            per_volunteer,
            func.coalesce(Volunteer.name, ""),
            func.coalesce(Volunteer.town, ""),
            func.coalesce(Volunteer.organisation, ""),
            func.coalesce(Volunteer.phone, ""),
        )
        .outerjoin(Volunteer, col(Volunteer.telegram_id) == per_volunteer.c.vid)
        .order_by(per_volunteer.c.hours.desc(), per_volunteer.c.activities.desc())
        .order_by(per_volunteer.c.vid)
    )
    if limit is not None:
        query = query.limit(limit)
    rows = await _rows(session, query)
    return [
        VolunteerLine(
            volunteer_id=int(vid),
            name=name,
            town=town,
            organisation=organisation,
            phone=phone,
            activities=int(activities),
            audience=int(audience),
            hours=round(float(hours), 2),
            first=first,
            last=last,
        )
        for vid, activities, audience, hours, first, last, name, town, organisation, phone in rows
    ]


async def new_volunteers(*, session: AsyncSession, since: datetime, until: datetime) -> int:
    """Volunteers who joined in [since, until)."""
    query = select(func.count()).where(
        col(Volunteer.joined_at) >= since, col(Volunteer.joined_at) < until
    )
    [row] = await _rows(session, query)
    return int(row[0])
