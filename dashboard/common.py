"""What every dashboard page shares: the bot's services and Application, the signed-in
coordinator, rendering a template, and reading bounded numbers and dates from a request."""

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

import aiohttp_jinja2
from aiohttp import web

from content.ui_dashboard import DashboardTexts
from handlers.kit.context import PufaApplication, Services
from storage.audit import record
from storage.dashboard import SignedIn
from storage.stats import Period

APP_KEY = web.AppKey("dashboard_application", PufaApplication)
# Whether this process is the active instance (a standby must not act: see bot.instance).
ACTIVE_KEY: web.AppKey[Callable[[], bool]] = web.AppKey("dashboard_active")
USER_KEY = web.RequestKey("dashboard_user", SignedIn)
PAGE_SIZE = 50
MAX_PAGE = 100_000
MAX_DAYS = 3 * 366  # the longest period one page or export covers
FIRST_YEAR = 2000  # the earliest month asked for that is looked up


def application(request: web.Request) -> PufaApplication:
    return request.config_dict[APP_KEY]


def services(request: web.Request) -> Services:
    return application(request).services


def user(request: web.Request) -> SignedIn:
    return request[USER_KEY]


def render(request: web.Request, template: str, status: int = 200, **values: Any) -> web.Response:
    signed: SignedIn | None = request.get(USER_KEY)
    context = {
        "csrf": signed.csrf if signed else "",
        "me": signed,
        "path": request.path,
        "unknown_town": services(request).ui.unknown_town,
    }
    return aiohttp_jinja2.render_template(template, request, context | values, status=status)


def notice(request: web.Request, message: str, status: int) -> web.Response:
    """A page that only says something (a refusal, a mistake)."""
    return render(request, "notice.html", status=status, message=message)


def number(text: str | None, *, maximum: int) -> int | None:
    """An ASCII number from 0 to `maximum`, or None."""
    if not text or not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    value = int(text)
    return value if value <= maximum else None


def day(text: str | None) -> date | None:
    """A YYYY-MM-DD date, or None."""
    if not text or len(text) != 10 or not text.isascii():
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def period_of(request: web.Request) -> tuple[Period, list[str]]:
    """The period in the query string (`start`, `end`; this month by default), and what was
    wrong in it: a date not understood, or in a year before FIRST_YEAR or after next year, is
    said and the default used instead, an end before the start is said and the two swapped,
    a period longer than MAX_DAYS is said and cut."""
    said, today = texts(request), services(request).today()
    problems: list[str] = []
    years = range(FIRST_YEAR, today.year + 2)
    start = _day_asked(
        request,
        "start",
        today.replace(day=1),
        (said.start_not_understood, said.start_out_of_range),
        years,
        problems,
    )
    end = _day_asked(
        request, "end", today, (said.end_not_understood, said.end_out_of_range), years, problems
    )
    if end < start:
        start, end = end, start
        problems.append(said.end_before_start.format(start=start, end=end))
    if (end - start).days > MAX_DAYS:
        problems.append(said.period_too_long)
        start = end - timedelta(days=MAX_DAYS)
    return Period(start, end), problems


def _day_asked(
    request: web.Request,
    name: str,
    default: date,
    said: tuple[str, str],
    years: range,
    problems: list[str],
) -> date:
    """The YYYY-MM-DD date in the query string's `name`, `default` if none is given; one not
    understood (`said[0]`) or in none of `years` (`said[1]`) is said in `problems` and
    `default` used instead."""
    unread, beyond = said
    typed = request.query.get(name, "").strip()
    found = day(typed)
    if found is not None and found.year not in years:
        first, last = years[0], years[-1]
        problems.append(beyond.format(typed=typed, first=first, last=last, used=default))
        return default
    return _asked(request, name, day, default, unread, problems)


def month_of(request: web.Request) -> tuple[Period, list[str]]:
    """The whole month in the query string's `month` (YYYY-MM; this month by default), and
    what was wrong in it: a month not understood is said and this month used instead."""
    problems: list[str] = []
    this_month = services(request).today().replace(day=1)
    last_year = this_month.year + 1

    def month(text: str) -> date | None:
        first = day(f"{text}-01") if len(text) == 7 and text[4] == "-" else None
        return first if first is not None and FIRST_YEAR <= first.year <= last_year else None

    said = texts(request).month_not_understood
    first = _asked(request, "month", month, this_month, said, problems, shown="%Y-%m")
    last = calendar.monthrange(first.year, first.month)[1]
    return Period(first, first.replace(day=last)), problems


def _asked(
    request: web.Request,
    name: str,
    read: Callable[[str], date | None],
    default: date,
    said: str,
    problems: list[str],
    shown: str = "%Y-%m-%d",
) -> date:
    """The date in the query string's `name` as `read` reads it, `default` if none is given;
    one not understood is said (`said`, with `default` written as `shown`) in `problems`
    and `default` used instead."""
    typed = request.query.get(name, "").strip()
    if not typed:
        return default
    found = read(typed)
    if found is None:
        problems.append(said.format(typed=typed[:20], used=f"{default:{shown}}"))
        return default
    return found


@dataclass(frozen=True)
class Page:
    number: int  # from 1
    size: int = PAGE_SIZE

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    def pages(self, total: int) -> int:
        return max(1, -(-total // self.size))


def page_of(request: web.Request, name: str = "page", size: int = PAGE_SIZE) -> Page:
    """The page asked for in the query string's `name` (the first one when none or wrong)."""
    return Page(max(1, number(request.query.get(name), maximum=MAX_PAGE) or 1), size)


def past_the_end(
    request: web.Request, page: Page, pages: int, name: str = "page"
) -> web.Response | None:
    """A page after the last one (a link kept from when there were more, a number typed by
    hand): the last one, the rest of the query string kept; None for a page that is there."""
    if page.number <= pages:
        return None
    query = {**request.query, name: str(pages)}
    return see_other(f"{request.path}?{urlencode(query)}")


async def audit(request: web.Request, action: str, target: str = "", detail: str = "") -> None:
    """Records a coordinator's action taken in the dashboard (`dashboard.` is prefixed)."""
    bot = services(request)
    async with bot.db.session() as session:
        await record(
            session=session,
            actor_id=user(request).telegram_id,
            action=f"dashboard.{action}",
            target=target,
            detail=detail,
            now=bot.now(),
        )


def see_other(location: str) -> web.Response:
    """After a form: go to `location` (a reload does not post the form again)."""
    return web.Response(status=303, headers={"Location": location})


async def form_page(request: web.Request) -> web.StreamResponse:
    """A form's address opened as a page (a reload after the form was refused, a bookmark):
    the page the form is on, one step up (/dashboard/reports/5/review: the report's)."""
    return see_other(request.path.rsplit("/", 1)[0])


def texts(request: web.Request) -> DashboardTexts:
    """What the pages say from code (content/ui.zh.yaml, `dashboard:`)."""
    return services(request).ui.dashboard
