"""/deleteme (个人信息保护法): a person who used every feature is erased, and then no table of
the database holds their id, name, username, phone or what they wrote. The test first checks
that it really put their id into every column of Telegram ids the tables have: a table or
column added later without erasure support makes it fail."""

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import BigInteger, select
from sqlmodel import SQLModel, col

from storage.attribution import create_event, event_of_report, record_touch
from storage.audience import Audience
from storage.audit import record
from storage.broadcasts import RATING, add_broadcast, plan_deliveries, set_campaign_dates
from storage.certificates import issue
from storage.dashboard import create_login, open_session
from storage.db import Database
from storage.drafts import save_draft
from storage.models import (
    Broadcast,
    BroadcastStatus,
    GapDecision,
    QuizAttempt,
    QuizContest,
    QuizRound,
    ReviewState,
    VoteKind,
)
from storage.people import touch_person
from storage.questions import LoggedAnswer, decide_gap, log_questions
from storage.quiz import Given, add_contest, record_answer, start_attempt
from storage.quiz_rounds import GroupOutcome, group_answer, start_round
from storage.report_messages import copies_to_withdraw, digests_to_withdraw, record_digest
from storage.report_review import decide, record_notices
from storage.reports import submit_report
from storage.subscriptions import ensure_recipient, toggle_category
from storage.ticket_messages import remember_message
from storage.tickets import NewTicket, add_entry, close, open_ticket, rate, take
from storage.volunteers import (
    VolunteerProfile,
    create_invite,
    erase_person,
    register_volunteer,
    set_coordinator,
)
from storage.votes import Ballot, cast_vote
from tests.clock import QUIET as NOW
from tests.reporting import report_data

PERSON = 7_123_456_789
COORDINATOR = 7_000_000_001  # a coordinator told of their report
NAME, USERNAME, PHONE = "赵六顺", "zhaoliushun", "13912345678"
QUESTION = "我住在幸福小区3栋，隔壁装修噪音扰民怎么办"
PLACE, SUMMARY = "幸福小区3栋门口", "在幸福小区门口讲解噪音扰民的处理办法"
POSTER_PLACE = "顺子 · 普法志愿者"  # a poster's place line may name who made it
TICKET, FOLLOW_UP = "楼上漏水三个月物业不管", "今天又漏了，墙皮都掉了"
GROUP = -1_001_234_567
NEIGHBOUR, OTHER_VOLUNTEER = 7_200_000_001, 7_200_000_002
QUIZ, RIGHT = "q-a,q-b", Given("q-a", "1", True, 1, 4_000)
# Columns of Telegram ids that never hold a person's private chat, and why.
NOT_A_PERSON = {"quiz_round.chat_id"}  # contest rounds are played in groups only


async def _uses_every_feature(db: Database) -> int:
    """Returns the id of their activity report."""
    async with db.session() as session:
        await touch_person(
            session=session, telegram_id=PERSON, name=NAME, username=USERNAME, now=NOW
        )
        invite = await create_invite(
            session=session, created_by=None, valid_for=timedelta(days=3), now=NOW
        )
        profile = VolunteerProfile(name=NAME, town="示例县城关镇", place="城关社区", phone=PHONE)
        await register_volunteer(
            session=session, telegram_id=PERSON, code=invite.code, profile=profile, now=NOW
        )
        await set_coordinator(session=session, telegram_id=PERSON, promote=True)
        await create_invite(session=session, created_by=PERSON, valid_for=timedelta(1), now=NOW)
        data = replace(report_data(), place=PLACE, summary=SUMMARY)
        report = await submit_report(
            session=session, volunteer_id=PERSON, data=data, submission_key=f"{PERSON}-ab", now=NOW
        )
        answer = LoggedAnswer(
            "q1", NOW, PERSON, "private", "text", QUESTION, None, 0.0, False, False
        )
        await log_questions(session, [answer])
        await save_draft(
            session=session,
            flow="report",
            telegram_id=PERSON,
            step="summary",
            token="t1",
            data={"place": PLACE},
            now=NOW,
        )
        await record(
            session=session, actor_id=PERSON, action="promote", target=str(PERSON), now=NOW
        )
        await ensure_recipient(session=session, chat_id=PERSON, now=NOW)
        await toggle_category(session=session, chat_id=PERSON, category="labor")
        await ensure_recipient(
            session=session, chat_id=GROUP, chat_type="group", added_by=PERSON, now=NOW
        )
        await set_campaign_dates(
            session=session,
            campaign_id="constitution-week",
            year=2026,
            start=date(2026, 12, 1),
            end=date(2026, 12, 7),
            set_by=PERSON,
        )
        for status, key in ((BroadcastStatus.DONE, "a"), (BroadcastStatus.SCHEDULED, "b")):
            row = Broadcast(
                origin="coordinator",
                created_by=PERSON,
                content_kind="copy",
                source_chat_id=PERSON,
                source_message_id=7,
                progress_chat_id=PERSON,
                progress_message_id=8,
                audience="all",
                send_at=NOW,
                status=status,
                dedupe_key=f"draft:{PERSON}:{key}",
            )
            stored = await add_broadcast(session=session, broadcast=row)
            assert stored is not None and stored.id is not None
            await plan_deliveries(
                session=session, broadcast_id=stored.id, chat_ids=[PERSON, GROUP], now=NOW
            )
        await decide_gap(
            session=session,
            question="村里路灯坏了找谁修",
            decision=GapDecision.OUT_OF_SCOPE,
            card_id=None,
            by=PERSON,
            now=NOW,
        )
        await create_login(session=session, telegram_id=PERSON, valid_for=timedelta(1), now=NOW)
        await open_session(session=session, telegram_id=PERSON, valid_for=timedelta(1), now=NOW)
        certificate = await issue(
            session=session,
            volunteer_id=PERSON,
            name=NAME,
            start=date(2026, 1, 1),
            end=date(2026, 12, 31),
            now=NOW,
        )
        assert certificate is not None
    return report.report_id


async def _plays_the_quiz(db: Database) -> None:
    """A contest they created, a group round of it they lead and answer, a practice alone."""
    async with db.session() as session:
        contest = await add_contest(
            session=session,
            contest=QuizContest(
                campaign_id="constitution-week",
                title="宪法宣传周普法知识竞赛",
                opens_at=NOW,
                closes_at=NOW + timedelta(days=1),
                seconds=30,
                question_ids=QUIZ,
                created_by=PERSON,
            ),
        )
        assert contest.id is not None
        round_ = await start_round(
            session=session,
            round_=QuizRound(
                contest_id=contest.id,
                chat_id=GROUP,
                started_by=PERSON,
                token="r1",
                question_ids=QUIZ,
                asked_at=NOW,
            ),
        )
        member = QuizAttempt(
            contest_id=contest.id,
            round_id=round_.id,
            telegram_id=PERSON,
            chat_id=GROUP,
            first_name=NAME,
            token="a1",
            question_ids=QUIZ,
            asked_at=NOW,
            started_at=NOW,
        )
        outcome = await group_answer(
            session=session, round_=round_, member=member, given=RIGHT, now=NOW
        )
        assert outcome is GroupOutcome.RECORDED
        practice = await start_attempt(
            session=session,
            attempt=QuizAttempt(
                telegram_id=PERSON,
                chat_id=PERSON,
                first_name=NAME,
                token="p1",
                question_ids=QUIZ,
                asked_at=NOW,
                started_at=NOW,
            ),
        )
        assert practice is not None and practice.id is not None
        standing = await record_answer(
            session=session, attempt_id=practice.id, position=0, given=RIGHT, now=NOW, last=False
        )
        assert standing is not None


async def _comes_by_a_code_and_makes_one(db: Database, report_id: int) -> None:
    """A poster's code brought them; they made a poster whose place line names them; the code
    of their report's event (its title names the place, as the bot makes it) brought a
    neighbour, who is to rate it; they vote on an answer."""
    async with db.session() as session:
        poster = await create_event(
            session=session,
            title="村委会法治宣传栏",
            volunteer_id=OTHER_VOLUNTEER,
            town="示例县城关镇",
            event_date=None,
            now=NOW,
        )
        assert await record_touch(session=session, event=poster, resident_id=PERSON, now=NOW)
        await create_event(
            session=session,
            title="社区普法宣传栏",
            volunteer_id=PERSON,
            town="示例县城关镇",
            event_date=None,
            now=NOW,
            place=POSTER_PLACE,
        )
        theirs, _ = await event_of_report(
            session=session,
            report_id=report_id,
            title=f"11月18日 宪法宣传（{PLACE}）",
            volunteer_id=PERSON,
            town="示例县城关镇",
            event_date=date(2026, 11, 18),
            now=NOW,
        )
        assert await record_touch(session=session, event=theirs, resident_id=NEIGHBOUR, now=NOW)
        rating = Broadcast(
            origin=RATING,
            content_kind="rating",
            text=theirs.title,
            audience=Audience.EVENT.value,
            audience_value=theirs.code,
            send_at=NOW + timedelta(days=1),
            dedupe_key=f"rating:{theirs.code}",
        )
        assert await add_broadcast(session=session, broadcast=rating) is not None
        ballot = Ballot(PERSON, "q-q1", VoteKind.ANSWER, "noise", "示例县城关镇", False)
        await cast_vote(session=session, ballot=ballot, now=NOW)


async def _leaves_a_message_to_staff(db: Database) -> None:
    """Their own ticket, closed and rated; as desk staff, they take and answer a neighbour's."""
    async with db.session() as session:
        ticket, _ = await open_ticket(
            session=session,
            new=NewTicket(
                f"{PERSON}-t1", PERSON, "desk", "civil_code", "示例县城关镇", TICKET, PHONE,
                NOW, NOW, NOW,
            ),
        )  # fmt: skip
        await add_entry(
            session=session, ticket_id=ticket.id, author="resident", text=FOLLOW_UP, now=NOW
        )
        await remember_message(session=session, ticket_id=ticket.id, chat_id=PERSON, message_id=3)
        assert await close(session=session, ticket_id=ticket.id, now=NOW)
        assert await rate(session=session, ticket_id=ticket.id, resident_id=PERSON, rating=3)
        neighbours, _ = await open_ticket(
            session=session,
            new=NewTicket(
                f"{NEIGHBOUR}-t1", NEIGHBOUR, "desk", "labor", "示例县城关镇", "工资被拖欠", "",
                NOW, NOW, NOW,
            ),
        )  # fmt: skip
        assert await take(session=session, ticket_id=neighbours.id, staff_id=PERSON)
        await add_entry(
            session=session,
            ticket_id=neighbours.id,
            author="desk",
            text="请周一带上考勤记录来所里",
            now=NOW,
            staff_id=PERSON,
        )


def _person_columns() -> set[str]:
    """Every column of Telegram ids (BIGINT) of the metadata that may hold a person's."""
    columns = {
        f"{table.name}.{column.name}"
        for table in SQLModel.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, BigInteger)
    }
    return columns - NOT_A_PERSON


async def _every_value(db: Database) -> list[tuple[str, Any]]:
    """(table.column, value) of every cell of the database."""
    found = []
    async with db.session() as session:
        for table in SQLModel.metadata.sorted_tables:
            names = [f"{table.name}.{column.name}" for column in table.columns]
            for row in (await session.exec(select(table))).all():  # type: ignore[call-overload]
                found += list(zip(names, row, strict=True))
    return found


async def test_an_erased_person_leaves_no_trace_in_any_table(db: Database) -> None:
    report_id = await _uses_every_feature(db)
    async with db.session() as session:  # their report told to them and to a coordinator
        copies = [(PERSON, 5), (COORDINATOR, 6)]
        await record_notices(session=session, report_id=report_id, copies=copies)
        for chat_id, message_id in [(PERSON, 7), (COORDINATOR, 8)]:  # and in a daily digest
            await record_digest(
                session=session,
                chat_id=chat_id,
                message_id=message_id,
                head="📋",
                tail="",
                lines=[(report_id, f"#{report_id} {NAME}（{PLACE}）")],  # as sent
            )
        # as a coordinator too, they verified it (the decision stays, not who made it)
        verdict, by = ReviewState.VERIFIED, PERSON
        await decide(
            session=session,
            report_id=report_id,
            verdict=verdict,
            reviewer_id=by,
            reviewer=NAME,
            now=NOW,
        )
    await _plays_the_quiz(db)
    await _comes_by_a_code_and_makes_one(db, report_id)
    await _leaves_a_message_to_staff(db)
    values = await _every_value(db)
    # The test really put their id into every column that may hold one (a new one fails here
    # until /deleteme erases it), and each needle somewhere.
    assert {column for column, value in values if value == PERSON} == _person_columns()
    needles = [str(PERSON), NAME, USERNAME, PHONE, QUESTION, PLACE, SUMMARY, TICKET, FOLLOW_UP]
    needles.append(POSTER_PLACE)
    before = {n for _, value in values for n in needles if n in str(value)}
    assert before == set(needles)
    assert [column for column, _ in values].count("quiz_answer.attempt_id") == 2  # no id: theirs
    async with db.session() as session:
        erased = await erase_person(session=session, telegram_id=PERSON)
    assert (erased.questions, erased.reports_anonymised, erased.had_profile) == (1, 1, True)
    values = await _every_value(db)
    left = [(column, value) for column, value in values for n in needles if n in str(value)]
    assert left == []
    assert "quiz_answer.attempt_id" not in {column for column, _ in values}
    async with db.session() as session:  # the coordinator's copy is still to be withdrawn
        assert await copies_to_withdraw(session=session) == [(COORDINATOR, 6)]
        [digest] = await digests_to_withdraw(session=session)  # and their digest line
        assert (digest.chat_id, digest.message_id) == (COORDINATOR, 8)
    async with db.session() as session:
        query = select(col(Broadcast.origin), col(Broadcast.status))
        statuses = (await session.exec(query)).all()  # type: ignore[call-overload]
    # Their copy cannot be sent; the rating request would name the erased place.
    assert sorted(statuses) == [
        ("coordinator", "cancelled"),
        ("coordinator", "done"),
        (RATING, "cancelled"),
    ]
