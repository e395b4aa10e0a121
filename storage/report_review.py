"""Coordinators' review of activity reports: 核实 or 退回 (with a reason) a pending report, once
(the first decision wins, a later press learns whose it was), and the copies of each report's
notification in coordinators' chats, edited when it is decided."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import ActivityReport, ReportNotice, ReportStatus, ReviewState

REASON_CHARS = 200
REVIEWER_CHARS = 100
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def counted() -> ColumnElement[bool]:
    """The condition every figure (/stats, the exports' totals, 考核) puts on a report besides
    its being submitted: a returned one is left out, a pending or verified one counts."""
    return col(ActivityReport.review) != ReviewState.RETURNED.value


class Decided(StrEnum):
    DONE = "done"
    ALREADY = "already"  # someone decided first
    CHANGED = "changed"  # still pending, but corrected since the coordinator saw it
    NOT_FOUND = "not_found"  # no such report, or withdrawn


@dataclass(frozen=True)
class Review:
    outcome: Decided
    review: str = ReviewState.PENDING.value  # the report's state after the attempt
    reviewer: str = ""
    reason: str = ""
    volunteer_id: int | None = None


async def decide(
    *,
    session: AsyncSession,
    report_id: int,
    verdict: ReviewState,
    reviewer_id: int,
    reviewer: str,
    reason: str = "",
    now: datetime,
    seen: datetime | None = None,
) -> Review:
    """Marks a pending, submitted report verified or returned, in one conditional UPDATE: of
    two coordinators deciding at once, one wins and the other is told whose it was. `seen`:
    the report's `updated_at` when the coordinator looked at it (the dashboard's pages carry
    it); a report the volunteer corrected since is left pending (CHANGED), so what is
    verified is what was seen."""
    assert verdict is not ReviewState.PENDING
    report = ActivityReport
    conditions = [
        col(report.id) == report_id,
        col(report.status) == ReportStatus.SUBMITTED.value,
        col(report.review) == ReviewState.PENDING.value,
    ]
    if seen is not None:
        conditions.append(col(report.updated_at) == seen)
    changed = await session.exec(
        update(report)
        .where(*conditions)
        .values(
            review=verdict.value,
            review_reason=reason[:REASON_CHARS],
            reviewed_by=reviewer_id,
            reviewer=reviewer[:REVIEWER_CHARS],
            reviewed_at=now,
        )
        .returning(col(report.volunteer_id))
    )
    volunteer_id = changed.scalar_one_or_none()
    if volunteer_id is not None:
        return Review(Decided.DONE, verdict.value, reviewer, reason, int(volunteer_id))
    row = await session.get(ActivityReport, report_id)
    if row is None or row.status != ReportStatus.SUBMITTED.value:
        return Review(Decided.NOT_FOUND)
    if row.review == ReviewState.PENDING.value:  # only `seen` can have kept it pending
        return Review(Decided.CHANGED, row.review, volunteer_id=row.volunteer_id)
    return Review(Decided.ALREADY, row.review, row.reviewer, row.review_reason, row.volunteer_id)


def revision(updated_at: datetime) -> str:
    """A report's `updated_at` as a page carries it (microseconds since 1970, exact)."""
    return str((updated_at - _EPOCH) // _MICROSECOND)


def revision_time(text: str) -> datetime | None:
    """The `updated_at` a page's `revision` stands for, or None if it is not one."""
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    try:
        return _EPOCH + int(text) * _MICROSECOND
    except OverflowError:
        return None


def reopen(row: ActivityReport) -> bool:
    """A corrected report goes back to pending; True if it had been decided."""
    if row.review == ReviewState.PENDING.value:
        return False
    row.review, row.review_reason = ReviewState.PENDING.value, ""
    row.reviewed_by, row.reviewer, row.reviewed_at = None, "", None
    return True


async def record_notices(
    *,
    session: AsyncSession,
    report_id: int,
    copies: list[tuple[int, int]],
    correction: bool = False,
) -> None:
    """The (chat, message) of each coordinator's copy of the report's notification, or of a
    notice of its correction (`correction`: withdrawn after an erasure, never redrawn)."""
    for chat_id, message_id in copies:
        session.add(
            ReportNotice(
                report_id=report_id,
                chat_id=chat_id,
                message_id=message_id,
                correction=correction,
            )
        )


async def notices(*, session: AsyncSession, report_id: int) -> list[tuple[int, int]]:
    """The copies of the report's notification (those redrawn to show its review)."""
    query = select(ReportNotice.chat_id, ReportNotice.message_id).where(
        col(ReportNotice.report_id) == report_id, col(ReportNotice.correction).is_(False)
    )
    return [(int(chat), int(message)) for chat, message in (await session.exec(query)).all()]
