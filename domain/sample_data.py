"""Clearly fake sample data for `pufa demo`: volunteers (示例) in several towns, a few months
of activity reports, residents' questions (some found no card, one marked 没解决), their
messages to duty staff (domain.sample_tickets), a few subscribers and a scheduled
announcement; their texts are in domain/samples.zh.yaml. Written with the same storage
functions the bot uses, so the demo's /stats, /export, /scheduled, /tickets and the
dashboard show real behaviour."""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from content.loader import Library
from content.search import SearchIndex
from domain.answers import answer, log_entry
from domain.sample_tickets import fill_sample_tickets
from domain.samples import load_samples
from storage.broadcasts import add_broadcast
from storage.db import Database
from storage.models import Broadcast
from storage.questions import log_questions, mark_unsolved
from storage.reports import ReportData, mark_notified, submit_report
from storage.subscriptions import ensure_recipient, set_town, toggle_category
from storage.volunteers import (
    VolunteerProfile,
    create_invite,
    get_volunteer,
    register_volunteer,
)

SAMPLE_MONTHS = 4


@dataclass(frozen=True)
class SampleData:
    volunteers: int
    reports: int
    questions: int
    tickets: int
    broadcasts: int


async def fill_sample_data(
    db: Database,
    library: Library,
    index: SearchIndex,
    *,
    now: datetime,
    tz: ZoneInfo,
    volunteer_id: int,
    coordinator_id: int,
) -> SampleData:
    """Fills an empty database (one already filled is left alone); `volunteer_id` becomes
    the first sample volunteer (the demo's 志愿者 role), `coordinator_id` the author of the
    scheduled announcement and the staff member who took and answered the sample messages
    (the demo's desks are its coordinator's)."""
    async with db.session() as session:
        if await get_volunteer(session=session, telegram_id=volunteer_id) is not None:
            return SampleData(0, 0, 0, 0, 0)  # filled before
    rng = random.Random(2026)  # the same sample every time
    towns = [t.town for t in library.towns] or ["示例县城关镇"]
    volunteers = load_samples().volunteers
    ids = [volunteer_id, *range(900_001, 900_001 + len(volunteers) - 1)]
    async with db.session() as session:
        invite = await create_invite(
            session=session,
            created_by=coordinator_id,
            valid_for=timedelta(days=30),
            now=now - timedelta(days=30 * SAMPLE_MONTHS),
        )
        places_of = {t.town: t.places for t in library.towns}
        for telegram_id, volunteer in zip(ids, volunteers, strict=True):
            town = towns[ids.index(telegram_id) % len(towns)]
            places = places_of.get(town, [])
            profile = VolunteerProfile(
                name=volunteer.name,
                town=town,
                place=places[0] if places else "",
                organisation=volunteer.organisation,
                phone=f"1380000{ids.index(telegram_id):04d}",  # not a real number
            )
            await register_volunteer(
                session=session,
                telegram_id=telegram_id,
                code=invite.code,
                profile=profile,
                now=now - timedelta(days=30 * SAMPLE_MONTHS),
            )
    reports = await _reports(db, library, ids, towns, rng, now=now, tz=tz)
    questions = await _questions(db, index, library, rng, now=now)
    tickets = await fill_sample_tickets(db, library, now=now, tz=tz, staff_id=coordinator_id)
    async with db.session() as session:
        for chat_id in range(800_001, 800_013):  # sample subscribers
            await ensure_recipient(session=session, chat_id=chat_id, now=now)
            await toggle_category(
                session=session,
                chat_id=chat_id,
                category=rng.choice(library.categories).id,
            )
            await set_town(session=session, chat_id=chat_id, town=rng.choice(towns))
        await add_broadcast(session=session, broadcast=_announcement(coordinator_id, now, tz))
    return SampleData(len(ids), reports, questions, tickets, 1)


async def _reports(
    db: Database,
    library: Library,
    volunteer_ids: list[int],
    towns: list[str],
    rng: random.Random,
    *,
    now: datetime,
    tz: ZoneInfo,
) -> int:
    today = now.astimezone(tz).date()
    samples = load_samples()
    types = list(library.ui.volunteers.activity_types)
    categories = [c.id for c in library.categories]
    stored: list[int] = []
    async with db.session() as session:
        for days_ago in range(30 * SAMPLE_MONTHS, 0, -3):
            n = rng.randrange(len(volunteer_ids))
            data = ReportData(
                activity_type=rng.choice(types),
                activity_date=today - timedelta(days=days_ago),
                place=rng.choice(samples.places),
                audience=rng.randrange(20, 300),
                hours=rng.choice((1.0, 1.5, 2.0, 3.0)),
                summary=rng.choice(samples.summaries),
                town=towns[n % len(towns)],
                topics=tuple(rng.sample(categories, 2)),
                materials=rng.randrange(0, 400),
            )
            done = await submit_report(
                session=session,
                volunteer_id=volunteer_ids[n],
                data=data,
                submission_key=f"sample-{days_ago}",
                now=now - timedelta(days=days_ago - 1),
            )
            stored.append(done.report_id)
        # coordinators "were told" of these long ago: no catch-up digest at the demo's start
        await mark_notified(session=session, report_ids=stored, now=now)
    return len(stored)


async def _questions(
    db: Database, index: SearchIndex, library: Library, rng: random.Random, *, now: datetime
) -> int:
    samples = load_samples()
    questions, unanswered = samples.questions, samples.unanswered
    asked = [*questions, *questions[:4], *unanswered, unanswered[0]]
    entries = [
        log_entry(
            answer(index, text, safety=library.safety),
            telegram_id=700_001 + n,
            chat_type="private",
            source="text",
            now=now - timedelta(days=rng.randrange(1, 60), minutes=n),
        )
        for n, text in enumerate(asked)
    ]
    async with db.session() as session:
        await log_questions(session, entries)
    unsolved = next(e for e in entries if e.matched)
    async with db.session() as session:
        await mark_unsolved(
            session=session, ref=unsolved.ref, telegram_id=unsolved.telegram_id or 0
        )
    return len(entries)


def _announcement(coordinator_id: int, now: datetime, tz: ZoneInfo) -> Broadcast:
    day = (now.astimezone(tz) + timedelta(days=3)).date()
    send_at = datetime(day.year, day.month, day.day, 9, 0, tzinfo=tz)
    return Broadcast(
        origin="coordinator",
        created_by=coordinator_id,
        text=load_samples().announcement,
        audience="all",
        send_at=send_at,
        dedupe_key="sample:announcement",
        created_at=now,
    )
