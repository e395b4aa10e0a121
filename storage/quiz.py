"""Quiz attempts and contests (group rounds: storage.quiz_rounds): every answer is one
conditional write, so a replayed button, a second answer or an answer to a question already
passed changes nothing."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, CursorResult, func, insert, update
from sqlalchemy import select as sa_select
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.db import conflict_insert
from storage.models import QuizAnswer, QuizAttempt, QuizContest, QuizRound, Subscription, Volunteer
from storage.subscriptions import SubKind


@dataclass(frozen=True)
class Entry:
    """One person on a board: the first name Telegram shows, never more."""

    first_name: str
    town: str
    score: int
    total_ms: int


@dataclass(frozen=True)
class TownLine:
    town: str
    people: int
    points: int

    @property
    def average(self) -> float:
        return self.points / self.people if self.people else 0.0


@dataclass(frozen=True)
class Board:
    participants: int
    top: list[Entry]
    towns: list[TownLine]


@dataclass(frozen=True)
class Given:
    """An answer as marked: which options, right or not, its points and time."""

    question_id: str
    chosen: str
    correct: bool
    points: int
    elapsed_ms: int


@dataclass(frozen=True)
class Press:
    """What answering needs to know of an attempt (and its contest, if any): one read."""

    attempt_id: int
    telegram_id: int
    chat_id: int
    token: str
    position: int
    asked_at: datetime | None
    picked: str
    question_ids: str
    finished: bool
    score: int
    seconds: int | None  # None: practice, no clock
    closes_at: datetime | None
    title: str | None


# --- contests --------------------------------------------------------------------------------


async def add_contest(*, session: AsyncSession, contest: QuizContest) -> QuizContest:
    session.add(contest)
    await session.flush()
    return contest


async def get_contest(*, session: AsyncSession, contest_id: int) -> QuizContest | None:
    return await session.get(QuizContest, contest_id)


async def open_contests(*, session: AsyncSession, now: datetime) -> list[QuizContest]:
    statement = (
        select(QuizContest)
        .where(col(QuizContest.opens_at) <= now, col(QuizContest.closes_at) > now)
        .order_by(col(QuizContest.closes_at))
    )
    return list((await session.exec(statement)).all())


async def recent_contests(*, session: AsyncSession, limit: int = 10) -> list[QuizContest]:
    statement = select(QuizContest).order_by(col(QuizContest.id).desc()).limit(limit)
    return list((await session.exec(statement)).all())


async def closed_unannounced(*, session: AsyncSession, now: datetime) -> list[QuizContest]:
    statement = select(QuizContest).where(
        col(QuizContest.closes_at) <= now, col(QuizContest.announced_at).is_(None)
    )
    return list((await session.exec(statement)).all())


async def mark_announced(*, session: AsyncSession, contest_id: int, now: datetime) -> bool:
    """True for the one caller that marks it (a second process or a rerun gets False)."""
    result = await session.exec(
        update(QuizContest)
        .where(col(QuizContest.id) == contest_id, col(QuizContest.announced_at).is_(None))
        .values(announced_at=now)
    )
    return rowcount(result) == 1


# --- towns -----------------------------------------------------------------------------------


async def town_of(*, session: AsyncSession, chat_id: int) -> str:
    """Whose scores count for which town: an active volunteer's town, else the town the chat
    (a resident, or a group) follows; "" if neither."""
    volunteer = await session.get(Volunteer, chat_id)
    if volunteer is not None and volunteer.active and volunteer.town:
        return volunteer.town
    statement = select(Subscription.value).where(
        col(Subscription.chat_id) == chat_id, col(Subscription.kind) == SubKind.TOWN.value
    )
    return (await session.exec(statement)).first() or ""


# --- one person's attempt --------------------------------------------------------------------


async def start_attempt(*, session: AsyncSession, attempt: QuizAttempt) -> QuizAttempt | None:
    """Stores a new attempt, its first question shown now. A practice quiz ends the person's
    unfinished practice (its buttons then answer "already over"); a contest allows one attempt
    a person: None if they made theirs."""
    if attempt.contest_id is None:
        await end_practice(
            session=session, telegram_id=attempt.telegram_id, now=attempt.started_at
        )
    insert_into = conflict_insert(session)
    statement = (
        insert_into(QuizAttempt)
        .values(**attempt.model_dump(exclude={"id"}))
        .on_conflict_do_nothing(index_elements=["contest_id", "telegram_id"])
        .returning(col(QuizAttempt.id))
    )
    attempt.id = (await session.exec(statement)).scalar_one_or_none()
    return attempt if attempt.id is not None else None


async def end_practice(*, session: AsyncSession, telegram_id: int, now: datetime) -> bool:
    """Ends the person's unfinished practice quiz (its buttons then answer "over"); True if
    there was one."""
    result = await session.exec(
        update(QuizAttempt)
        .where(
            col(QuizAttempt.telegram_id) == telegram_id,
            col(QuizAttempt.contest_id).is_(None),
            col(QuizAttempt.finished_at).is_(None),
        )
        .values(finished_at=now)
    )
    return rowcount(result) > 0


async def attempt_of(
    *, session: AsyncSession, contest_id: int, telegram_id: int
) -> QuizAttempt | None:
    statement = select(QuizAttempt).where(
        col(QuizAttempt.contest_id) == contest_id, col(QuizAttempt.telegram_id) == telegram_id
    )
    return (await session.exec(statement)).first()


async def get_attempt(*, session: AsyncSession, attempt_id: int) -> QuizAttempt | None:
    return await session.get(QuizAttempt, attempt_id)


async def press_state(*, session: AsyncSession, attempt_id: int) -> Press | None:
    """The attempt and its contest's clock, in one read (plain columns: this is the hot path
    of a contest, thousands of presses a minute)."""
    attempt, contest = QuizAttempt.__table__.c, QuizContest.__table__.c  # type: ignore[attr-defined]
    statement = (
        sa_select(
            attempt.telegram_id,
            attempt.chat_id,
            attempt.token,
            attempt.position,
            attempt.asked_at,
            attempt.picked,
            attempt.question_ids,
            attempt.finished_at.is_not(None),
            attempt.score,
            contest.seconds,
            contest.closes_at,
            contest.title,
        )
        .select_from(QuizAttempt.__table__.outerjoin(QuizContest.__table__))  # type: ignore[attr-defined]
        .where(attempt.id == attempt_id)
    )
    found = (await (await session.connection()).execute(statement)).first()
    return None if found is None else Press(attempt_id, *tuple(found))


async def set_picked(
    *, session: AsyncSession, attempt_id: int, position: int, picked: str
) -> bool:
    """The ticks of a multiple choice, if the attempt is still at that question."""
    result = await session.exec(
        update(QuizAttempt).where(*_at(attempt_id, position)).values(picked=picked)
    )
    return rowcount(result) == 1


async def shown_in(
    *, session: AsyncSession, attempt_id: int, position: int, message_id: int
) -> None:
    """The message showing the attempt's question `position` (if it is still at it)."""
    await session.exec(
        update(QuizAttempt).where(*_at(attempt_id, position)).values(message_id=message_id)
    )


async def cut_off(*, session: AsyncSession, contest_id: int) -> list[tuple[int, int]]:
    """(chat id, message id) of the questions still open, alone, when the contest closed
    (those shown before migration 0031 have no message id: they are left out)."""
    statement = select(QuizAttempt.chat_id, QuizAttempt.message_id).where(
        col(QuizAttempt.contest_id) == contest_id,
        col(QuizAttempt.round_id).is_(None),
        col(QuizAttempt.finished_at).is_(None),
    )
    rows = await session.exec(statement)
    return [(chat_id, message_id) for chat_id, message_id in rows if message_id is not None]


@dataclass(frozen=True)
class Standing:
    """An attempt's totals after an answer."""

    score: int
    total_ms: int


async def record_answer(
    *,
    session: AsyncSession,
    attempt_id: int,
    position: int,
    given: Given,
    now: datetime,
    last: bool,
) -> Standing | None:
    """Moves the attempt past question `position` and stores the answer, once: None if the
    attempt is no longer at that question (a replayed or second press). Two statements, so
    thousands of answers a minute fit."""
    row = (
        await session.exec(
            update(QuizAttempt)
            .where(*_at(attempt_id, position))
            .values(
                position=position + 1,
                picked="",
                asked_at=None if last else now,
                finished_at=now if last else None,
                score=QuizAttempt.score + given.points,
                total_ms=QuizAttempt.total_ms + given.elapsed_ms,
            )
            .returning(col(QuizAttempt.score), col(QuizAttempt.total_ms))
        )
    ).first()
    if row is None:
        return None
    await session.exec(
        insert(QuizAnswer).values(**answer_values(attempt_id, position, given, now))
    )
    return Standing(int(row[0]), int(row[1]))


def _at(attempt_id: int, position: int) -> list[ColumnElement[bool]]:
    return [
        col(QuizAttempt.id) == attempt_id,
        col(QuizAttempt.position) == position,
        col(QuizAttempt.finished_at).is_(None),
    ]


def answer_values(
    attempt_id: int, position: int, given: Given, now: datetime
) -> dict[str, object]:
    return {
        "attempt_id": attempt_id,
        "position": position,
        "question_id": given.question_id,
        "chosen": given.chosen,
        "correct": given.correct,
        "points": given.points,
        "elapsed_ms": given.elapsed_ms,
        "answered_at": now,
    }


# --- results ---------------------------------------------------------------------------------


async def board(*, session: AsyncSession, contest_id: int, limit: int) -> Board:
    """The top `limit` people (score, then less time) and every town's totals."""
    top = (
        await session.exec(
            select(QuizAttempt)
            .where(col(QuizAttempt.contest_id) == contest_id)
            .order_by(
                col(QuizAttempt.score).desc(), col(QuizAttempt.total_ms), col(QuizAttempt.id)
            )
            .limit(limit)
        )
    ).all()
    towns = (
        await session.exec(
            select(QuizAttempt.town, func.count(), func.sum(QuizAttempt.score))
            .where(col(QuizAttempt.contest_id) == contest_id)
            .group_by(col(QuizAttempt.town))
        )
    ).all()
    lines = [TownLine(town, int(people), int(points or 0)) for town, people, points in towns]
    return Board(sum(t.people for t in lines), [entry_of(a) for a in top], lines)


async def results(*, session: AsyncSession, contest_id: int) -> list[QuizAttempt]:
    """Every attempt, best first: the export's rows."""
    statement = (
        select(QuizAttempt)
        .where(col(QuizAttempt.contest_id) == contest_id)
        .order_by(col(QuizAttempt.score).desc(), col(QuizAttempt.total_ms), col(QuizAttempt.id))
    )
    return list((await session.exec(statement)).all())


async def erase_attempts(*, session: AsyncSession, telegram_id: int) -> int:
    """/deleteme: the person's attempts and answers go (contest totals lose them); contests
    they created and rounds they started lose their id."""
    ids = select(QuizAttempt.id).where(col(QuizAttempt.telegram_id) == telegram_id)
    await session.exec(delete(QuizAnswer).where(col(QuizAnswer.attempt_id).in_(ids)))
    result = await session.exec(
        delete(QuizAttempt).where(col(QuizAttempt.telegram_id) == telegram_id)
    )
    await session.exec(
        update(QuizRound).where(col(QuizRound.started_by) == telegram_id).values(started_by=None)
    )
    await session.exec(
        update(QuizContest)
        .where(col(QuizContest.created_by) == telegram_id)
        .values(created_by=None)
    )
    return rowcount(result)


def entry_of(attempt: QuizAttempt) -> Entry:
    """An attempt as a board shows it."""
    return Entry(attempt.first_name, attempt.town, attempt.score, attempt.total_ms)


def rowcount(result: object) -> int:
    """Rows an UPDATE or DELETE changed (0 if the driver cannot say)."""
    return result.rowcount if isinstance(result, CursorResult) else 0
