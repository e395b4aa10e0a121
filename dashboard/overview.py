"""The overview: this month and this year at a glance, with charts (trend by week, by activity
type, by town) and residents' questions. A year of a district's reports takes the database a
while to sum, so the figures are kept for a minute (the page says when they were computed)."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from aiohttp import web
from markupsafe import Markup

from dashboard.common import render, services, texts
from documents.svg import bars, weekly_columns
from handlers.kit.context import Services
from storage.questions import QuestionCounts, question_counts
from storage.residents import precheck_results
from storage.stats import Period, Stats, new_volunteers, period_stats


@dataclass(frozen=True)
class Figures:
    name: str
    stats: Stats
    new_volunteers: int
    questions: QuestionCounts
    prechecks: dict[str, int]  # legal-aid pre-check result -> how many (anonymous)

    @property
    def prechecks_total(self) -> int:
        return sum(self.prechecks.values())


def start_of(day: date, tz: ZoneInfo) -> datetime:
    """The first instant of a local day."""
    return datetime.combine(day, time(), tz)


@dataclass
class Kept:
    """The overview's figures as of `at` (shared by every coordinator for FRESH)."""

    at: datetime | None = None
    figures: list[Figures] = field(default_factory=list)


FRESH = timedelta(seconds=60)
KEPT_KEY = web.AppKey("dashboard_overview", Kept)


async def overview(request: web.Request) -> web.StreamResponse:
    bot = services(request)
    kept = request.config_dict[KEPT_KEY]
    now = bot.now()
    if kept.at is None or not timedelta(0) <= now - kept.at < FRESH:
        kept.figures, kept.at = await compute(bot), now
    figures = kept.figures
    kinds = bot.ui.volunteers.activity_types
    year = figures[-1].stats
    charts = {
        "trend": weekly_columns(year.weekly, kinds, title=texts(request).trend_title),
        "types": bars(
            [(kinds.get(line.key, line.key), line.activities) for line in year.by_type],
            title=texts(request).types_title,
        ),
        "towns": bars(
            [(line.key or texts(request).no_town, line.activities) for line in year.by_town],
            title=texts(request).towns_title,
        ),
    }
    return render(
        request,
        "overview.html",
        figures=figures,
        charts={name: Markup(svg) for name, svg in charts.items()},  # safe: built escaped
        kinds=kinds,
        computed=kept.at.astimezone(bot.tz).strftime("%H:%M:%S"),
    )


async def compute(bot: Services) -> list[Figures]:
    today, said = bot.today(), bot.ui.dashboard
    periods = {
        said.this_month: Period(today.replace(day=1), today),
        said.this_year: Period(date(today.year, 1, 1), today),
    }
    figures = []
    async with bot.db.session() as session:
        for name, period in periods.items():
            since = start_of(period.start, bot.tz)
            until = start_of(period.end + timedelta(days=1), bot.tz)
            figures.append(
                Figures(
                    name,
                    await period_stats(
                        session=session, period=period, top=0, weekly=name == said.this_year
                    ),
                    await new_volunteers(session=session, since=since, until=until),
                    await question_counts(session=session, since=since, until=until),
                    await precheck_results(session=session, period=period),
                )
            )
    return figures
