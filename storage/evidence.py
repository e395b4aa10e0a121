"""What the 考核 evidence pack reads beyond the votes and QR codes: a period's activities with
their volunteers, and quiz participation (attempts started in it) by town."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, func, select
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import (
    ActivityReport,
    QuizAnswer,
    QuizAttempt,
    ReportStatus,
    ReviewState,
    Volunteer,
)
from storage.report_review import counted
from storage.stats import Period

MAX_TOPICS_CHARS = 500  # ActivityReport.topics


@dataclass(frozen=True)
class QuizLine:
    town: str
    attempts: int
    participants: int
    answers: int
    correct: int


async def quiz_participation(
    *, session: AsyncSession, since: datetime, until: datetime
) -> list[QuizLine]:
    """Per town: quiz attempts (practice and contests), people, answers, right answers."""
    answers = (
        select(
            col(QuizAnswer.attempt_id).label("attempt"),
            func.count().label("answers"),
            func.sum(case((col(QuizAnswer.correct), 1), else_=0)).label("correct"),
        )
        .group_by(col(QuizAnswer.attempt_id))
        .subquery()
    )
    query = (
        select(
            col(QuizAttempt.town),
            func.count(),
            func.count(func.distinct(QuizAttempt.telegram_id)),
            func.coalesce(func.sum(answers.c.answers), 0),
            func.coalesce(func.sum(answers.c.correct), 0),
        )
        .outerjoin(answers, answers.c.attempt == col(QuizAttempt.id))
        .where(col(QuizAttempt.started_at) >= since, col(QuizAttempt.started_at) < until)
        .group_by(col(QuizAttempt.town))
        .order_by(func.count().desc(), col(QuizAttempt.town))
    )
    connection = await session.connection()
    rows = (await connection.execute(query)).all()
    return [QuizLine(t or "", int(a), int(p), int(n), int(c)) for t, a, p, n, c in rows]


@dataclass(frozen=True)
class ActivityLine:
    id: int
    volunteer_id: int
    volunteer: str
    town: str
    activity_type: str
    topics: tuple[str, ...]
    activity_date: date
    place: str
    audience: int
    hours: float
    photos: int
    verified: bool = False  # a coordinator 核实 it (explicit indicator tags count only then)


async def activities(*, session: AsyncSession, period: Period) -> list[ActivityLine]:
    """Submitted reports with activity dates in the period, oldest first (a year of a
    district is a few thousand rows)."""
    report = ActivityReport
    query = (
        select(
            col(report.id),
            col(report.volunteer_id),
            func.coalesce(Volunteer.name, ""),
            col(report.town),
            col(report.activity_type),
            col(report.topics),
            col(report.activity_date),
            col(report.place),
            col(report.audience),
            col(report.hours),
            col(report.photo_file_ids),
            col(report.review),
        )
        .outerjoin(Volunteer, col(Volunteer.telegram_id) == col(report.volunteer_id))
        .where(
            col(report.status) == ReportStatus.SUBMITTED.value,
            counted(),
            col(report.activity_date) >= period.start,
            col(report.activity_date) <= period.end,
        )
        .order_by(col(report.activity_date), col(report.id))
    )
    connection = await session.connection()
    return [
        ActivityLine(
            id=int(rid or 0),
            volunteer_id=int(vid),
            volunteer=name,
            town=town,
            activity_type=kind,
            topics=tuple(t for t in topics.split(",") if t),
            activity_date=day,
            place=place,
            audience=int(audience),
            hours=float(hours),
            photos=len([p for p in photos.split(",") if p]),
            verified=review == ReviewState.VERIFIED.value,
        )
        for rid, vid, name, town, kind, topics, day, place, audience, hours, photos, review in (
            await connection.execute(query)
        ).all()
    ]


async def quiz_people(*, session: AsyncSession, since: datetime, until: datetime) -> int:
    """Different people who took a quiz in the period (whatever their towns)."""
    query = select(func.count(func.distinct(QuizAttempt.telegram_id))).where(
        col(QuizAttempt.started_at) >= since, col(QuizAttempt.started_at) < until
    )
    connection = await session.connection()
    return int((await connection.execute(query)).scalar_one())


async def toggle_tag(
    *, session: AsyncSession, report_id: int, tag: str, now: datetime
) -> bool | None:
    """Adds `tag` (an indicator's id) to a submitted report's topics, or removes it if there;
    True if now tagged, None if there is no such report or its topics are full. A new
    revision (`updated_at`), as a correction makes: a review decision taken on the report as
    it read before the tag (a dashboard page, a chat button) is refused, so the coordinator
    who verifies sees what it will count for. Its review stands: a coordinator tagged it."""
    report = await session.get(ActivityReport, report_id)
    if report is None or report.status != ReportStatus.SUBMITTED.value:
        return None
    topics = [t for t in report.topics.split(",") if t]
    tagged = tag not in topics
    topics = [*topics, tag] if tagged else [t for t in topics if t != tag]
    joined = ",".join(topics)
    if len(joined) > MAX_TOPICS_CHARS:
        return None
    report.topics, report.updated_at = joined, now
    session.add(report)
    return tagged
