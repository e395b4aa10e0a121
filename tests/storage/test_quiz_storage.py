"""Quiz storage on SQLite and PostgreSQL: each answer is written once whatever arrives twice
(in turn or at the same moment), one attempt a person and contest, the leaderboard ranks by
score then time and sums towns, /deleteme takes the attempts."""

import asyncio
from datetime import timedelta

from sqlmodel import select

from storage import quiz as repo
from storage.audience import Audience, audience_chat_ids
from storage.db import Database
from storage.models import QuizAnswer, QuizAttempt, QuizContest, QuizRound
from storage.quiz import Given, GroupOutcome, Standing
from storage.volunteers import erase_person
from tests.clock import QUIET

IDS = "q-a,q-b,q-c"
RIGHT = Given("q-a", "1", True, 1, 4_000)


def attempt(telegram_id: int, contest_id: int | None = None, **values: object) -> QuizAttempt:
    fields: dict[str, object] = {
        "telegram_id": telegram_id,
        "chat_id": telegram_id,
        "first_name": f"名{telegram_id}",
        "token": "0123abcd",
        "question_ids": IDS,
        "asked_at": QUIET,
        "started_at": QUIET,
        "contest_id": contest_id,
        **values,
    }
    return QuizAttempt.model_validate(fields)


async def contest(db: Database) -> int:
    async with db.session() as session:
        row = await repo.add_contest(
            session=session,
            contest=QuizContest(
                campaign_id="constitution-week",
                title="宪法宣传周普法知识竞赛",
                opens_at=QUIET,
                closes_at=QUIET + timedelta(days=1),
                seconds=30,
                question_ids=IDS,
                created_by=1,
            ),
        )
    assert row.id is not None
    return row.id


async def test_an_answer_is_recorded_once_even_when_pressed_twice_at_once(db: Database) -> None:
    async with db.session() as session:
        stored = await repo.start_attempt(session=session, attempt=attempt(11))
    assert stored is not None

    async def press() -> bool:
        async with db.session() as session:
            standing = await repo.record_answer(
                session=session,
                attempt_id=stored.id or 0,
                position=0,
                given=RIGHT,
                now=QUIET,
                last=False,
            )
        assert standing in (None, Standing(1, 4_000))
        return standing is not None

    assert sorted(await asyncio.gather(press(), press())) == [False, True]
    assert not await press()
    async with db.session() as session:
        row = await repo.get_attempt(session=session, attempt_id=stored.id or 0)
        answers = (await session.exec(select(QuizAnswer))).all()
    assert row is not None and (row.position, row.score, row.total_ms) == (1, 1, 4_000)
    assert len(answers) == 1


async def test_one_attempt_a_person_and_contest(db: Database) -> None:
    contest_id = await contest(db)
    async with db.session() as session:
        assert await repo.start_attempt(session=session, attempt=attempt(12, contest_id))
    async with db.session() as session:
        assert await repo.start_attempt(session=session, attempt=attempt(12, contest_id)) is None
        # Practice is not a contest: a new one ends the unfinished one.
        first = await repo.start_attempt(session=session, attempt=attempt(12))
        second = await repo.start_attempt(session=session, attempt=attempt(12))
    assert first is not None and second is not None
    async with db.session() as session:
        assert (
            await repo.record_answer(
                session=session,
                attempt_id=first.id or 0,
                position=0,
                given=RIGHT,
                now=QUIET,
                last=False,
            )
            is None
        )


async def test_group_members_answer_once_and_only_in_one_place(db: Database) -> None:
    contest_id = await contest(db)
    async with db.session() as session:
        round_ = await repo.start_round(
            session=session,
            round_=QuizRound(
                contest_id=contest_id,
                chat_id=-5,
                token="0123abcd",
                question_ids=IDS,
                asked_at=QUIET,
            ),
        )
        await repo.start_attempt(session=session, attempt=attempt(22, contest_id))

    async def answer(telegram_id: int) -> GroupOutcome:
        member = attempt(telegram_id, contest_id, round_id=round_.id, chat_id=-5)
        async with db.session() as session:
            return await repo.group_answer(
                session=session, round_=round_, member=member, given=RIGHT, now=QUIET
            )

    assert await answer(21) is GroupOutcome.RECORDED
    assert await answer(21) is GroupOutcome.TWICE
    assert await answer(22) is GroupOutcome.ELSEWHERE
    async with db.session() as session:
        assert await repo.answers_at(session=session, round_id=round_.id or 0, position=0) == 1
        assert await repo.advance_round(
            session=session, round_id=round_.id or 0, position=0, now=QUIET, last=False
        )
        assert not await repo.advance_round(
            session=session, round_id=round_.id or 0, position=0, now=QUIET, last=False
        )


async def test_the_board_ranks_by_score_then_time_and_sums_towns(db: Database) -> None:
    contest_id = await contest(db)
    people = [
        (31, "东镇", 3, 9_000),
        (32, "东镇", 3, 7_000),
        (33, "西镇", 2, 1_000),
        (34, "", 0, 0),
    ]
    async with db.session() as session:
        for telegram_id, town, score, total_ms in people:
            row = attempt(telegram_id, contest_id, town=town, score=score, total_ms=total_ms)
            await repo.start_attempt(session=session, attempt=row)
    async with db.session() as session:
        board = await repo.board(session=session, contest_id=contest_id, limit=3)
        chats = await audience_chat_ids(
            session=session, audience=Audience.CONTEST, value=str(contest_id)
        )
    assert [e.first_name for e in board.top] == ["名32", "名31", "名33"]
    assert board.participants == 4
    assert {t.town: (t.people, t.points) for t in board.towns} == {
        "东镇": (2, 6),
        "西镇": (1, 2),
        "": (1, 0),
    }
    assert chats == [31, 32, 33, 34]


async def test_a_contest_is_announced_once(db: Database) -> None:
    contest_id = await contest(db)
    after = QUIET + timedelta(days=2)
    async with db.session() as session:
        assert await repo.closed_unannounced(session=session, now=QUIET) == []
        [due] = await repo.closed_unannounced(session=session, now=after)
        assert due.id == contest_id
        assert await repo.mark_announced(session=session, contest_id=contest_id, now=after)
        assert not await repo.mark_announced(session=session, contest_id=contest_id, now=after)
        assert await repo.closed_unannounced(session=session, now=after) == []


async def test_erasure_takes_the_persons_attempts_and_answers(db: Database) -> None:
    async with db.session() as session:
        stored = await repo.start_attempt(session=session, attempt=attempt(41))
        other = await repo.start_attempt(session=session, attempt=attempt(42))
        assert stored is not None and other is not None
        await repo.record_answer(
            session=session,
            attempt_id=stored.id or 0,
            position=0,
            given=RIGHT,
            now=QUIET,
            last=False,
        )
    async with db.session() as session:
        await erase_person(session=session, telegram_id=41)  # /deleteme
        left = (await session.exec(select(QuizAttempt))).all()
        answers = (await session.exec(select(QuizAnswer))).all()
    assert [a.telegram_id for a in left] == [42] and answers == []
