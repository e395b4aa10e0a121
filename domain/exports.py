"""The coordinators' spreadsheets (reports of a period, hours per volunteer), as bytes, for
the chat, the CLI and the dashboard alike. Phone numbers are written only when asked for.
Rows are read in chunks and written in a worker thread, so a big export neither fills the
memory nor blocks the bot."""

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from content.loader import Library
from documents.tables import Cell, Format, Table, TableWriter
from domain.ranking import ranks
from storage.exports import REPORT_ROW as REPORT_COLUMNS
from storage.exports import report_rows
from storage.reports import ReportFilter
from storage.stats import Period, VolunteerLine, volunteer_hours

HOURS_COLUMNS = (
    "volunteer",
    "phone",
    "town",
    "organisation",
    "activities",
    "audience",
    "hours",
    "first_date",
    "last_date",
)


@dataclass(frozen=True)
class Labels:
    """How ids are shown: activity types, topic categories and indicator tags; headers by
    column name."""

    headers: Mapping[str, str]
    activity_types: Mapping[str, str]
    topics: Mapping[str, str]
    anonymous: str  # the name shown for someone who left or asked to be erased
    unknown_town: str  # the town shown where none was recorded
    reports_sheet: str  # the spreadsheets' sheet names
    hours_sheet: str
    review_states: Mapping[str, str]  # storage.models.ReviewState values
    returned_reason: str  # after 已退回: "退回原因：{reason}"
    list_separator: str  # between the topics of a report
    tz: tzinfo = UTC


def export_labels(library: Library, tz: ZoneInfo) -> Labels:
    texts = library.ui.volunteers
    return Labels(
        headers=texts.export_headers,
        activity_types=texts.activity_types,
        # categories, campaigns, and the indicators a volunteer or coordinator tagged the
        # report with
        topics={i.id: i.name for i in library.indicators}
        | {c.id: c.name for c in library.campaigns}
        | {c.id: c.name for c in library.categories},
        anonymous=texts.anonymous,
        unknown_town=library.ui.unknown_town,
        reports_sheet=library.ui.chat.reports_sheet,
        hours_sheet=library.ui.chat.hours_sheet,
        review_states=library.ui.review.states,
        returned_reason=library.ui.review.reason_line,
        list_separator=library.ui.list_separator,
        tz=tz,
    )


async def export_reports(
    *,
    session: AsyncSession,
    period: Period,
    fmt: Format,
    labels: Labels,
    with_phone: bool,
    only: ReportFilter | None = None,
) -> Table:
    """All submitted reports with activity dates in the period (those matching `only`, when
    the dashboard filtered them), oldest first, each with its review (a returned one is
    listed, its reason given, though no figure counts it)."""
    shown = [c for c in REPORT_COLUMNS if c != "review_reason"]
    columns = [c for c in shown if with_phone or c != "phone"]
    writer = TableWriter(fmt, labels.reports_sheet, [labels.headers[c] for c in columns])
    writing: asyncio.Future[None] | None = None
    async for chunk in report_rows(session=session, period=period, only=only):
        rows = [_report_row(row, labels, columns) for row in chunk]
        if writing is not None:
            await writing
        # The next chunk is read while this one is written (one chunk at a time in memory).
        writing = asyncio.ensure_future(asyncio.to_thread(writer.add_rows, rows))
    if writing is not None:
        await writing
    return await asyncio.to_thread(writer.table)


def _report_row(row: tuple[Any, ...], labels: Labels, columns: list[str]) -> list[Cell]:
    (rid, name, phone, town, kind, topics, day, place, lat, lon, audience, hours, materials,
     summary, photos, created, review, reason) = row  # fmt: skip
    state = labels.review_states.get(review, review)
    values: dict[str, Cell] = {
        "id": rid,
        "volunteer": name or labels.anonymous,
        "phone": phone,
        "town": town or labels.unknown_town,
        "activity_type": labels.activity_types.get(kind, kind),
        "topics": labels.list_separator.join(
            labels.topics.get(t, t) for t in topics.split(",") if t
        ),
        "activity_date": day,
        "place": place,
        "lat": lat,
        "lon": lon,
        "audience": audience,
        "hours": hours,
        "materials": materials,
        "summary": summary,
        "photos": photos.count(",") + 1 if photos else 0,
        "submitted_at": created.astimezone(labels.tz).replace(
            tzinfo=None, second=0, microsecond=0
        ),
        "review": f"{state} {labels.returned_reason.format(reason=reason)}" if reason else state,
    }
    return [values[c] for c in columns]


async def export_hours(
    *, session: AsyncSession, period: Period, fmt: Format, labels: Labels, with_phone: bool
) -> Table:
    """Hours per volunteer in the period (for 志愿服务记录 certificates)."""
    columns = [c for c in HOURS_COLUMNS if with_phone or c != "phone"]
    writer = TableWriter(fmt, labels.hours_sheet, [labels.headers[c] for c in columns])
    lines = await volunteer_hours(session=session, period=period)
    rows = [_hours_row(line, labels, columns) for line in lines]
    await asyncio.to_thread(writer.add_rows, rows)
    return await asyncio.to_thread(writer.table)


def hours_ranks(lines: Sequence[VolunteerLine]) -> list[int]:
    """The ranks of volunteers in `volunteer_hours` order (most hours first): the same hours
    is the same rank."""
    return ranks([line.hours for line in lines])


def _hours_row(line: VolunteerLine, labels: Labels, columns: list[str]) -> list[Cell]:
    values: dict[str, Cell] = {
        "volunteer": line.name or labels.anonymous,
        "phone": line.phone,
        "town": line.town or labels.unknown_town,
        "organisation": line.organisation,
        "activities": line.activities,
        "audience": line.audience,
        "hours": line.hours,
        "first_date": line.first,
        "last_date": line.last,
    }
    return [values[c] for c in columns]
