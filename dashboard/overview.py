"""The overview: this month and this year at a glance, with charts (trend by week, by activity
type, by town) and residents' questions. A year of a district's reports takes the database a
while to sum, so the figures are kept for a minute (the page says when they were computed)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from aiohttp import web
from markupsafe import Markup

from dashboard.common import render, services, texts
from dashboard.kept import Kept
from documents.svg import bars, weekly_columns
from handlers.kit.context import Services
from storage.attribution import reach
from storage.questions import QuestionCounts, question_counts_by_town, summed
from storage.residents import precheck_results
from storage.stats import Period, Stats, new_volunteers, period_stats
from storage.votes import VoteLine, satisfaction


@dataclass(frozen=True)
class Figures:
    name: str
    stats: Stats
    new_volunteers: int
    questions: QuestionCounts
    questions_by_town: list[tuple[str, QuestionCounts]]  # by the asker's town, "" unknown
    prechecks: dict[str, int]  # legal-aid pre-check result -> how many (anonymous)
    votes: VoteLine  # 满意度测评: 👍 / 👎 on answers and events
    reached: int  # residents first brought by a QR code of an event or poster

    @property
    def satisfied_share(self) -> str:
        return f"{self.votes.share:.0%}" if self.votes.votes else "–"

    @property
    def prechecks_total(self) -> int:
        return sum(self.prechecks.values())


def start_of(day: date, tz: ZoneInfo) -> datetime:
    """The first instant of a local day."""
    return datetime.combine(day, time(), tz)


KEPT_KEY = web.AppKey("dashboard_overview", Kept[list[Figures]])


async def overview(request: web.Request) -> web.StreamResponse:
    bot = services(request)
    figures, computed = await request.config_dict[KEPT_KEY].get(bot.now(), lambda: compute(bot))
    kinds = bot.ui.volunteers.activity_types
    year = figures[-1].stats
    charts = {
        "trend": weekly_columns(
            year.weekly,
            kinds,
            title=texts(request).trend_title,
            first=year.period.start,
            last=year.period.end,
        ),
        "types": bars(
            [(kinds.get(line.key, line.key), line.activities) for line in year.by_type],
            title=texts(request).types_title,
            empty=texts(request).chart_empty,
        ),
        "towns": bars(
            [(line.key or bot.ui.unknown_town, line.activities) for line in year.by_town],
            title=texts(request).towns_title,
            empty=texts(request).chart_empty,
        ),
    }
    return render(
        request,
        "overview.html",
        figures=figures,
        charts={name: Markup(svg) for name, svg in charts.items()},  # safe: built escaped
        kinds=kinds,
        # a year with no report: a sentence, not a bare axis
        trend_empty="" if year.total.activities else texts(request).trend_empty,
        computed=computed.astimezone(bot.tz).strftime("%H:%M:%S"),
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
            by_town = await question_counts_by_town(session=session, since=since, until=until)
            figures.append(
                Figures(
                    name,
                    await period_stats(
                        session=session, period=period, top=0, weekly=name == said.this_year
                    ),
                    await new_volunteers(session=session, since=since, until=until),
                    summed(counts for _, counts in by_town),
                    by_town,
                    await precheck_results(session=session, period=period),
                    (await satisfaction(session=session, period=period, tz=bot.tz)).total,
                    sum(
                        line.residents
                        for line in await reach(session=session, since=since, until=until)
                    ),
                )
            )
    return figures
