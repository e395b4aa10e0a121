"""QR attribution as people read it: a volunteer's lines in /myreports, the coordinators' /stats
section and spreadsheet. Only counts: never who the residents are. A code's title is shown
with its personal numbers masked (titles have been masked when made since; older ones were
stored as typed)."""

import asyncio
import html
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from content.loader import Library
from content.privacy import mask_personal_numbers
from documents.tables import Cell, Format, Table, TableWriter
from storage.attribution import Reach, reach
from storage.models import Volunteer
from storage.stats import Period

SECTION_LINES = 8
COLUMNS = (
    "title",
    "kind",
    "town",
    "volunteer",
    "event_date",
    "residents",
    "questions",
    "subscriptions",
    "quiz_answers",
)


def reach_lines(lines: list[Reach], library: Library) -> list[str]:
    texts = library.ui.engagement
    return [
        texts.reach_line.format(
            title=html.escape(mask_personal_numbers(line.title)),
            kind=texts.reach_kinds.get(line.kind, line.kind),
            residents=line.residents,
            questions=line.questions,
            subscriptions=line.subscriptions,
            quiz=line.quiz_answers,
        )
        for line in lines[:SECTION_LINES]
    ]


def volunteer_reach_html(lines: list[Reach], library: Library) -> str:
    """The /myreports section of one volunteer's codes."""
    texts = library.ui.engagement
    return "\n".join([texts.reach_title, *(reach_lines(lines, library) or [texts.reach_none])])


def stats_reach_html(lines: list[Reach], library: Library) -> str:
    """The /stats section: totals over every code, then the codes that reached most."""
    texts = library.ui.engagement
    reached = [line for line in lines if line.residents]
    if not reached:
        return texts.stats_reach_empty
    total = texts.stats_reach.format(
        codes=len(reached),
        residents=sum(line.residents for line in reached),
        questions=sum(line.questions for line in reached),
        subscriptions=sum(line.subscriptions for line in reached),
        quiz=sum(line.quiz_answers for line in reached),
    )
    return "\n".join([total, *reach_lines(reached, library)])


async def period_reach(*, session: AsyncSession, period: Period, tz: ZoneInfo) -> list[Reach]:
    since, until = period.instants(tz)
    return await reach(session=session, since=since, until=until)


async def export_reach(
    *, session: AsyncSession, period: Period, fmt: Format, library: Library, tz: ZoneInfo
) -> Table:
    """Per code: residents first reached in the period, their questions and subscriptions."""
    lines = await period_reach(session=session, period=period, tz=tz)
    rows = await reach_rows(session=session, lines=lines, library=library)
    headers = library.ui.engagement.reach_headers
    writer = TableWriter(fmt, library.ui.engagement.reach_sheet, [headers[c] for c in COLUMNS])
    writer.add_rows(rows)
    return await asyncio.to_thread(writer.table)


async def reach_rows(
    *, session: AsyncSession, lines: list[Reach], library: Library
) -> list[list[Cell]]:
    """One row per code (COLUMNS), with its volunteer's name."""
    ids = {line.volunteer_id for line in lines}
    query = select(Volunteer.telegram_id, Volunteer.name).where(
        col(Volunteer.telegram_id).in_(ids)
    )
    names = dict((await session.exec(query)).all())
    texts = library.ui.engagement
    anonymous = library.ui.volunteers.anonymous
    return [
        [
            mask_personal_numbers(line.title),
            texts.reach_kinds.get(line.kind, line.kind),
            line.town or library.ui.unknown_town,
            names.get(line.volunteer_id) or anonymous,
            line.event_date,
            line.residents,
            line.questions,
            line.subscriptions,
            line.quiz_answers,
        ]
        for line in lines
    ]
