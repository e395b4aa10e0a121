"""`pufa demo`'s sample data, written with the bot's own storage functions (SQLite and
PostgreSQL): volunteers in several towns, months of reports, questions some unanswered, a
scheduled announcement; everything marked as a sample; a second fill changes nothing."""

from datetime import timedelta

from sqlmodel import func, select

from content.loader import Library
from content.search import SearchIndex
from domain.sample_data import fill_sample_data
from storage.broadcasts import upcoming
from storage.db import Database
from storage.models import ActivityReport, QuestionLog, Volunteer
from storage.questions import unanswered
from tests.clock import QUIET, TZ

VOLUNTEER, COORDINATOR = 10002, 10003


async def test_sample_data_fills_every_part_of_the_demo(
    db: Database, library: Library, index: SearchIndex
) -> None:
    filled = await fill_sample_data(
        db, library, index, now=QUIET, tz=TZ, volunteer_id=VOLUNTEER, coordinator_id=COORDINATOR
    )
    assert filled.volunteers >= 5 and filled.reports >= 30
    async with db.session() as session:
        volunteers = (await session.exec(select(Volunteer))).all()
        reports = (await session.exec(select(ActivityReport))).all()
        gaps = await unanswered(session=session, since=QUIET - timedelta(days=90))
        scheduled = await upcoming(session=session, origins=["coordinator"])
        logged = (await session.exec(select(func.count()).select_from(QuestionLog))).one()
    assert any(v.telegram_id == VOLUNTEER and v.active for v in volunteers)
    assert all("示例" in v.name for v in volunteers)
    assert len({v.town for v in volunteers}) >= 3
    months = {r.activity_date.strftime("%Y-%m") for r in reports}
    assert len(months) >= 3 and all("示例" in r.summary for r in reports)
    assert len(gaps) >= 3 and logged == filled.questions
    [announcement] = scheduled
    assert "示例" in announcement.text and announcement.send_at > QUIET

    again = await fill_sample_data(
        db, library, index, now=QUIET, tz=TZ, volunteer_id=VOLUNTEER, coordinator_id=COORDINATOR
    )
    assert again.reports == 0
    async with db.session() as session:
        count = (await session.exec(select(func.count()).select_from(ActivityReport))).one()
    assert count == filled.reports
