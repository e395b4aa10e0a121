"""What the coordinators' spreadsheets read: the submitted reports of a period, streamed in
chunks (so a big export does not fill the memory). The hours per volunteer come from
storage.stats."""

from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import func, select
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import ActivityReport, Volunteer
from storage.reports import ReportFilter
from storage.stats import Period

CHUNK = 2000
ReportRow = tuple[Any, ...]  # see REPORT_ROW


# The columns of each ReportRow, in order.
REPORT_ROW = (
    "id",
    "volunteer",
    "phone",
    "town",
    "activity_type",
    "topics",
    "activity_date",
    "place",
    "lat",  # of a shared location, else empty
    "lon",
    "audience",
    "hours",
    "materials",
    "summary",
    "photos",
    "submitted_at",
    "review",
    "review_reason",
)


async def report_rows(
    *,
    session: AsyncSession,
    period: Period,
    chunk: int = CHUNK,
    only: ReportFilter | None = None,
) -> AsyncIterator[list[ReportRow]]:
    """Submitted reports with activity dates in the period (and matching `only`, the
    dashboard's filter), oldest first, `chunk` at a time: returned ones too, with their
    review, so that nothing disappears from the list."""
    report = ActivityReport
    query = (
        select(
            col(report.id),
            func.coalesce(Volunteer.name, ""),
            func.coalesce(Volunteer.phone, ""),
            col(report.town),
            col(report.activity_type),
            col(report.topics),
            col(report.activity_date),
            col(report.place),
            col(report.lat),
            col(report.lon),
            col(report.audience),
            col(report.hours),
            col(report.materials),
            col(report.summary),
            col(report.photo_file_ids),
            col(report.created_at),
            col(report.review),
            col(report.review_reason),
        )
        .outerjoin(Volunteer, col(Volunteer.telegram_id) == col(report.volunteer_id))
        .where(*(only or ReportFilter(period.start, period.end)).conditions())
        .order_by(col(report.activity_date), col(report.id))
        .execution_options(yield_per=chunk)
    )
    result = await session.stream(query)
    async for partition in result.partitions(chunk):
        yield [tuple(row) for row in partition]
