"""QR attribution: the codes volunteers make for events and posters, the first code that
brought each resident, and what those residents did (only counts leave this module)."""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import aliased
from sqlmodel import col, delete, update
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.broadcasts import RATING
from storage.db import conflict_insert
from storage.models import (
    ANONYMOUS_ID,
    Attribution,
    Broadcast,
    BroadcastStatus,
    QrEvent,
    QuestionLog,
    QuizAnswer,
    QuizAttempt,
    Subscription,
)

CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
CODE_LENGTH = 16  # about 79 bits: not guessable


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def valid_code(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(c in CODE_ALPHABET for c in code)


async def create_event(
    *,
    session: AsyncSession,
    title: str,
    volunteer_id: int,
    town: str,
    event_date: date | None,
    now: datetime,
    place: str = "",
) -> QrEvent:
    """A new code; `title` and `place` (its poster's place line) as the caller masked them."""
    event = QrEvent(
        code=new_code(),
        title=title[:100],
        place=place[:100],
        kind="event" if event_date else "poster",
        town=town,
        volunteer_id=volunteer_id,
        event_date=event_date,
        created_at=now,
    )
    session.add(event)
    await session.flush()
    return event


async def event_of_report(
    *,
    session: AsyncSession,
    report_id: int,
    title: str,
    volunteer_id: int,
    town: str,
    event_date: date,
    now: datetime,
) -> tuple[QrEvent, bool]:
    """The code of an activity report's event, made on first asking (the report's volunteer
    and town, its activity date); True if made now. Safe against double presses: report_id
    is UNIQUE and a conflicting insert inserts nothing."""
    insert = conflict_insert(session)
    statement = (
        insert(QrEvent)
        .values(
            code=new_code(),
            title=title[:100],
            kind="event",
            town=town,
            volunteer_id=volunteer_id,
            event_date=event_date,
            created_at=now,
            report_id=report_id,
        )
        .on_conflict_do_nothing(index_elements=["report_id"])
        .returning(col(QrEvent.code))
    )
    made = (await session.exec(statement)).scalar_one_or_none()
    query = select(col(QrEvent.code)).where(col(QrEvent.report_id) == report_id)
    [(code,)] = await _rows(session, query)
    event = await session.get(QrEvent, code)
    assert event is not None
    return event, made is not None


async def get_event(*, session: AsyncSession, code: str) -> QrEvent | None:
    return await session.get(QrEvent, code) if valid_code(code) else None


async def record_touch(
    *, session: AsyncSession, event: QrEvent, resident_id: int, now: datetime
) -> bool:
    """The resident's first touch (a later code changes nothing); True if recorded now. The
    volunteer who made the code is not counted as reached by it."""
    if resident_id == event.volunteer_id:
        return False
    if await session.get(Attribution, resident_id) is not None:
        return False
    session.add(
        Attribution(
            resident_id=resident_id,
            code=event.code,
            volunteer_id=event.volunteer_id,
            town=event.town,
            touched_at=now,
        )
    )
    await session.flush()
    return True


async def attributed_to(*, session: AsyncSession, resident_id: int) -> Attribution | None:
    return await session.get(Attribution, resident_id)


@dataclass(frozen=True)
class Reach:
    """What one code brought: residents, the questions they asked after it, their
    subscriptions and quiz answers (counts only)."""

    code: str
    title: str
    kind: str
    town: str
    volunteer_id: int
    event_date: date | None
    residents: int
    questions: int
    subscriptions: int
    quiz_answers: int


async def _rows(session: AsyncSession, query: Any) -> Sequence[Any]:
    connection = await session.connection()
    return (await connection.execute(query)).all()


async def reach(
    *,
    session: AsyncSession,
    volunteer_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[Reach]:
    """Per code (of one volunteer, or all), residents first touched in [since, until): most
    residents first. Codes that reached nobody are listed too."""

    def touched(who: Any) -> list[ColumnElement[bool]]:
        conditions = [who.code == col(QrEvent.code)]
        if since is not None:
            conditions.append(who.touched_at >= since)
        if until is not None:
            conditions.append(who.touched_at < until)
        return conditions

    asker: Any = aliased(Attribution)
    subscriber: Any = aliased(Attribution)
    player: Any = aliased(Attribution)
    questions = (
        select(func.count())
        .select_from(QuestionLog)
        .join(asker, asker.resident_id == col(QuestionLog.telegram_id))
        .where(*touched(asker), col(QuestionLog.asked_at) >= asker.touched_at)
        .correlate(QrEvent)
        .scalar_subquery()
    )
    subscriptions = (
        select(func.count(func.distinct(Subscription.chat_id)))
        .select_from(Subscription)
        .join(subscriber, subscriber.resident_id == col(Subscription.chat_id))
        .where(*touched(subscriber))
        .correlate(QrEvent)
        .scalar_subquery()
    )
    quiz_answers = (
        select(func.count())
        .select_from(QuizAnswer)
        .join(QuizAttempt, col(QuizAttempt.id) == col(QuizAnswer.attempt_id))
        .join(player, player.resident_id == col(QuizAttempt.telegram_id))
        .where(*touched(player), col(QuizAnswer.answered_at) >= player.touched_at)
        .correlate(QrEvent)
        .scalar_subquery()
    )
    residents = func.count(col(Attribution.resident_id))
    query = (
        select(
            col(QrEvent.code),
            col(QrEvent.title),
            col(QrEvent.kind),
            col(QrEvent.town),
            col(QrEvent.volunteer_id),
            col(QrEvent.event_date),
            residents,
            questions,
            subscriptions,
            quiz_answers,
        )
        .select_from(QrEvent)
        .outerjoin(Attribution, and_(*touched(Attribution)))
        .group_by(col(QrEvent.code))
        .order_by(residents.desc(), col(QrEvent.created_at))
    )
    if volunteer_id is not None:
        query = query.where(col(QrEvent.volunteer_id) == volunteer_id)
    return [
        Reach(
            code, title, kind, town, int(vid), day, int(n), int(q or 0), int(s or 0), int(a or 0)
        )
        for code, title, kind, town, vid, day, n, q, s, a in await _rows(session, query)
    ]


@dataclass(frozen=True)
class MadeCode:
    """One of a maker's codes as their own list shows it."""

    code: str
    title: str
    event_date: date | None
    residents: int


async def codes_made_by(
    *, session: AsyncSession, volunteer_id: int, offset: int, limit: int
) -> tuple[list[MadeCode], int]:
    """A page of the codes `volunteer_id` made, newest first, each with the residents it
    brought (ever); and how many they made in all. Codes of people erased count under
    ANONYMOUS_ID, which is nobody's list."""
    if volunteer_id == ANONYMOUS_ID:
        return [], 0
    mine = col(QrEvent.volunteer_id) == volunteer_id
    residents = func.count(col(Attribution.resident_id))
    query = (
        select(col(QrEvent.code), col(QrEvent.title), col(QrEvent.event_date), residents)
        .select_from(QrEvent)
        .outerjoin(Attribution, col(Attribution.code) == col(QrEvent.code))
        .where(mine)
        .group_by(col(QrEvent.code))
        .order_by(col(QrEvent.created_at).desc(), col(QrEvent.code))
        .offset(offset)
        .limit(limit)
    )
    page = [MadeCode(c, t, d, int(n)) for c, t, d, n in await _rows(session, query)]
    [(total,)] = await _rows(session, select(func.count()).select_from(QrEvent).where(mine))
    return page, int(total)


async def forget_person(*, session: AsyncSession, telegram_id: int) -> None:
    """/deleteme: the link to the code that brought them is erased; codes they made keep
    counting under ANONYMOUS_ID. Each loses its poster's place line, free text that may name
    them (张三 · 普法志愿者). A code made from a report loses its title too, which names the
    report's place (erased with the report), and so does its rating request: cancelled if it
    was not sent yet."""
    await session.exec(delete(Attribution).where(col(Attribution.resident_id) == telegram_id))
    from_reports = select(col(QrEvent.code)).where(
        col(QrEvent.volunteer_id) == telegram_id, col(QrEvent.report_id).is_not(None)
    )
    ratings = [col(Broadcast.origin) == RATING, col(Broadcast.audience_value).in_(from_reports)]
    await session.exec(
        update(Broadcast)
        .where(*ratings, col(Broadcast.status) == BroadcastStatus.SCHEDULED.value)
        .values(status=BroadcastStatus.CANCELLED.value, note="cancelled: its event was erased")
    )
    await session.exec(update(Broadcast).where(*ratings).values(text=""))
    await session.exec(update(QrEvent).where(col(QrEvent.code).in_(from_reports)).values(title=""))
    await session.exec(
        update(QrEvent).where(col(QrEvent.volunteer_id) == telegram_id).values(place="")
    )
    for table in (Attribution, QrEvent):
        await session.exec(
            update(table)
            .where(col(table.volunteer_id) == telegram_id)
            .values(volunteer_id=ANONYMOUS_ID)
        )
