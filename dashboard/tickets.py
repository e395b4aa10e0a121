"""居民留言: residents' messages to duty desks, for coordinators to keep an eye on. Each
desk's figures for a chosen month are /export 留言's (domain.tickets.desk_month_figures), and
the messages not ended yet are listed oldest first with how long they have waited, who took
them and whether they are past their due time or were escalated. Nothing of the resident's is
shown (no message text, phone number or Telegram id): staff read messages in their desk's
chat. What the page says from code is in the catalogue (ui.zh.yaml, `dashboard.tickets`), its
own words in dashboard/templates/tickets.html, as every page's."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from aiohttp import web

from content.ui_dashboard import TicketPageTexts
from dashboard.common import month_of, page_of, past_the_end, render, services
from domain.tickets import Figures, desk_month_figures
from handlers.kit.context import Services
from storage.models import TicketStatus
from storage.people import names_of
from storage.tickets import WAITING, OpenTicketLine, not_ended

LOCAL_TIME = "%Y-%m-%d %H:%M"


@dataclass(frozen=True)
class DeskLine:
    desk: str  # its name (its id if gone from desks.yaml, as the export)
    figures: Figures

    @property
    def average(self) -> str:
        value = self.figures.average_rating
        return "–" if value is None else f"{value:g}"


@dataclass(frozen=True)
class Line:
    number: int
    desk: str
    category: str
    town: str
    opened: str  # local time
    waited: str  # "" once answered
    status: str
    due: str  # local time; "" once answered
    overdue: bool
    escalated: bool


def waited(said: TicketPageTexts, since: datetime, now: datetime) -> str:
    """How long from `since` to `now` (wall-clock time): 2 天 3 小时, 4 小时 5 分, 6 分钟."""
    minutes = max(0, int((now - since) / timedelta(minutes=1)))
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return said.waited_days.format(days=days, hours=hours)
    if hours:
        return said.waited_hours.format(hours=hours, minutes=minutes)
    return said.waited_minutes.format(minutes=minutes)


def lines_of(
    bot: Services, tickets: list[OpenTicketLine], names: dict[int, str], now: datetime
) -> list[Line]:
    said, library = bot.ui.dashboard.tickets, bot.library
    lines = []
    for t in tickets:
        waiting = t.status.value in WAITING
        if t.status is TicketStatus.OPEN:
            status = said.status_open
        elif t.status is TicketStatus.TAKEN and t.taken_by in names:
            status = said.status_taken_by.format(name=names[t.taken_by])
        elif t.status is TicketStatus.TAKEN:
            status = said.status_taken
        else:
            status = said.status_answered
        lines.append(
            Line(
                number=t.id,
                desk=library.desk_name(t.desk_id),
                category=library.category_name(t.category),
                town=t.town or bot.ui.unknown_town,
                opened=t.created_at.astimezone(bot.tz).strftime(LOCAL_TIME),
                waited=waited(said, t.waiting_since, now) if waiting else "",
                status=status,
                due=t.due_at.astimezone(bot.tz).strftime(LOCAL_TIME) if waiting else "",
                overdue=waiting and t.due_at <= now,
                escalated=waiting and t.escalated_at is not None,
            )
        )
    return lines


async def tickets_page(request: web.Request) -> web.StreamResponse:
    bot = services(request)
    period, problems = month_of(request)
    page = page_of(request)
    now = bot.now()
    async with bot.db.session() as session:
        figures = await desk_month_figures(session=session, period=period, tz=bot.tz)
        tickets, total = await not_ended(session=session, offset=page.offset, limit=page.size)
        taken = {t.taken_by for t in tickets if t.taken_by is not None}
        names = await names_of(session=session, ids=taken)
    if (last := past_the_end(request, page, page.pages(total))) is not None:
        return last
    # one month: a line per desk, in the export's order
    by_desk = [
        DeskLine(bot.library.desk_name(desk), f) for (desk, _), f in sorted(figures.items())
    ]
    month = f"{period.start:%Y-%m}"
    return render(
        request,
        "tickets.html",
        month=month,
        problems=problems,
        by_desk=by_desk,
        # the 合计 row, named by the template
        total_line=DeskLine("", sum((line.figures for line in by_desk), Figures())),
        lines=lines_of(bot, tickets, names, now),
        total=total,
        page=page,
        pages=page.pages(total),
        query={"month": month},
    )
