"""The seeded year the evidence-pack tests share: three activities of 2026 (one counting for
宪法 through its campaign), one of 2025, a QR code that brought two residents, three votes and
two quiz attempts."""

import io
from datetime import UTC, date, datetime

import openpyxl

from storage.attribution import create_event, record_touch
from storage.db import Database
from storage.models import QuizAnswer, QuizAttempt, VoteKind
from storage.votes import Ballot, cast_vote
from tests.reporting import add_report, add_volunteer

FORMULA = '=HYPERLINK("http://x","点我")'
AT = datetime(2026, 5, 1, 2, 0, tzinfo=UTC)


async def seed(db: Database) -> None:
    await add_volunteer(db, 3001, name="张三")
    await add_volunteer(db, 3002, name="李四", town="示例县东山镇")
    await add_report(db, 3001, place=FORMULA)  # constitution, 2026-11-18, 120 people, 2 h
    await add_report(
        db, 3002, activity_type="youth", activity_date=date(2026, 6, 26), audience=300, hours=3.0
    )
    await add_report(  # counts for 宪法 through its campaign, not its type
        db,
        3002,
        activity_type="other",
        activity_date=date(2026, 12, 4),
        topics=("constitution-day",),
        audience=50,
        hours=1.0,
        photo_file_ids=(),
    )
    await add_report(db, 3001, activity_date=date(2025, 12, 4), audience=999)  # another year
    async with db.session() as session:
        event = await create_event(
            session=session,
            title="东山村普法讲座",
            volunteer_id=3001,
            town="示例县城关镇",
            event_date=date(2026, 5, 1),
            now=AT,
        )
        for resident in (3101, 3102):
            await record_touch(session=session, event=event, resident_id=resident, now=AT)
        for voter, up in ((3101, True), (3102, False), (3103, True)):
            ballot = Ballot(voter, f"c-{voter}", VoteKind.ANSWER, "unpaid-wages", "", up)
            await cast_vote(session=session, ballot=ballot, now=AT)
        for person, town, right in ((3101, "示例县城关镇", 2), (3102, "示例县东山镇", 1)):
            attempt = QuizAttempt(
                telegram_id=person,
                chat_id=person,
                town=town,
                token="t",
                question_ids="q1,q2",
                started_at=AT,
            )
            session.add(attempt)
            await session.flush()
            for position in range(2):
                session.add(
                    QuizAnswer(
                        attempt_id=attempt.id or 0,
                        position=position,
                        question_id=f"q{position}",
                        correct=position < right,
                        answered_at=AT,
                    )
                )


def figures(data: bytes) -> dict[str, list[list[object]]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book}
