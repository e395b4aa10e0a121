"""Residents' messages to duty staff: tickets, their exchange and the bot's messages about them.

Every change is one conditional UPDATE (or INSERT), so two staff members pressing at once, a
button pressed twice, or a reminder job running in two processes after a restart each take
effect once.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from sqlalchemy import String, case, cast, func, literal
from sqlalchemy import select as sa_select
from sqlmodel import col, delete, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.db import conflict_insert
from storage.models import (
    TICKET_OUTDATED,
    CloseReason,
    Ticket,
    TicketConsent,
    TicketEntry,
    TicketMessage,
    TicketStatus,
    UtcDateTime,
)

Author = Literal["resident", "desk"]
WAITING = (TicketStatus.OPEN.value, TicketStatus.TAKEN.value)  # not yet answered or closed


@dataclass(frozen=True)
class NewTicket:
    key: str  # the draft's submission key: a double-pressed 发送 opens one ticket
    resident_id: int
    desk_id: str
    category: str
    town: str
    text: str
    contact: str
    created_at: datetime
    due_at: datetime
    escalate_at: datetime


@dataclass(frozen=True)
class StoredTicket:
    id: int
    resident_id: int | None
    desk_id: str
    category: str
    town: str
    text: str
    contact: str
    status: TicketStatus
    taken_by: int | None
    created_at: datetime
    due_at: datetime
    answered_at: datetime | None
    closed_at: datetime | None
    rating: int | None
    waiting_since: datetime  # the creation, or the follow-up that reopened it
    # Why it ended unanswered (None: it was answered, or ended before reasons were kept).
    close_reason: CloseReason | None = None
    # The desks the resident agreed to give the phone number to: the one it was sent to when
    # they shared it, and any it moved to that they agreed for (转办 passes no consent on).
    contact_desks: frozenset[str] = frozenset()
    # The desk it was at before its last 转办 (None: never moved, or moved before 0025).
    moved_from_desk_id: str | None = None
    # When the resident was asked for the number for the desk it is at (None: not in this
    # stay), and whether by the move notice (a 不用 to that lets the desk ask once itself).
    contact_asked_at: datetime | None = None
    contact_asked_on_move: bool = False
    # Its stay at the desk it is at (how often it moved), and whether the desk's messages of
    # it are out of date (> 0: since that change; `mark_drawn`): the state of those
    # messages, not of the ticket, so two reads of an unchanged ticket are equal.
    stay: int = 0
    desk_redraw: int = field(default=0, compare=False)

    @property
    def closed(self) -> bool:
        return self.status is TicketStatus.CLOSED

    def contact_for(self, desk_id: str) -> str:
        """The phone number if the resident agreed to give it to this desk, else ""."""
        return self.contact if desk_id in self.contact_desks else ""

    def withheld_from(self, desk_id: str) -> bool:
        """Whether the resident left a number this desk may not see (they did not agree)."""
        return bool(self.contact) and not self.contact_for(desk_id)


async def _stored_all(session: AsyncSession, rows: Sequence[Ticket]) -> list[StoredTicket]:
    """The tickets with the desks their numbers were agreed for (one query for them all)."""
    ids = [row.id for row in rows if row.contact]
    agreed: dict[int, set[str]] = {}
    if ids:
        found = await session.exec(
            select(TicketConsent.ticket_id, TicketConsent.desk_id).where(
                col(TicketConsent.ticket_id).in_(ids)
            )
        )
        for ticket_id, desk_id in found.all():
            agreed.setdefault(ticket_id, set()).add(desk_id)
    return [_stored(row, frozenset(agreed.get(row.id or 0, ()))) for row in rows]


def _stored(row: Ticket, contact_desks: frozenset[str]) -> StoredTicket:
    assert row.id is not None
    return StoredTicket(
        row.id,
        row.resident_id,
        row.desk_id,
        row.category,
        row.town,
        row.text,
        row.contact,
        TicketStatus(row.status),
        row.taken_by,
        row.created_at,
        row.due_at,
        row.answered_at,
        row.closed_at,
        row.rating,
        row.waiting_since or row.created_at,
        CloseReason(row.close_reason) if row.close_reason else None,
        contact_desks,
        row.moved_from_desk_id,
        row.contact_asked_at,
        row.contact_asked_on_move,
        row.stay,
        row.desk_redraw,
    )


async def open_ticket(*, session: AsyncSession, new: NewTicket) -> tuple[StoredTicket, bool]:
    """The ticket of `new.key`, and whether it was created now (False: it already was); its
    phone number, if any, is for the desk it is sent to."""
    found = await session.exec(select(Ticket).where(col(Ticket.submission_key) == new.key))
    if (row := found.first()) is not None:
        [stored] = await _stored_all(session, [row])
        return stored, False
    row = Ticket(
        submission_key=new.key,
        resident_id=new.resident_id,
        desk_id=new.desk_id,
        first_desk_id=new.desk_id,
        category=new.category,
        town=new.town,
        text=new.text,
        contact=new.contact,
        created_at=new.created_at,
        due_at=new.due_at,
        escalate_at=new.escalate_at,
    )
    session.add(row)
    await session.flush()
    assert row.id is not None
    agreed: frozenset[str] = frozenset()
    if new.contact:
        session.add(  # (its desk's message shows the number: nothing to tell it)
            TicketConsent(
                ticket_id=row.id, desk_id=new.desk_id, agreed_at=new.created_at, desk_told=True
            )
        )
        agreed = frozenset({new.desk_id})
    return _stored(row, agreed), True


async def ticket_exists(*, session: AsyncSession, key: str) -> bool:
    """Whether the chat with this submission key became a ticket."""
    found = await session.exec(select(Ticket.id).where(col(Ticket.submission_key) == key))
    return found.first() is not None


async def get_ticket(*, session: AsyncSession, ticket_id: int) -> StoredTicket | None:
    row = await session.get(Ticket, ticket_id)
    return (await _stored_all(session, [row]))[0] if row is not None else None


async def queue_place(*, session: AsyncSession, ticket: StoredTicket) -> int:
    """1 for the first in line: the desk's unanswered tickets opened before it, plus one."""
    ahead = await session.exec(
        select(func.count())
        .select_from(Ticket)
        .where(
            col(Ticket.desk_id) == ticket.desk_id,
            col(Ticket.status).in_(WAITING),
            col(Ticket.id) < ticket.id,
        )
    )
    return int(ahead.one()) + 1


async def waiting_of(*, session: AsyncSession, resident_id: int) -> int:
    """How many of the resident's tickets wait for an answer."""
    found = await session.exec(
        select(func.count())
        .select_from(Ticket)
        .where(col(Ticket.resident_id) == resident_id, col(Ticket.status).in_(WAITING))
    )
    return int(found.one())


async def waiting_at(*, session: AsyncSession, desk_id: str, limit: int) -> list[StoredTicket]:
    """The desk's tickets waiting for an answer, oldest first."""
    found = await session.exec(
        select(Ticket)
        .where(col(Ticket.desk_id) == desk_id, col(Ticket.status).in_(WAITING))
        .order_by(col(Ticket.id))
        .limit(limit)
    )
    return await _stored_all(session, found.all())


async def take(*, session: AsyncSession, ticket_id: int, staff_id: int) -> bool:
    """接单: True if the ticket was open and is now this staff member's."""
    done = await session.exec(
        update(Ticket)
        .where(col(Ticket.id) == ticket_id, col(Ticket.status) == TicketStatus.OPEN.value)
        .values(status=TicketStatus.TAKEN.value, taken_by=staff_id)
    )
    return bool(done.rowcount)


async def add_entry(
    *,
    session: AsyncSession,
    ticket_id: int,
    author: Author,
    text: str,
    now: datetime,
    staff_id: int | None = None,
    desk_id: str | None = None,
) -> bool:
    """Adds a message to an open ticket (False if it is closed or gone); the desk's first
    reply marks the ticket answered, by `desk_id` (the desk the answer came from)."""
    desk = author == "desk"
    status = TicketStatus.ANSWERED.value if desk else Ticket.status
    changed = await session.exec(
        update(Ticket)
        .where(col(Ticket.id) == ticket_id, col(Ticket.status) != TicketStatus.CLOSED.value)
        .values(status=status, taken_by=staff_id if desk else Ticket.taken_by)
    )
    if not changed.rowcount:
        return False
    if desk:
        await session.exec(
            update(Ticket)
            .where(col(Ticket.id) == ticket_id, col(Ticket.answered_at).is_(None))
            .values(
                answered_at=now,
                answered_on_time=col(Ticket.due_at) >= now,
                answered_desk_id=desk_id,
            )
        )
    session.add(
        TicketEntry(
            ticket_id=ticket_id,
            author=author,
            desk_id=desk_id,
            staff_id=staff_id,
            text=text,
            at=now,
        )
    )
    return True


async def reopen(
    *,
    session: AsyncSession,
    ticket_id: int,
    now: datetime,
    due_at: datetime,
    escalate_at: datetime,
) -> bool:
    """The resident wrote again after the desk's answer: an answered ticket waits in its desk's
    queue again, open to anyone there, with fresh deadlines and reminders (False if it was
    not answered: still waiting, or closed)."""
    done = await session.exec(
        update(Ticket)
        .where(col(Ticket.id) == ticket_id, col(Ticket.status) == TicketStatus.ANSWERED.value)
        .values(waiting_since=now, **_waiting_again(due_at, escalate_at))
    )
    return bool(done.rowcount)


async def transfer(
    *,
    session: AsyncSession,
    ticket_id: int,
    from_desk: str,
    to_desk: str,
    due_at: datetime,
    escalate_at: datetime,
    ask_at: datetime | None = None,
) -> bool:
    """转办: the ticket goes to another desk (its next stay), open again with that desk's
    deadlines; it keeps the desk it came from. `ask_at`: the move notice asks the resident
    whether the new desk may have the number, recorded as that desk's ask (being sent; a 不用
    to it lets the desk ask once itself); else the new desk may ask once."""
    done = await session.exec(
        update(Ticket)
        .where(
            col(Ticket.id) == ticket_id,
            col(Ticket.desk_id) == from_desk,
            col(Ticket.status) != TicketStatus.CLOSED.value,
        )
        .values(
            desk_id=to_desk,
            moved_from_desk_id=from_desk,
            stay=Ticket.stay + 1,
            contact_asked_at=ask_at,
            contact_asked_on_move=ask_at is not None,
            contact_ask_sending=ask_at is not None,
            **_waiting_again(due_at, escalate_at),
        )
    )
    return bool(done.rowcount)


async def agree_contact(
    *, session: AsyncSession, ticket_id: int, resident_id: int, desk_id: str, now: datetime
) -> bool:
    """The resident agrees to give their ticket's phone number to the desk it is at now: True
    if recorded now; False if it was already, or the ticket is not theirs, has no number, has
    ended or is at another desk (one INSERT, so a double press records it once). The desk's
    messages of the ticket are out of date with it: they are to show the number."""
    agreed = select(
        col(Ticket.id), literal(desk_id, String(40)), literal(now, UtcDateTime())
    ).where(
        col(Ticket.id) == ticket_id,
        col(Ticket.resident_id) == resident_id,
        col(Ticket.desk_id) == desk_id,
        col(Ticket.contact) != "",
        col(Ticket.status) != TicketStatus.CLOSED.value,
    )
    insert = conflict_insert(session)
    statement = (
        insert(TicketConsent)
        .from_select(["ticket_id", "desk_id", "agreed_at"], agreed)
        .on_conflict_do_nothing(index_elements=["ticket_id", "desk_id"])
        .returning(col(TicketConsent.ticket_id))
    )
    if (await session.exec(statement)).first() is None:
        return False
    await session.exec(update(Ticket).where(col(Ticket.id) == ticket_id).values(_outdated()))
    return True


async def claim_agreed_note(*, session: AsyncSession, ticket_id: int, desk_id: str) -> bool:
    """The desk is to be told now that the resident agreed to give it the ticket's number:
    True for the first to claim it (before the note goes, so a redraw drawn again, a second
    process or a restart tells it once); False if it was told, the ticket came to it with
    the number, or the consent is gone (/deleteme)."""
    done = await session.exec(
        update(TicketConsent)
        .where(
            col(TicketConsent.ticket_id) == ticket_id,
            col(TicketConsent.desk_id) == desk_id,
            col(TicketConsent.desk_told).is_(False),
        )
        .values(desk_told=True)
    )
    return bool(done.rowcount)


async def ask_for_contact(
    *, session: AsyncSession, ticket_id: int, desk_id: str, now: datetime
) -> bool:
    """The desk the ticket is at asks the resident for the phone number they left but did not
    agree to give it: True if it may now (recorded as asked); False if it asked already while
    the ticket is there, or the ticket has ended, moved, has no number or the desk has it
    (one conditional UPDATE, so a double press asks once). The question is then being sent
    (`contact_ask_sent`, or `contact_not_asked`); the desk's messages lose 📱 请居民给电话."""
    agreed = select(TicketConsent.ticket_id).where(
        col(TicketConsent.ticket_id) == ticket_id, col(TicketConsent.desk_id) == desk_id
    )
    done = await session.exec(
        update(Ticket)
        .where(
            col(Ticket.id) == ticket_id,
            col(Ticket.desk_id) == desk_id,
            col(Ticket.status) != TicketStatus.CLOSED.value,
            col(Ticket.contact) != "",
            col(Ticket.contact_asked_at).is_(None),
            ~agreed.exists(),
        )
        .values(
            contact_asked_at=now,
            contact_asked_on_move=False,
            contact_ask_sending=True,
            **_outdated(),
        )
    )
    return bool(done.rowcount)


async def contact_ask_sent(*, session: AsyncSession, ticket_id: int, asked_at: datetime) -> None:
    """The question asked at `asked_at` (`ask_for_contact`, or `transfer`'s move notice)
    reached the resident: it counts, also after a restart."""
    await session.exec(
        update(Ticket)
        .where(col(Ticket.id) == ticket_id, col(Ticket.contact_asked_at) == asked_at)
        .values(contact_ask_sending=False)
    )


async def contact_not_asked(*, session: AsyncSession, ticket_id: int, asked_at: datetime) -> None:
    """The question asked at `asked_at` never reached the resident (Telegram refused it for
    good): the desk may ask, and its messages are to offer 📱 请居民给电话."""
    await session.exec(
        update(Ticket)
        .where(col(Ticket.id) == ticket_id, col(Ticket.contact_asked_at) == asked_at)
        .values(_not_asked())
    )


async def contact_declined_on_move(
    *, session: AsyncSession, ticket_id: int, resident_id: int, desk_id: str, stay: int
) -> bool:
    """The resident said 不用 to the move notice's question for `desk_id` in the ticket's
    `stay`: True if that was the ask of the desk the ticket is at, in this stay (still open,
    theirs), which may now ask once itself (its messages are to offer 📱 请居民给电话); False
    for a 不用 to the desk's own question, after it asked (it asks once), or to a question of
    an earlier stay (moved away and back since)."""
    done = await session.exec(
        update(Ticket)
        .where(
            col(Ticket.id) == ticket_id,
            col(Ticket.resident_id) == resident_id,
            col(Ticket.desk_id) == desk_id,
            col(Ticket.stay) == stay,
            col(Ticket.status) != TicketStatus.CLOSED.value,
            col(Ticket.contact_asked_on_move).is_(True),
        )
        .values(_not_asked())
    )
    return bool(done.rowcount)


async def forget_unsent_asks(*, session: AsyncSession) -> list[StoredTicket]:
    """At start-up (this instance alone, before any update): the questions recorded but still
    being sent never went (the process stopped in between), so those desks may ask; returns
    the open tickets concerned, whose desks' messages are out of date with it (they are to
    offer the button again)."""
    forgotten = await session.exec(
        update(Ticket)
        .where(col(Ticket.contact_ask_sending).is_(True))
        .values(_not_asked())
        .returning(col(Ticket.id))
    )
    ids = list(forgotten.scalars().all())
    if not ids:
        return []
    rows = await session.exec(
        select(Ticket)
        .where(col(Ticket.id).in_(ids), col(Ticket.status) != TicketStatus.CLOSED.value)
        .order_by(col(Ticket.id))
    )
    return await _stored_all(session, rows.all())


def _not_asked() -> dict[str, object]:
    """The desk has not asked in this stay: it may, and its messages are to offer it."""
    return {
        "contact_asked_at": None,
        "contact_asked_on_move": False,
        "contact_ask_sending": False,
        **_outdated(),
    }


def _outdated() -> dict[str, object]:
    """Marks the desk's messages of the ticket out of date, in the statement of the change
    they must show: the next change number (see `Ticket.desk_redraw`)."""
    return {"desk_redraw": func.abs(col(Ticket.desk_redraw)) + 1}


async def outdated(*, session: AsyncSession) -> list[int]:
    """The tickets whose desks' messages are out of date (a redraw a crash or Telegram cut
    off), oldest first (read from the index ix_ticket_desk_redraw)."""
    found = await session.exec(select(Ticket.id).where(TICKET_OUTDATED).order_by(col(Ticket.id)))
    return [ticket_id for ticket_id in found.all() if ticket_id is not None]


async def mark_unanswered(*, session: AsyncSession, ticket_id: int) -> None:
    """Telegram gave no answer for a drawing of the desk's messages: they are out of date
    again, as after a change (the next number: a drawing that read the ticket before this
    does not clear it), since the drawing may still land, after a newer one and showing the
    ticket as it was."""
    await session.exec(update(Ticket).where(col(Ticket.id) == ticket_id).values(_outdated()))


async def mark_drawn(*, session: AsyncSession, ticket_id: int, change: int) -> bool:
    """The desk's messages show the ticket as it was at change `change` (its `desk_redraw`
    when read): no longer out of date, unless a later change came meanwhile (that one stays
    to be drawn). False if it did."""
    done = await session.exec(
        update(Ticket)
        .where(col(Ticket.id) == ticket_id, col(Ticket.desk_redraw) == change)
        .values(desk_redraw=-change)
    )
    return bool(done.rowcount)


def _waiting_again(due_at: datetime, escalate_at: datetime) -> dict[str, object]:
    """A ticket back in a desk's queue: open to anyone there, with new deadlines whose
    reminders have not been sent."""
    return {
        "status": TicketStatus.OPEN.value,
        "taken_by": None,
        "due_at": due_at,
        "escalate_at": escalate_at,
        "reminded_at": None,
        "escalated_at": None,
    }


async def close(
    *, session: AsyncSession, ticket_id: int, now: datetime, reason: CloseReason | None = None
) -> bool:
    """Ends the ticket (False if it had ended already). `reason` is kept only if nobody had
    answered it: an answer that came while staff chose the reason makes it an answered one."""
    done = await session.exec(
        update(Ticket)
        .where(col(Ticket.id) == ticket_id, col(Ticket.status) != TicketStatus.CLOSED.value)
        .values(
            status=TicketStatus.CLOSED.value,
            closed_at=now,
            close_reason=_if_unanswered(reason),
        )
    )
    return bool(done.rowcount)


def _if_unanswered(reason: CloseReason | None) -> object:
    if reason is None:
        return None
    return case((col(Ticket.answered_at).is_(None), reason.value), else_=None)


async def rate(*, session: AsyncSession, ticket_id: int, resident_id: int, rating: int) -> bool:
    """The resident's one rating of their closed ticket (False if not theirs, open or rated)."""
    done = await session.exec(
        update(Ticket)
        .where(
            col(Ticket.id) == ticket_id,
            col(Ticket.resident_id) == resident_id,
            col(Ticket.status) == TicketStatus.CLOSED.value,
            col(Ticket.rating).is_(None),
        )
        .values(rating=rating)
    )
    return bool(done.rowcount)


async def entries(*, session: AsyncSession, ticket_id: int) -> list[TicketEntry]:
    found = await session.exec(
        select(TicketEntry)
        .where(col(TicketEntry.ticket_id) == ticket_id)
        .order_by(col(TicketEntry.id))
    )
    return list(found.all())


Deadline = Literal["due", "escalate"]


async def claim_overdue(
    *, session: AsyncSession, deadline: Deadline, now: datetime
) -> list[StoredTicket]:
    """Marks and returns the unanswered tickets whose reminder (`due`) or escalation is due
    and not yet done: each is claimed once, whichever process asks first."""
    at, done = ("due_at", "reminded_at") if deadline == "due" else ("escalate_at", "escalated_at")
    # One conditional UPDATE: a row another process claimed first no longer matches.
    claimed = await session.exec(
        update(Ticket)
        .where(
            col(Ticket.status).in_(WAITING),
            getattr(Ticket, at) <= now,
            getattr(Ticket, done).is_(None),
        )
        .values({done: now})
        .returning(col(Ticket.id))
    )
    ids = list(claimed.scalars().all())
    if not ids:
        return []
    rows = await session.exec(
        select(Ticket).where(col(Ticket.id).in_(ids)).order_by(col(Ticket.id))
    )
    return await _stored_all(session, rows.all())


async def erase_tickets_of(*, session: AsyncSession, telegram_id: int) -> int:
    """/deleteme: the person's tickets lose their text, contact (and the desks it was agreed
    for), exchange and link to them; open ones are closed (those nobody had answered with the
    reason `erased`). They stay as anonymous counts for the desks' figures, with the desks
    they went through (ids, not personal: where it is, was first sent, came from, answered),
    and the desk's messages still find them (a late answer is told the ticket has ended). A
    staff member's id leaves the tickets they took or answered. The bot's messages about them
    in the desks' chats are then to be withdrawn (storage.ticket_messages.to_withdraw).
    Returns how many tickets were erased."""
    await session.exec(delete(TicketMessage).where(col(TicketMessage.chat_id) == telegram_id))
    await session.exec(
        update(Ticket).where(col(Ticket.taken_by) == telegram_id).values(taken_by=None)
    )
    await session.exec(
        update(TicketEntry).where(col(TicketEntry.staff_id) == telegram_id).values(staff_id=None)
    )
    ids = list(
        (await session.exec(select(Ticket.id).where(col(Ticket.resident_id) == telegram_id))).all()
    )
    if not ids:
        return 0
    await session.exec(delete(TicketEntry).where(col(TicketEntry.ticket_id).in_(ids)))
    await session.exec(delete(TicketConsent).where(col(TicketConsent.ticket_id).in_(ids)))
    await session.exec(
        update(Ticket)
        .where(col(Ticket.id).in_(ids), col(Ticket.status) != TicketStatus.CLOSED.value)
        .values(
            status=TicketStatus.CLOSED.value,
            closed_at=Ticket.created_at,
            close_reason=_if_unanswered(CloseReason.ERASED),
        )
    )
    await session.exec(
        update(Ticket)
        .where(col(Ticket.id).in_(ids))
        .values(
            resident_id=None,
            text="",
            contact="",
            submission_key=literal("erased-") + cast(Ticket.id, String),
        )
    )
    return len(ids)


@dataclass(frozen=True)
class OpenTicketLine:
    """A ticket not ended yet, as the dashboard lists it: nothing of the resident's (no
    text, phone number or Telegram id), and `taken_by`, the staff member who took it."""

    id: int
    desk_id: str
    category: str
    town: str
    status: TicketStatus
    taken_by: int | None
    created_at: datetime
    waiting_since: datetime
    due_at: datetime
    escalated_at: datetime | None


async def not_ended(
    *, session: AsyncSession, offset: int, limit: int
) -> tuple[list[OpenTicketLine], int]:
    """The tickets not ended (open, taken or answered), oldest first, a page at a time, and
    how many there are. Reads only the columns it shows."""
    where = col(Ticket.status) != TicketStatus.CLOSED.value
    total = (await session.exec(select(func.count()).select_from(Ticket).where(where))).one()
    shown = sa_select(
        col(Ticket.id), col(Ticket.desk_id), col(Ticket.category), col(Ticket.town),
        col(Ticket.status), col(Ticket.taken_by), col(Ticket.created_at),
        col(Ticket.waiting_since), col(Ticket.due_at), col(Ticket.escalated_at),
    )  # fmt: skip
    oldest_first = shown.where(where).order_by(col(Ticket.created_at), col(Ticket.id))
    query = oldest_first.offset(offset).limit(limit)
    found = (await (await session.connection()).execute(query)).all()
    lines = [
        OpenTicketLine(
            ticket_id or 0, desk_id, category, town, TicketStatus(status), taken_by, created,
            waiting or created, due_at, escalated_at,
        )
        for (ticket_id, desk_id, category, town, status, taken_by, created, waiting, due_at,
             escalated_at) in found
    ]  # fmt: skip
    return lines, int(total)


@dataclass(frozen=True)
class TicketFigureRow:
    desk_id: str  # where it is now (closed and rated there)
    first_desk_id: str  # where it was first sent (opened there)
    answered_desk_id: str | None  # whose first answer it had (answered there)
    created_at: datetime
    answered: bool
    on_time: bool  # the first answer came by the deadline it had then
    rating: int | None
    closed: bool
    close_reason: CloseReason | None  # of one that ended unanswered (None: not kept then)


async def ticket_figure_rows(
    *, session: AsyncSession, start: datetime, end: datetime
) -> list[TicketFigureRow]:
    """The tickets opened in [start, end), oldest first, with what the figures need."""
    found = await session.exec(
        select(Ticket)
        .where(col(Ticket.created_at) >= start, col(Ticket.created_at) < end)
        .order_by(col(Ticket.created_at))
    )
    return [
        TicketFigureRow(
            t.desk_id,
            t.first_desk_id or t.desk_id,
            t.answered_desk_id or (t.desk_id if t.answered_at is not None else None),
            t.created_at,
            t.answered_at is not None,
            bool(t.answered_on_time),
            t.rating,
            t.status == TicketStatus.CLOSED.value,
            CloseReason(t.close_reason) if t.close_reason else None,
        )
        for t in found.all()
    ]
