"""Residents' messages to duty staff, without Telegram: which desk takes a message, when it
should be answered, what the resident may type, and the figures coordinators export."""

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import astuple, dataclass
from datetime import datetime, time, timedelta, tzinfo

from sqlmodel.ext.asyncio.session import AsyncSession

from content.desks import Desk, after_open_hours, desks_for, fallback_desk, next_opening, open_at
from content.loader import Library
from content.office_hours import Holidays
from content.privacy import mask_card_numbers
from content.report_input import clean_text
from documents.tables import Cell, Format, Table, TableWriter
from storage.models import CloseReason
from storage.stats import Period
from storage.tickets import TicketFigureRow, ticket_figure_rows

MAX_TICKET_CHARS = 1000  # one message to staff (and its follow-ups)
MIN_TICKET_CHARS = 5  # a message staff can act on (not counting spaces)
MAX_WAITING = 3  # a resident's unanswered messages before a new one must wait
FIGURE_COLUMNS = (
    "desk",
    "month",
    "opened",
    "answered",
    "within_sla",
    "rated",
    "satisfied",
    "average_rating",
    "closed_phoned",
    "closed_duplicate",
    "closed_no_reply",
    "closed_erased",
    "closed_unrecorded",
)
SATISFIED = 3  # the rating of 满意 (1 不满意, 2 一般, 3 满意)
# The field of a message left for a village legal adviser when the resident came with none:
# 一村一法律顾问 is a public legal service (categories.yaml: 法律援助与公共法律服务), not the
# adviser desk's first field. Without it in the content the resident is asked.
ADVISER_CATEGORY = "legal_aid"


def ticket_text(text: str) -> str:
    """What the resident typed, tidied; raises content.report_input.InputError when empty,
    longer than MAX_TICKET_CHARS, or without a single letter (emoji alone say nothing)."""
    return clean_text(text, MAX_TICKET_CHARS, multiline=True)


def resident_text(text: str) -> tuple[str, bool]:
    """A resident's message or follow-up (as `ticket_text`) with ID-card and bank-card numbers
    hidden, and whether any were: they are never stored or passed on."""
    cleaned = ticket_text(text)
    masked = mask_card_numbers(cleaned)
    return masked, masked != cleaned


def too_short(text: str) -> bool:
    return len("".join(text.split())) < MIN_TICKET_CHARS


_NUMBER_ONLY = re.compile(r"[\d\s+\-().（）]+", re.ASCII)
_MOBILE = re.compile(r"(?:\+?86)?(1[3-9]\d{9})", re.ASCII)


def typed_number(text: str) -> str | None:
    """What a resident typed where a phone number is asked: "" for no number at all (text),
    the mainland mobile number (11 digits, 1[3-9]...; +86 and separators allowed), or None
    for digits that are not one."""
    value = unicodedata.normalize("NFKC", text).strip()
    if not _NUMBER_ONLY.fullmatch(value) or not any(c.isdigit() for c in value):
        return ""
    found = _MOBILE.fullmatch(re.sub(r"[\s\-().]", "", value))
    return found[1] if found else None


def choose_desk(
    desks: Sequence[Desk], *, town: str, category: str, desk_id: str = ""
) -> Desk | None:
    """The desk a message goes to: the one asked for by id (a village adviser's), else the one
    serving the town and taking the category, else the town's 兜底 desk (`fallback_desk`);
    village advisers only when asked for by id (they serve one village, not the town). The
    content check allows one desk per town and field and one 兜底 desk per town: the file's
    order decides nothing."""
    if desk_id:
        return next((d for d in desks if d.id == desk_id), None)
    general = [d for d in desks if d.kind != "village_adviser"]
    if found := desks_for(general, town=town, category=category):
        return found[0]
    return fallback_desk(general, town)


def adviser_category(categories: Iterable[str], known: str) -> str | None:
    """The field of a message left for a village adviser: the one the resident came with (a
    card's or the fallback's), else ADVISER_CATEGORY; None if neither is in the content."""
    ids = set(categories)
    return next((c for c in (known, ADVISER_CATEGORY) if c and c in ids), None)


def adviser_desk(desks: Sequence[Desk], *, town: str, village: str) -> Desk | None:
    """The desk of a village's legal adviser, if one is configured."""
    return next(
        (
            d
            for d in desks
            if d.kind == "village_adviser" and town in d.towns and village in d.villages
        ),
        None,
    )


def deadlines(
    desk: Desk, created: datetime, holidays: Holidays | None, tz: tzinfo
) -> tuple[datetime, datetime]:
    """When the desk is reminded (once it has been open reply_within_hours since `created`)
    and when the coordinators are told (open escalate_after_hours): only office hours count,
    unless the desk is not open that long in content.desks.SEARCH_DAYS days (holidays): then
    the wall clock does."""
    try:
        return (
            after_open_hours(desk, created, desk.reply_within_hours, holidays, tz),
            after_open_hours(desk, created, desk.escalate_after_hours, holidays, tz),
        )
    except ValueError:
        return (
            created + timedelta(hours=desk.reply_within_hours),
            created + timedelta(hours=desk.escalate_after_hours),
        )


def expected_start(
    desk: Desk, now: datetime, holidays: Holidays | None, tz: tzinfo
) -> datetime | None:
    """None while the desk is open; otherwise when it opens next (local time)."""
    if open_at(desk, now, holidays, tz):
        return None
    return next_opening(desk, now, holidays, tz)


def desk_chats(desk: Desk) -> list[int]:
    """Where a desk's tickets are sent: its staff group, or else each of its staff."""
    return [desk.staff_chat_id] if desk.staff_chat_id is not None else list(desk.staff)


def is_staff(desk: Desk, user_id: int, chat_id: int) -> bool:
    """Staff of the desk: a listed staff member anywhere, or, for a desk without a list, anyone
    in its staff group."""
    if desk.staff:
        return user_id in desk.staff
    return desk.staff_chat_id is not None and chat_id == desk.staff_chat_id


@dataclass(frozen=True)
class Figures:
    opened: int = 0
    answered: int = 0
    within_sla: int = 0
    rated: int = 0
    satisfied: int = 0
    rating_sum: int = 0
    # Ended with no answer, by why (CloseReason; unrecorded: ended before reasons were kept).
    closed_phoned: int = 0
    closed_duplicate: int = 0
    closed_no_reply: int = 0
    closed_erased: int = 0
    closed_unrecorded: int = 0
    # Not ended yet (answered or not), at the desk it was first sent to, as `opened`: the
    # dashboard's, not an export column.
    still_open: int = 0

    @property
    def average_rating(self) -> float | None:
        """The average rating (1 不满意 to 3 满意), to two decimals; None with none."""
        return round(self.rating_sum / self.rated, 2) if self.rated else None

    def __add__(self, other: "Figures") -> "Figures":
        return Figures(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))


ENDED_UNANSWERED = {
    CloseReason.PHONED: Figures(closed_phoned=1),
    CloseReason.DUPLICATE: Figures(closed_duplicate=1),
    CloseReason.NO_REPLY: Figures(closed_no_reply=1),
    CloseReason.ERASED: Figures(closed_erased=1),
    None: Figures(closed_unrecorded=1),
}


def ticket_figures(rows: Iterable[TicketFigureRow], tz: tzinfo) -> dict[tuple[str, str], Figures]:
    """(desk id, YYYY-MM in `tz`) -> the figures of the tickets opened then. A ticket moved by
    转办 counts for each desk what it did: opened at the desk it was first sent to, answered
    (and by the deadline) at the desk that gave the first answer, its rating at the desk that
    had it when it ended, and so does why it ended if nobody had answered it; one not ended
    yet counts as still open where it was opened."""
    figures: dict[tuple[str, str], Figures] = defaultdict(Figures)
    for row in rows:
        month = row.created_at.astimezone(tz).strftime("%Y-%m")
        figures[row.first_desk_id, month] += Figures(opened=1, still_open=int(not row.closed))
        if row.answered and row.answered_desk_id is not None:
            answered = Figures(answered=1, within_sla=int(row.on_time))
            figures[row.answered_desk_id, month] += answered
        if row.rating is not None:
            rated = Figures(rated=1, satisfied=int(row.rating == SATISFIED), rating_sum=row.rating)
            figures[row.desk_id, month] += rated
        if row.closed and not row.answered:
            figures[row.desk_id, month] += ENDED_UNANSWERED[row.close_reason]
    return dict(figures)


async def desk_month_figures(
    *, session: AsyncSession, period: Period, tz: tzinfo
) -> dict[tuple[str, str], Figures]:
    """`ticket_figures` of the tickets opened in the period (local dates, inclusive): what
    /export 留言 and the dashboard's 居民留言 page show."""
    start = datetime.combine(period.start, time(), tzinfo=tz)
    end = datetime.combine(period.end + timedelta(days=1), time(), tzinfo=tz)
    rows = await ticket_figure_rows(session=session, start=start, end=end)
    return ticket_figures(rows, tz)


async def export_tickets(
    *, session: AsyncSession, period: Period, fmt: Format, library: Library, tz: tzinfo
) -> Table:
    """Tickets opened in the period (local dates, inclusive) by desk and month: how many,
    answered, answered by the deadline, rated, rated 满意, the average rating, and those that
    ended unanswered by why (a transferred ticket counts at each desk for what that desk did:
    `ticket_figures`)."""
    headers = library.ui.tickets.export_headers
    figures = await desk_month_figures(session=session, period=period, tz=tz)
    writer = TableWriter(
        fmt, library.ui.tickets.export_sheet, [headers[c] for c in FIGURE_COLUMNS]
    )
    table: list[list[Cell]] = []
    for (desk, month), f in sorted(figures.items()):
        table.append(
            [library.desk_name(desk), month, f.opened, f.answered, f.within_sla, f.rated,
             f.satisfied, f.average_rating, f.closed_phoned, f.closed_duplicate, f.closed_no_reply,
             f.closed_erased, f.closed_unrecorded]
        )  # fmt: skip
    writer.add_rows(table)
    return writer.table()
