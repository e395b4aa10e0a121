"""Activity reports: submit once per draft, list one's own, edit or withdraw within a window."""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, case, func, literal, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.db import conflict_insert
from storage.evidence import MAX_TOPICS_CHARS
from storage.models import ActivityReport, ReportStatus, ReviewState, Volunteer
from storage.report_review import counted, reopen


@dataclass(frozen=True)
class ReportData:
    """A checked report, as plain values (see content.report_input for the checks)."""

    activity_type: str
    activity_date: date
    place: str
    audience: int
    hours: float
    summary: str
    town: str = ""
    topics: tuple[str, ...] = ()
    lat: float | None = None
    lon: float | None = None
    materials: int | None = None
    photo_file_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class SubmitResult:
    report_id: int
    created: bool  # False: this submission key was already used (a double-pressed 提交)


@dataclass(frozen=True)
class StoredReport:
    id: int
    volunteer_id: int
    data: ReportData
    status: str
    created_at: datetime
    updated_at: datetime  # submitted or last corrected (storage.report_review.revision)
    review: str = ReviewState.PENDING.value
    review_reason: str = ""
    reviewer: str = ""

    def editable(self, now: datetime, window: timedelta) -> bool:
        return self.status == ReportStatus.SUBMITTED.value and now - self.created_at <= window


@dataclass(frozen=True)
class Totals:
    activities: int = 0
    audience: int = 0
    hours: float = 0.0
    returned: int = 0  # reports a coordinator returned, left out of the figures above


class Change(StrEnum):
    OK = "ok"
    NOT_FOUND = "not_found"  # no such report of this volunteer's
    TOO_LATE = "too_late"
    WITHDRAWN = "withdrawn"


def _columns(data: ReportData) -> dict[str, object]:
    return {
        "town": data.town,
        "activity_type": data.activity_type,
        "topics": ",".join(data.topics),
        "activity_date": data.activity_date,
        "place": data.place,
        "lat": data.lat,
        "lon": data.lon,
        "audience": data.audience,
        "hours": data.hours,
        "materials": data.materials,
        "summary": data.summary,
        "photo_file_ids": ",".join(data.photo_file_ids),
    }


def _data(row: ActivityReport) -> ReportData:
    return ReportData(
        activity_type=row.activity_type,
        activity_date=row.activity_date,
        place=row.place,
        audience=row.audience,
        hours=row.hours,
        summary=row.summary,
        town=row.town,
        topics=tuple(t for t in row.topics.split(",") if t),
        lat=row.lat,
        lon=row.lon,
        materials=row.materials,
        photo_file_ids=tuple(p for p in row.photo_file_ids.split(",") if p),
    )


def _stored(row: ActivityReport) -> StoredReport:
    assert row.id is not None
    return StoredReport(
        row.id,
        row.volunteer_id,
        _data(row),
        row.status,
        row.created_at,
        row.updated_at,
        row.review,
        row.review_reason,
        row.reviewer,
    )


async def submit_report(
    *,
    session: AsyncSession,
    volunteer_id: int,
    data: ReportData,
    submission_key: str,
    now: datetime,
) -> SubmitResult:
    """Insert the report unless its submission key was used before. Safe against double
    presses and concurrent submissions: the key is UNIQUE and a conflict inserts nothing."""
    values = {
        **_columns(data),
        "volunteer_id": volunteer_id,
        "status": ReportStatus.SUBMITTED.value,
        "submission_key": submission_key,
        "created_at": now,
        "updated_at": now,
    }
    insert = conflict_insert(session)
    statement = (
        insert(ActivityReport)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["submission_key"])
        .returning(col(ActivityReport.id))
    )
    inserted = (await session.exec(statement)).scalar_one_or_none()
    if inserted is not None:
        return SubmitResult(inserted, True)
    existing = await report_by_key(session=session, submission_key=submission_key)
    assert existing is not None
    return SubmitResult(existing.id, False)


async def report_by_key(*, session: AsyncSession, submission_key: str) -> StoredReport | None:
    query = select(ActivityReport).where(col(ActivityReport.submission_key) == submission_key)
    row = (await session.exec(query)).first()
    return _stored(row) if row is not None else None


async def get_report(*, session: AsyncSession, report_id: int) -> StoredReport | None:
    row = await session.get(ActivityReport, report_id)
    return _stored(row) if row is not None else None


async def own_reports(
    *, session: AsyncSession, volunteer_id: int, limit: int = 10
) -> list[StoredReport]:
    """The volunteer's latest reports (withdrawn ones too), newest activity first."""
    query = (
        select(ActivityReport)
        .where(col(ActivityReport.volunteer_id) == volunteer_id)
        .order_by(col(ActivityReport.activity_date).desc(), col(ActivityReport.id).desc())
        .limit(limit)
    )
    return [_stored(row) for row in (await session.exec(query)).all()]


async def own_totals(
    *, session: AsyncSession, volunteer_id: int, start: date, end: date
) -> Totals:
    """Submitted activities, people reached and hours with activity dates in [start, end]
    (not those a coordinator returned: how many were is `returned`)."""
    counts = counted()
    query = select(
        func.coalesce(func.sum(case((counts, 1), else_=0)), 0),
        func.coalesce(func.sum(case((counts, ActivityReport.audience), else_=0)), 0),
        func.coalesce(func.sum(case((counts, ActivityReport.hours), else_=0.0)), 0.0),
        func.coalesce(func.sum(case((counts, 0), else_=1)), 0),
    ).where(
        col(ActivityReport.volunteer_id) == volunteer_id,
        col(ActivityReport.status) == ReportStatus.SUBMITTED.value,
        col(ActivityReport.activity_date) >= start,
        col(ActivityReport.activity_date) <= end,
    )
    count, audience, hours, returned = (await session.exec(query)).one()
    return Totals(int(count), int(audience), round(float(hours), 2), int(returned))


async def _own_changeable(
    session: AsyncSession, report_id: int, volunteer_id: int, now: datetime, window: timedelta
) -> tuple[Change, ActivityReport | None]:
    row = await session.get(ActivityReport, report_id)
    if row is None or row.volunteer_id != volunteer_id:
        return Change.NOT_FOUND, None
    if row.status == ReportStatus.WITHDRAWN.value:
        return Change.WITHDRAWN, None
    if now - row.created_at > window:
        return Change.TOO_LATE, None
    return Change.OK, row


async def edit_report(
    *,
    session: AsyncSession,
    report_id: int,
    volunteer_id: int,
    data: ReportData,
    window: timedelta,
    now: datetime,
    topics_before: Sequence[str] | None = None,
) -> Change:
    """Corrects the volunteer's own report within the edit window. `topics_before`: the
    topics when the correction began; given, a tag a coordinator added or removed meanwhile
    (/tag) is kept as they left it, and only what the volunteer changed is changed. A report
    a coordinator had verified or returned is pending again."""
    change, row = await _own_changeable(session, report_id, volunteer_id, now, window)
    if row is None:
        return change
    columns = _columns(data)
    if topics_before is not None:  # apply the volunteer's changes to the topics as they are now
        now_stored = [t for t in row.topics.split(",") if t]
        merged = ",".join(merge_topics(now_stored, topics_before, data.topics))
        if len(merged) <= MAX_TOPICS_CHARS:  # else the volunteer's own list, as they saw it
            columns["topics"] = merged
    for name, value in columns.items():
        setattr(row, name, value)
    row.updated_at = now
    reopen(row)
    session.add(row)
    return Change.OK


def merge_topics(
    now_stored: Sequence[str], before: Sequence[str], edited: Sequence[str]
) -> list[str]:
    """The stored topics with one person's edit applied: what they added (in `edited`, not
    `before`) added, what they removed (in `before`, not `edited`) removed, the rest as it
    is stored now."""
    removed = set(before) - set(edited)
    added = [t for t in edited if t not in before]
    kept = [t for t in now_stored if t not in removed]
    return list(dict.fromkeys([*kept, *added]))


async def withdraw_report(
    *,
    session: AsyncSession,
    report_id: int,
    volunteer_id: int,
    window: timedelta,
    now: datetime,
) -> Change:
    change, row = await _own_changeable(session, report_id, volunteer_id, now, window)
    if row is None:
        return change
    row.status, row.updated_at = ReportStatus.WITHDRAWN.value, now
    session.add(row)
    return Change.OK


async def unnotified_reports(
    *, session: AsyncSession, limit: int = 200, created_before: datetime | None = None
) -> list[StoredReport]:
    """Submitted reports coordinators have not been told about yet, oldest first."""
    query = (
        select(ActivityReport)
        .where(
            col(ActivityReport.notified_at).is_(None),
            col(ActivityReport.status) == ReportStatus.SUBMITTED.value,
        )
        .order_by(col(ActivityReport.id))
        .limit(limit)
    )
    if created_before is not None:
        query = query.where(col(ActivityReport.created_at) < created_before)
    return [_stored(row) for row in (await session.exec(query)).all()]


async def mark_notified(*, session: AsyncSession, report_ids: list[int], now: datetime) -> None:
    if report_ids:
        await session.exec(
            update(ActivityReport)
            .where(col(ActivityReport.id).in_(report_ids))
            .values(notified_at=now)
        )


def with_town(data: ReportData, town: str) -> ReportData:
    return replace(data, town=town)


@dataclass(frozen=True)
class ReportFilter:
    """Which submitted reports a coordinator looks at (and exports): activity dates in
    [start, end] and, where given, one town, activity type, volunteer, topic (a category
    or campaign id among the report's topics) and review state (a ReviewState value)."""

    start: date
    end: date
    town: str = ""
    activity_type: str = ""
    volunteer_id: int | None = None
    topic: str = ""
    review: str = ""

    def conditions(self) -> list[ColumnElement[bool]]:
        report = ActivityReport
        found = [
            col(report.status) == ReportStatus.SUBMITTED.value,
            col(report.activity_date) >= self.start,
            col(report.activity_date) <= self.end,
        ]
        if self.town:
            found.append(col(report.town) == self.town)
        if self.activity_type:
            found.append(col(report.activity_type) == self.activity_type)
        if self.volunteer_id is not None:
            found.append(col(report.volunteer_id) == self.volunteer_id)
        if self.topic:  # topics are stored "a,b,c": match a whole id
            padded = literal(",") + col(report.topics) + literal(",")
            found.append(padded.contains(f",{self.topic},", autoescape=True))
        if self.review:
            found.append(col(report.review) == self.review)
        return found


@dataclass(frozen=True)
class ListedReport:
    report: StoredReport
    volunteer_name: str


async def find_reports(
    *, session: AsyncSession, where: ReportFilter, offset: int, limit: int
) -> tuple[list[ListedReport], int]:
    """A page of the filtered reports, newest activity first, and how many there are. The
    page's ids are found in the covering index first (migration 0010), then only those rows
    are read."""
    report = ActivityReport
    conditions = where.conditions()
    total = (await session.exec(select(func.count()).select_from(report).where(*conditions))).one()
    newest = (col(report.activity_date).desc(), col(report.id).desc())
    ids = (
        await session.exec(
            select(col(report.id)).where(*conditions).order_by(*newest).offset(offset).limit(limit)
        )
    ).all()
    query = (
        select(report, func.coalesce(Volunteer.name, ""))
        .outerjoin(Volunteer, col(Volunteer.telegram_id) == col(report.volunteer_id))
        .where(col(report.id).in_(list(ids)))
        .order_by(*newest)
    )
    rows = (await session.exec(query)).all()
    return [ListedReport(_stored(row), name) for row, name in rows], int(total)


async def pending_reports(
    *, session: AsyncSession, where: ReportFilter, limit: int, among: Sequence[int] | None = None
) -> tuple[list[tuple[int, datetime]], int]:
    """The ids of the filtered reports still 待审核, each with its `updated_at` (the oldest
    first, at most `limit`; only those in `among` when given) and how many there are in all."""
    report = ActivityReport
    conditions = [*where.conditions(), col(report.review) == ReviewState.PENDING.value]
    if among is not None:
        conditions.append(col(report.id).in_(list(among)))
    total = (await session.exec(select(func.count()).select_from(report).where(*conditions))).one()
    found = await session.exec(
        select(col(report.id), col(report.updated_at))
        .where(*conditions)
        .order_by(col(report.id))
        .limit(limit)
    )
    return [(int(i), at) for i, at in found.all() if i is not None], int(total)


@dataclass(frozen=True)
class Waiting:
    """The submitted reports still 待审核: how many, and their activity dates' span."""

    count: int
    first: date
    last: date


async def waiting_review(*, session: AsyncSession) -> Waiting | None:
    """Every submitted report still 待审核 (the daily digest says how many), or None."""
    report = ActivityReport
    query = select(
        func.count(), func.min(report.activity_date), func.max(report.activity_date)
    ).where(
        col(report.status) == ReportStatus.SUBMITTED.value,
        col(report.review) == ReviewState.PENDING.value,
    )
    count, first, last = (await session.exec(query)).one()
    if not count:
        return None
    assert isinstance(first, date) and isinstance(last, date), (first, last)
    return Waiting(int(count), first, last)
