"""The 考核 evidence pack: one workbook for a year, a sheet per evaluation indicator with the
activities that serve it (date, town, place, audience, hours, volunteer, photo references)
and their totals, then the residents QR codes brought, satisfaction and quiz participation,
and a summary sheet first. Text cells are XLSX inline strings, never formulas.

An activity serves an indicator when its type or one of its campaigns is listed for the
indicator (content/indicators.yaml), or when its topics carry the indicator's id (a tag) and a
coordinator has verified the report. Returned reports are left out (storage.evidence)."""

import asyncio
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from content.indicators import Indicator, counted_by_default
from content.loader import Library
from documents.tables import Cell, Table
from documents.xlsx import XlsxWriter
from domain.reach import COLUMNS as REACH_COLUMNS
from domain.reach import reach_rows
from domain.satisfaction import COLUMNS as SATISFACTION_COLUMNS
from domain.satisfaction import satisfaction_rows
from storage.attribution import Reach, reach
from storage.evidence import (
    ActivityLine,
    QuizLine,
    activities,
    quiz_participation,
    quiz_people,
)
from storage.stats import Period
from storage.votes import Satisfaction, satisfaction

ACTIVITY_COLUMNS = (
    "date",
    "town",
    "place",
    "activity_type",
    "audience",
    "hours",
    "volunteer",
    "photos",
)


def serves(indicator: Indicator, line: ActivityLine) -> bool:
    """By its type or campaigns; by a tag (a volunteer's pick or a coordinator's /tag) only
    once a coordinator has 核实 the report, so no one's unreviewed word counts."""
    tagged = indicator.id in line.topics and line.verified
    return tagged or counted_by_default(indicator, line.activity_type, line.topics)


@dataclass
class Totals:
    activities: int = 0
    audience: int = 0
    hours: float = 0.0
    volunteers: set[int] = field(default_factory=set)

    def add(self, line: ActivityLine) -> None:
        self.activities += 1
        self.audience += line.audience
        self.hours += line.hours
        self.volunteers.add(line.volunteer_id)

    def cells(self) -> list[Cell]:
        return [self.activities, self.audience, round(self.hours, 2), len(self.volunteers)]


@dataclass(frozen=True)
class Evidence:
    year: int
    lines: list[ActivityLine]
    codes: list[Reach]
    code_rows: list[list[Cell]]
    votes: Satisfaction
    quiz: list[QuizLine]
    quiz_people: int

    @property
    def records(self) -> int:
        """What the year recorded: activities, QR codes, votes and quiz attempts (0: nothing,
        so no workbook of empty sheets is made)."""
        attempts = sum(q.attempts for q in self.quiz)
        return len(self.lines) + len(self.codes) + self.votes.total.votes + attempts


async def gather(*, session: AsyncSession, year: int, library: Library, tz: ZoneInfo) -> Evidence:
    period = Period(date(year, 1, 1), date(year, 12, 31))
    since, until = period.instants(tz)
    codes = await reach(session=session, since=since, until=until)
    return Evidence(
        year=year,
        lines=await activities(session=session, period=period),
        codes=codes,
        code_rows=await reach_rows(session=session, lines=codes, library=library),
        votes=await satisfaction(session=session, period=period, tz=tz),
        quiz=await quiz_participation(session=session, since=since, until=until),
        quiz_people=await quiz_people(session=session, since=since, until=until),
    )


async def evidence_workbook(
    *, session: AsyncSession, year: int, library: Library, tz: ZoneInfo, today: date
) -> Table:
    evidence = await gather(session=session, year=year, library=library, tz=tz)
    data = await asyncio.to_thread(write_workbook, evidence, library, today)
    return Table(data, evidence.records)


def write_workbook(evidence: Evidence, library: Library, today: date) -> bytes:
    labels = library.ui.engagement.evidence
    per_indicator = {
        i.id: [line for line in evidence.lines if serves(i, line)] for i in library.indicators
    }
    writer = XlsxWriter(labels["summary_sheet"])
    _summary(writer, evidence, library, per_indicator, today)
    for indicator in library.indicators:
        writer.add_sheet(indicator.name)
        _indicator_sheet(writer, indicator, per_indicator[indicator.id], library)
    writer.add_sheet(labels["reach_sheet"])
    headers = library.ui.engagement.reach_headers
    writer.add_rows([[headers[c] for c in REACH_COLUMNS]], bold=True)
    writer.add_rows(evidence.code_rows)
    writer.add_sheet(labels["satisfaction_sheet"])
    headers = library.ui.engagement.satisfaction_headers
    writer.add_rows([[headers[c] for c in SATISFACTION_COLUMNS]], bold=True)
    writer.add_rows(satisfaction_rows(evidence.votes, library))
    writer.add_sheet(labels["quiz_sheet"])
    writer.add_rows(
        [
            [
                labels["town"],
                labels["quiz_attempts"],
                labels["quiz_participants"],
                labels["quiz_answers"],
                labels["quiz_correct_share"],
            ]
        ],
        bold=True,
    )
    writer.add_rows(
        [
            [
                q.town or library.ui.unknown_town,
                q.attempts,
                q.participants,
                q.answers,
                _share(q.correct, q.answers),
            ]
            for q in evidence.quiz
        ]
    )
    return writer.finish()


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _summary(
    writer: XlsxWriter,
    evidence: Evidence,
    library: Library,
    per_indicator: dict[str, list[ActivityLine]],
    today: date,
) -> None:
    labels = library.ui.engagement.evidence
    writer.add_rows(
        [
            [
                library.ui.engagement.evidence_title.format(
                    year=evidence.year, day=today.isoformat()
                )
            ],
            [],
        ],
        bold=True,
    )
    keys = ("indicator", "what_counts", "activities", "audience", "hours", "volunteers")
    writer.add_rows([[labels[k] for k in keys]], bold=True)
    rows: list[list[Cell]] = []
    for indicator in library.indicators:
        totals = Totals()
        for line in per_indicator[indicator.id]:
            totals.add(line)
        rows.append([indicator.name, indicator.what_counts, *totals.cells()])
    everything = Totals()
    for line in evidence.lines:
        everything.add(line)
    rows += [[], [labels["all_activities"], "", *everything.cells()], []]
    writer.add_rows(rows)
    writer.add_rows([[labels["other"]]], bold=True)
    reached = evidence.codes
    votes = evidence.votes.total
    answers = sum(q.answers for q in evidence.quiz)
    writer.add_rows(
        [
            [labels["qr_residents"], sum(c.residents for c in reached)],
            [labels["qr_questions"], sum(c.questions for c in reached)],
            [labels["qr_subscriptions"], sum(c.subscriptions for c in reached)],
            [labels["qr_quiz"], sum(c.quiz_answers for c in reached)],
            [labels["votes"], votes.votes],
            [labels["satisfied_share"], _share(votes.satisfied, votes.votes)],
            [labels["quiz_attempts"], sum(q.attempts for q in evidence.quiz)],
            [labels["quiz_participants"], evidence.quiz_people],
            [labels["quiz_answers"], answers],
            [labels["quiz_correct_share"], _share(sum(q.correct for q in evidence.quiz), answers)],
        ]
    )


def _indicator_sheet(
    writer: XlsxWriter, indicator: Indicator, lines: list[ActivityLine], library: Library
) -> None:
    labels = library.ui.engagement.evidence
    kinds = library.ui.volunteers.activity_types
    anonymous = library.ui.volunteers.anonymous
    writer.add_rows([[indicator.name]], bold=True)
    writer.add_rows([[indicator.what_counts], []])
    writer.add_rows([[labels[c] for c in ACTIVITY_COLUMNS]], bold=True)
    if not lines:
        writer.add_rows([[labels["none"]]])
        return
    totals = Totals()
    rows: list[list[Cell]] = []
    for line in lines:
        totals.add(line)
        photos = (
            library.ui.engagement.evidence_photo_ref.format(id=line.id, n=line.photos)
            if line.photos
            else ""
        )
        rows.append(
            [
                line.activity_date,
                line.town or library.ui.unknown_town,
                line.place,
                kinds.get(line.activity_type, line.activity_type),
                line.audience,
                line.hours,
                line.volunteer or anonymous,
                photos,
            ]
        )
    writer.add_rows(rows)
    activities_, audience, hours, volunteers = totals.cells()
    writer.add_rows(
        [
            [labels["total"], None, None, None, audience, hours, volunteers, None],
            [labels["activities"], activities_],
        ],
        bold=True,
    )
