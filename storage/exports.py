"""Spreadsheets of reports and volunteer hours: XLSX (storage.xlsx, streamed) and CSV.

A cell a spreadsheet program would run as a formula (text starting with = + - @, or a tab or
carriage return that hides one) gets a leading single quote. Phone numbers are written only
when `with_phone` is set (coordinators' exports). Rows are read in chunks and written in a
worker thread, so a big export neither fills the memory nor blocks the bot.
"""

import asyncio
import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from typing import Any, Literal

from sqlalchemy import func, select
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import ActivityReport, ReportStatus, Volunteer
from storage.stats import Period, VolunteerLine, volunteer_hours
from storage.xlsx import XlsxWriter

Format = Literal["xlsx", "csv"]
Cell = str | int | float | date | datetime | None
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 2000
# Control characters XML (so XLSX) cannot hold; the same set openpyxl refuses.
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

REPORT_COLUMNS = (
    "id",
    "volunteer",
    "phone",
    "town",
    "activity_type",
    "topics",
    "activity_date",
    "place",
    "audience",
    "hours",
    "materials",
    "summary",
    "photos",
    "submitted_at",
)
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
    """How ids are shown: activity types and topic categories; headers by column name."""

    headers: Mapping[str, str]
    activity_types: Mapping[str, str]
    topics: Mapping[str, str]
    anonymous: str  # the name shown for someone who left or asked to be erased
    tz: tzinfo = UTC


def neutralise(value: str) -> str:
    """Text that cannot run as a formula in Excel, WPS or LibreOffice."""
    return "'" + value if value.startswith(FORMULA_TRIGGERS) else value


def _safe(value: Cell) -> Cell:
    if isinstance(value, str):
        return neutralise(ILLEGAL_CHARACTERS.sub("", value))
    return value


class TableWriter:
    """One sheet, appended to in chunks, then `finish()`ed into the file's bytes."""

    def __init__(self, fmt: Format, title: str, headers: Sequence[str]) -> None:
        self.fmt = fmt
        self._text = io.StringIO()
        self._csv = csv.writer(self._text, lineterminator="\r\n")
        self._xlsx = XlsxWriter(title) if fmt == "xlsx" else None
        self.add_rows([list(headers)], bold=True)

    def add_rows(self, rows: Sequence[Sequence[Cell]], *, bold: bool = False) -> None:
        safe = [[_safe(value) for value in row] for row in rows]
        if self._xlsx is not None:
            self._xlsx.add_rows(safe, bold=bold)
            return
        for cells in safe:
            self._csv.writerow(["" if c is None else _csv_text(c) for c in cells])

    def finish(self) -> bytes:
        if self._xlsx is not None:
            return self._xlsx.finish()
        # With a byte-order mark, Excel opens UTF-8 Chinese text correctly.
        return self._text.getvalue().encode("utf-8-sig")


def _csv_text(value: Cell) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat() if isinstance(value, date) else str(value)


async def export_reports(
    *, session: AsyncSession, period: Period, fmt: Format, labels: Labels, with_phone: bool
) -> bytes:
    """All submitted reports with activity dates in the period, oldest first."""
    columns = [c for c in REPORT_COLUMNS if with_phone or c != "phone"]
    writer = TableWriter(fmt, "reports", [labels.headers[c] for c in columns])
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
            col(report.audience),
            col(report.hours),
            col(report.materials),
            col(report.summary),
            col(report.photo_file_ids),
            col(report.created_at),
        )
        .outerjoin(Volunteer, col(Volunteer.telegram_id) == col(report.volunteer_id))
        .where(
            col(report.status) == ReportStatus.SUBMITTED.value,
            col(report.activity_date) >= period.start,
            col(report.activity_date) <= period.end,
        )
        .order_by(col(report.activity_date), col(report.id))
        .execution_options(yield_per=CHUNK)
    )
    result = await session.stream(query)
    writing: asyncio.Future[None] | None = None
    async for partition in result.partitions(CHUNK):
        rows = [_report_row(tuple(row), labels, columns) for row in partition]
        if writing is not None:
            await writing
        # The next chunk is read while this one is written (one chunk at a time in memory).
        writing = asyncio.ensure_future(asyncio.to_thread(writer.add_rows, rows))
    if writing is not None:
        await writing
    return await asyncio.to_thread(writer.finish)


def _report_row(row: tuple[Any, ...], labels: Labels, columns: list[str]) -> list[Cell]:
    (rid, name, phone, town, kind, topics, day, place, audience, hours, materials, summary,
     photos, created) = row  # fmt: skip
    values: dict[str, Cell] = {
        "id": rid,
        "volunteer": name or labels.anonymous,
        "phone": phone,
        "town": town,
        "activity_type": labels.activity_types.get(kind, kind),
        "topics": "、".join(labels.topics.get(t, t) for t in topics.split(",") if t),
        "activity_date": day,
        "place": place,
        "audience": audience,
        "hours": hours,
        "materials": materials,
        "summary": summary,
        "photos": photos.count(",") + 1 if photos else 0,
        "submitted_at": created.astimezone(labels.tz).replace(
            tzinfo=None, second=0, microsecond=0
        ),
    }
    return [values[c] for c in columns]


async def export_hours(
    *, session: AsyncSession, period: Period, fmt: Format, labels: Labels, with_phone: bool
) -> bytes:
    """Hours per volunteer in the period (for 志愿服务记录 certificates)."""
    columns = [c for c in HOURS_COLUMNS if with_phone or c != "phone"]
    writer = TableWriter(fmt, "hours", [labels.headers[c] for c in columns])
    lines = await volunteer_hours(session=session, period=period)
    rows = [_hours_row(line, labels, columns) for line in lines]
    await asyncio.to_thread(writer.add_rows, rows)
    return await asyncio.to_thread(writer.finish)


def _hours_row(line: VolunteerLine, labels: Labels, columns: list[str]) -> list[Cell]:
    values: dict[str, Cell] = {
        "volunteer": line.name or labels.anonymous,
        "phone": line.phone,
        "town": line.town,
        "organisation": line.organisation,
        "activities": line.activities,
        "audience": line.audience,
        "hours": line.hours,
        "first_date": line.first,
        "last_date": line.last,
    }
    return [values[c] for c in columns]
