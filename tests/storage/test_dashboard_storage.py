"""The dashboard's storage on SQLite and PostgreSQL: login links, sessions, the filtered
report listing, question counts and content-gap decisions."""

from datetime import UTC, date, datetime, timedelta

from storage.dashboard import (
    close_sessions_of,
    create_login,
    find_session,
    open_session,
    redeem_login,
)
from storage.db import Database
from storage.models import Attribution, GapDecision, Person, Role, Volunteer
from storage.questions import (
    LoggedAnswer,
    decide_gap,
    decided_gaps,
    log_questions,
    question_counts,
    question_counts_by_town,
    summed,
)
from storage.reports import ReportFilter, find_reports
from storage.subscriptions import ensure_recipient, set_town
from storage.volunteers import set_coordinator
from tests.reporting import add_report, add_volunteer

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


async def test_a_login_link_works_once_and_not_after_it_expires(db: Database) -> None:
    async with db.session() as session:
        token = await create_login(
            session=session, telegram_id=5, valid_for=timedelta(minutes=10), now=NOW
        )
        late = await create_login(
            session=session, telegram_id=5, valid_for=timedelta(minutes=10), now=NOW
        )
    async with db.session() as session:
        assert await redeem_login(session=session, token=token, now=NOW) == 5
        assert await redeem_login(session=session, token=token, now=NOW) is None
        assert await redeem_login(session=session, token="forged", now=NOW) is None
        later = NOW + timedelta(minutes=11)
        assert await redeem_login(session=session, token=late, now=later) is None


async def test_sessions_expire_and_a_demoted_coordinators_go_with_the_next_promotion(
    db: Database,
) -> None:
    """A demoted coordinator's session stays for the dashboard to refuse, saying why
    (tests/dashboard/test_second_pass.py); promoted again, they sign in afresh. Promoting a
    coordinator who is one already logs no one out."""
    async with db.session() as session:
        session.add(Person(telegram_id=6, name="协调员", role=Role.COORDINATOR.value))
        cookie = await open_session(
            session=session, telegram_id=6, valid_for=timedelta(hours=8), now=NOW
        )
        other = await open_session(
            session=session, telegram_id=7, valid_for=timedelta(hours=8), now=NOW
        )
    async with db.session() as session:
        found = await find_session(session=session, cookie=cookie, now=NOW)
        assert found is not None and found.telegram_id == 6 and len(found.csrf) > 20
        assert (
            await find_session(session=session, cookie=cookie, now=NOW + timedelta(hours=9))
            is None
        )
        await set_coordinator(session=session, telegram_id=6, promote=True)  # already one
    async with db.session() as session:
        assert await find_session(session=session, cookie=cookie, now=NOW) is not None
        await set_coordinator(session=session, telegram_id=6, promote=False)
    async with db.session() as session:
        assert await find_session(session=session, cookie=cookie, now=NOW) is not None
        await set_coordinator(session=session, telegram_id=6, promote=True)
    async with db.session() as session:
        assert await find_session(session=session, cookie=cookie, now=NOW) is None
        assert await find_session(session=session, cookie=other, now=NOW) is not None
        await close_sessions_of(session=session, telegram_id=7)
    async with db.session() as session:
        assert await find_session(session=session, cookie=other, now=NOW) is None


async def test_filtered_listing_counts_and_pages(db: Database) -> None:
    await add_volunteer(db, 11, town="示例县东山镇")
    for day in range(1, 8):
        await add_report(
            db, 11, town="示例县东山镇", activity_date=date(2026, 3, day), topics=("labor", "x")
        )
    await add_report(db, 11, town="示例县东山镇", activity_date=date(2026, 3, 8), topics=("lab",))
    march = ReportFilter(date(2026, 3, 1), date(2026, 3, 31))
    async with db.session() as session:
        page, total = await find_reports(session=session, where=march, offset=0, limit=3)
        assert total == 8 and [r.report.data.activity_date.day for r in page] == [8, 7, 6]
        assert page[0].volunteer_name == "张三"
        labor = ReportFilter(march.start, march.end, topic="labor")
        page, total = await find_reports(session=session, where=labor, offset=6, limit=3)
        assert total == 7 and [r.report.data.activity_date.day for r in page] == [1]
        nowhere = ReportFilter(march.start, march.end, town="示例县西河镇")
        assert (await find_reports(session=session, where=nowhere, offset=0, limit=3))[1] == 0


async def test_question_counts_and_gap_decisions(db: Database) -> None:
    def asked(ref: str, matched: bool, minutes: int) -> LoggedAnswer:
        return LoggedAnswer(
            ref, NOW + timedelta(minutes=minutes), 1, "private", "text", "问", None, 0.0,
            matched, False,
        )  # fmt: skip

    async with db.session() as session:
        await log_questions(
            session, [asked("a", True, 0), asked("b", False, 1), asked("c", False, 90)]
        )
        counts = await question_counts(session=session, since=NOW, until=NOW + timedelta(hours=1))
        assert (counts.asked, counts.answered, counts.fell_back, counts.unsolved) == (2, 1, 1, 0)
        await decide_gap(
            session=session,
            question="问",
            decision=GapDecision.IGNORED,
            card_id=None,
            by=1,
            now=NOW,
        )
        await decide_gap(
            session=session,
            question="问",
            decision=GapDecision.ANSWERED,
            card_id="x",
            by=1,
            now=NOW,
        )
    async with db.session() as session:
        assert await decided_gaps(session=session) == {"问"}


async def test_question_counts_by_the_askers_town(db: Database) -> None:
    """The town as far as the bot knows it: the QR code that brought them first, then their
    volunteer profile, then the town whose news they follow."""

    def asked(ref: str, asker: int, matched: bool) -> LoggedAnswer:
        return LoggedAnswer(
            ref, NOW, asker, "private", "text", "问", None, 0.0, matched, False,
        )  # fmt: skip

    east, west, south = "示例县东山镇", "示例县西河镇", "示例县南湖镇"
    async with db.session() as session:
        session.add(Attribution(resident_id=1, code="c" * 16, volunteer_id=9, town=east))
        session.add(Volunteer(telegram_id=2, name="志愿者", town=west))
        await ensure_recipient(session=session, chat_id=1, now=NOW)
        await ensure_recipient(session=session, chat_id=3, now=NOW)
        await set_town(session=session, chat_id=1, town=south)  # the QR code's town wins
        await set_town(session=session, chat_id=3, town=south)
        await log_questions(
            session,
            [
                asked("a", 1, True), asked("b", 1, False), asked("c", 2, True),
                asked("d", 3, False), asked("e", 4, True),
            ],
        )  # fmt: skip
        lines = await question_counts_by_town(
            session=session, since=NOW, until=NOW + timedelta(hours=1)
        )
    by_town = {town: (c.asked, c.answered, c.fell_back) for town, c in lines}
    assert by_town == {east: (2, 1, 1), west: (1, 1, 0), south: (1, 0, 1), "": (1, 1, 0)}
    assert lines[0][0] == east  # most questions first
    assert summed(c for _, c in lines).asked == 5
