"""`pufa demo`'s sample data, written with the bot's own storage functions (SQLite and
PostgreSQL): volunteers in several towns, months of reports, questions some unanswered,
residents' messages to the desks in every state, a scheduled announcement; everything marked
as a sample; a second fill changes nothing."""

from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlmodel import func, select

from content.loader import Library
from content.search import SearchIndex
from domain.sample_data import SAMPLE_MONTHS, fill_sample_data
from domain.samples import SAMPLES_FILE, load_samples
from domain.tickets import Figures, desk_month_figures
from storage.broadcasts import upcoming
from storage.db import Database
from storage.models import ActivityReport, QuestionLog, Ticket, TicketStatus, Volunteer
from storage.questions import unanswered
from storage.stats import Period
from storage.tickets import claim_overdue
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
        tickets = (await session.exec(select(func.count()).select_from(Ticket))).one()
    assert count == filled.reports and tickets == filled.tickets


async def test_sample_messages_to_the_desks_are_in_every_state(
    db: Database, library: Library, index: SearchIndex
) -> None:
    """The 居民留言 page and /export 留言 have figures: messages at several desks, waiting,
    taken, answered, moved, ended with a rating, and answered late as well as in time; the
    demo starts with no reminder owed."""
    filled = await fill_sample_data(
        db, library, index, now=QUIET, tz=TZ, volunteer_id=VOLUNTEER, coordinator_id=COORDINATOR
    )
    today = QUIET.astimezone(TZ).date()
    months = Period(today - timedelta(days=30 * SAMPLE_MONTHS), today)
    async with db.session() as session:
        tickets = (await session.exec(select(Ticket))).all()
        figures = await desk_month_figures(session=session, period=months, tz=TZ)
        owed = await claim_overdue(session=session, deadline="due", now=QUIET)
        owed += await claim_overdue(session=session, deadline="escalate", now=QUIET)
    assert 8 <= filled.tickets == len(tickets) <= 15 and owed == []
    assert all(t.text.startswith("（示例）") and t.contact == "" for t in tickets)
    assert all(t.created_at <= QUIET and (t.closed_at or QUIET) <= QUIET for t in tickets)
    assert {TicketStatus(t.status) for t in tickets} == set(TicketStatus)
    assert len({t.desk_id for t in tickets}) >= 3 and len({t.town for t in tickets}) >= 3
    assert any(t.first_desk_id != t.desk_id for t in tickets)  # 转办
    assert any(t.status == TicketStatus.CLOSED and t.rating for t in tickets)
    assert any(t.taken_by == COORDINATOR and t.answered_at is None for t in tickets)
    total = sum(figures.values(), Figures())
    assert total.opened == filled.tickets and len({desk for desk, _ in figures}) >= 3
    assert 0 < total.within_sla < total.answered  # some answered after the deadline
    assert total.rated >= 2 and total.still_open >= 3 and total.closed_no_reply == 1


def test_every_sample_text_says_it_is_a_sample() -> None:
    """Each text of samples.zh.yaml a user sees starts with 示例 or carries （示例）; only the
    residents' questions are as typed (they go to the search, which a marker would change)."""
    samples = load_samples()
    shown = [
        *(v.name for v in samples.volunteers),
        *(v.organisation for v in samples.volunteers if v.organisation),
        *samples.places,
        *samples.summaries,
        samples.announcement,
        *(t.text for t in samples.tickets),
        *(t.reply for t in samples.tickets if t.reply),
    ]
    unmarked = [text for text in shown if not text.startswith("示例") and "（示例）" not in text]
    assert len(shown) >= 30 and unmarked == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("", "exactly one of ago_days and ago_minutes"),  # neither
        ("    ago_days: 110\n    ago_minutes: 5\n", "exactly one of ago_days and ago_minutes"),
        ("    ago_days: 110\n    colour: red\n", "tickets.0.colour\n  Extra inputs are not"),
    ],
)
def test_a_malformed_sample_is_refused(tmp_path: Path, change: str, message: str) -> None:
    """A broken sample fails loudly, naming the entry and field, instead of a wrong demo."""
    text = SAMPLES_FILE.read_text(encoding="utf-8")
    assert text.count("    ago_days: 110\n") == 1  # the first message's
    broken = tmp_path / "samples.zh.yaml"
    broken.write_text(text.replace("    ago_days: 110\n", change), encoding="utf-8")
    with pytest.raises(ValidationError, match=message):
        load_samples(broken)
