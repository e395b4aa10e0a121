"""The overview: this month and this year at a glance, with charts (trend by week, by activity
type, by town) and residents' questions."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from aiohttp import web
from markupsafe import Markup

from dashboard.common import render, services
from documents.svg import bars, weekly_columns
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


async def overview(request: web.Request) -> web.StreamResponse:
    bot = services(request)
    today = bot.today()
    periods = {
        "本月": Period(today.replace(day=1), today),
        "今年": Period(date(today.year, 1, 1), today),
    }
    figures = []
    async with bot.db.session() as session:
        for name, period in periods.items():
            since = start_of(period.start, bot.tz)
            until = start_of(period.end + timedelta(days=1), bot.tz)
            figures.append(
                Figures(
                    name,
                    await period_stats(session=session, period=period),
                    await new_volunteers(session=session, since=since, until=until),
                    await question_counts(session=session, since=since, until=until),
                    await precheck_results(session=session, period=period),
                )
            )
    kinds = bot.ui.volunteers.activity_types
    year = figures[-1].stats
    charts = {
        "trend": weekly_columns(year.weekly, kinds, title="今年每周活动次数（按类型）"),
        "types": bars(
            [(kinds.get(line.key, line.key), line.activities) for line in year.by_type],
            title="今年按活动类型",
        ),
        "towns": bars(
            [(line.key or "（未填）", line.activities) for line in year.by_town],
            title="今年按乡镇",
        ),
    }
    return render(
        request,
        "overview.html",
        figures=figures,
        charts={name: Markup(svg) for name, svg in charts.items()},
        kinds=kinds,
    )
