"""Contest rounds in group chats: a volunteer moves the round on; each member answers the
question shown once, and their one attempt at the contest is made in that group."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, insert, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import QuizAnswer, QuizAttempt, QuizRound
from storage.quiz import (
    Entry,
    Given,
    answer_values,
    attempt_of,
    entry_of,
    rowcount,
    start_attempt,
    town_of,
)


class GroupOutcome(StrEnum):
    RECORDED = "recorded"
    TWICE = "twice"  # this person answered this question already
    ELSEWHERE = "elsewhere"  # their one attempt at the contest was made elsewhere


async def group_town(*, session: AsyncSession, chat_id: int, leader_id: int) -> str:
    """The town a group's round counts for: the group's own town, else its volunteer's."""
    return await town_of(session=session, chat_id=chat_id) or await town_of(
        session=session, chat_id=leader_id
    )


async def start_round(*, session: AsyncSession, round_: QuizRound) -> QuizRound:
    session.add(round_)
    await session.flush()
    return round_


async def running_round(
    *, session: AsyncSession, contest_id: int, chat_id: int, since: datetime
) -> QuizRound | None:
    """The group's unfinished round of the contest whose question was shown after `since`
    (an older one, left half-way, no longer holds the group)."""
    statement = select(QuizRound).where(
        col(QuizRound.contest_id) == contest_id,
        col(QuizRound.chat_id) == chat_id,
        col(QuizRound.finished_at).is_(None),
        col(QuizRound.asked_at) > since,
    )
    return (await session.exec(statement)).first()


async def get_round(*, session: AsyncSession, round_id: int) -> QuizRound | None:
    return await session.get(QuizRound, round_id)


async def advance_round(
    *, session: AsyncSession, round_id: int, position: int, now: datetime, last: bool
) -> bool:
    """To the next question (or the end), once: False if it moved on already."""
    values: dict[str, object] = {"finished_at": now} if last else {"position": position + 1}
    values["asked_at"] = now
    result = await session.exec(
        update(QuizRound)
        .where(
            col(QuizRound.id) == round_id,
            col(QuizRound.position) == position,
            col(QuizRound.finished_at).is_(None),
        )
        .values(**values)
    )
    return rowcount(result) == 1


async def group_answer(
    *,
    session: AsyncSession,
    round_: QuizRound,
    member: QuizAttempt,
    given: Given,
    now: datetime,
) -> GroupOutcome:
    """A group member's answer to the round's current question. Their attempt at the contest
    is made here on their first answer (`member`, unsaved); if they made it elsewhere (alone,
    or in another group) the answer is refused."""
    attempt = await attempt_of(
        session=session, contest_id=round_.contest_id, telegram_id=member.telegram_id
    )
    if attempt is None:
        attempt = await start_attempt(session=session, attempt=member)
        if attempt is None:
            return GroupOutcome.TWICE
    if attempt.round_id != round_.id:
        return GroupOutcome.ELSEWHERE
    try:
        async with session.begin_nested():
            assert attempt.id is not None
            answer = answer_values(attempt.id, round_.position, given, now)
            await session.exec(insert(QuizAnswer).values(**answer))
    except IntegrityError:
        return GroupOutcome.TWICE
    await session.exec(
        update(QuizAttempt)
        .where(col(QuizAttempt.id) == attempt.id)
        .values(
            position=round_.position + 1,
            score=QuizAttempt.score + given.points,
            total_ms=QuizAttempt.total_ms + given.elapsed_ms,
        )
    )
    return GroupOutcome.RECORDED


async def round_board(*, session: AsyncSession, round_id: int) -> list[Entry]:
    statement = (
        select(QuizAttempt)
        .where(col(QuizAttempt.round_id) == round_id)
        .order_by(col(QuizAttempt.score).desc(), col(QuizAttempt.total_ms), col(QuizAttempt.id))
    )
    return [entry_of(a) for a in (await session.exec(statement)).all()]


async def answers_at(*, session: AsyncSession, round_id: int, position: int) -> int:
    """How many members answered the round's question at `position`."""
    statement = (
        select(func.count())
        .select_from(QuizAnswer)
        .join(QuizAttempt, col(QuizAttempt.id) == col(QuizAnswer.attempt_id))
        .where(col(QuizAttempt.round_id) == round_id, col(QuizAnswer.position) == position)
    )
    return int((await session.exec(statement)).one())
