"""Tickets in the database (SQLite and PostgreSQL): each change takes effect once, however
often it is asked for, and /deleteme leaves only anonymous counts."""

from dataclasses import replace
from datetime import datetime, timedelta

from sqlmodel import col, select

from storage.db import Database
from storage.models import CloseReason, TicketConsent, TicketStatus
from storage.ticket_messages import (
    desk_messages,
    remember_message,
    ticket_of_message,
    to_withdraw,
    withdrawn,
)
from storage.tickets import (
    NewTicket,
    StoredTicket,
    add_entry,
    agree_contact,
    ask_for_contact,
    claim_agreed_note,
    claim_overdue,
    close,
    contact_not_asked,
    entries,
    erase_tickets_of,
    get_ticket,
    not_ended,
    open_ticket,
    queue_place,
    rate,
    reopen,
    take,
    ticket_figure_rows,
    transfer,
    waiting_at,
)
from tests.clock import QUIET as NOW

RESIDENT, STAFF, DESK_CHAT = 7_000_101, 7_000_201, -1_000_777


def new(key: str, desk: str = "a-desk", resident: int = RESIDENT) -> NewTicket:
    return NewTicket(
        key=key,
        resident_id=resident,
        desk_id=desk,
        category="labor",
        town="示例县城关镇",
        text="老板拖欠三个月工资怎么办",
        contact="13912345678",
        created_at=NOW,
        due_at=NOW + timedelta(hours=24),
        escalate_at=NOW + timedelta(hours=48),
    )


async def test_one_ticket_per_submission_key_and_its_place_in_the_queue(db: Database) -> None:
    async with db.session() as session:
        first, created = await open_ticket(session=session, new=new("k1"))
        again, created_again = await open_ticket(session=session, new=new("k1"))
        second, _ = await open_ticket(session=session, new=new("k2"))
        other, _ = await open_ticket(session=session, new=new("k3", desk="b-desk"))
    assert created and not created_again and again.id == first.id
    async with db.session() as session:
        assert await queue_place(session=session, ticket=first) == 1
        assert await queue_place(session=session, ticket=second) == 2
        assert await queue_place(session=session, ticket=other) == 1
        await add_entry(
            session=session,
            ticket_id=first.id,
            author="desk",
            text="您好",
            now=NOW,
            staff_id=STAFF,
        )
        assert await queue_place(session=session, ticket=second) == 1  # the first was answered


async def test_take_reply_close_and_rate_each_once(db: Database) -> None:
    async with db.session() as session:
        ticket, _ = await open_ticket(session=session, new=new("k1"))
    async with db.session() as session:
        assert await take(session=session, ticket_id=ticket.id, staff_id=STAFF)
        assert not await take(session=session, ticket_id=ticket.id, staff_id=STAFF + 1)
        later = NOW + timedelta(hours=1)
        assert await add_entry(
            session=session, ticket_id=ticket.id, author="desk", text="答复", now=later,
            staff_id=STAFF,
        )  # fmt: skip
        assert await add_entry(
            session=session, ticket_id=ticket.id, author="resident", text="补充", now=later
        )
        assert not await rate(session=session, ticket_id=ticket.id, resident_id=RESIDENT, rating=3)
        assert await close(session=session, ticket_id=ticket.id, now=later)
        assert not await close(session=session, ticket_id=ticket.id, now=later)
        assert not await add_entry(
            session=session, ticket_id=ticket.id, author="resident", text="晚了", now=later
        )
        assert not await rate(session=session, ticket_id=ticket.id, resident_id=STAFF, rating=3)
        assert await rate(session=session, ticket_id=ticket.id, resident_id=RESIDENT, rating=3)
        assert not await rate(session=session, ticket_id=ticket.id, resident_id=RESIDENT, rating=1)
    async with db.session() as session:
        stored = await get_ticket(session=session, ticket_id=ticket.id)
        exchange = await entries(session=session, ticket_id=ticket.id)
    assert stored is not None and stored.status is TicketStatus.CLOSED and stored.rating == 3
    assert stored.answered_at == NOW + timedelta(hours=1)
    assert [e.author for e in exchange] == ["desk", "resident"]


async def test_reminders_and_escalations_are_claimed_once_and_reset_by_a_transfer(
    db: Database,
) -> None:
    async with db.session() as session:
        ticket, _ = await open_ticket(session=session, new=new("k1"))
        answered, _ = await open_ticket(session=session, new=new("k2"))
        await add_entry(session=session, ticket_id=answered.id, author="desk", text="x", now=NOW)
    day = NOW + timedelta(hours=24)
    async with db.session() as session:
        assert await claim_overdue(session=session, deadline="due", now=day - timedelta(1)) == []
        assert [t.id for t in await claim_overdue(session=session, deadline="due", now=day)] == [
            ticket.id
        ]
        assert await claim_overdue(session=session, deadline="due", now=day) == []
        assert await claim_overdue(session=session, deadline="escalate", now=day) == []
        two_days = NOW + timedelta(hours=48)
        claimed = await claim_overdue(session=session, deadline="escalate", now=two_days)
        assert [t.id for t in claimed] == [ticket.id]
        assert await transfer(
            session=session, ticket_id=ticket.id, from_desk="a-desk", to_desk="b-desk",
            due_at=two_days, escalate_at=two_days + timedelta(hours=24),
        )  # fmt: skip
        assert not await transfer(
            session=session, ticket_id=ticket.id, from_desk="a-desk", to_desk="c-desk",
            due_at=two_days, escalate_at=two_days,
        )  # fmt: skip
        [again] = await claim_overdue(session=session, deadline="due", now=two_days)
    assert again.desk_id == "b-desk"


async def test_only_an_answered_ticket_reopens_with_fresh_reminders(db: Database) -> None:
    later = NOW + timedelta(hours=30)
    async with db.session() as session:
        ticket, _ = await open_ticket(session=session, new=new("k1"))
        waiting, _ = await open_ticket(session=session, new=new("k2"))
        await add_entry(
            session=session, ticket_id=ticket.id, author="desk", text="答复", now=NOW,
            staff_id=STAFF,
        )  # fmt: skip
        assert await claim_overdue(session=session, deadline="due", now=later) == [waiting]
        assert await reopen(
            session=session, ticket_id=ticket.id, now=later, due_at=later, escalate_at=later
        )
        # a waiting ticket keeps its deadlines; a reopened one is not reopened twice
        for ticket_id in (waiting.id, ticket.id):
            assert not await reopen(
                session=session, ticket_id=ticket_id, now=later, due_at=later, escalate_at=later
            )
        [due] = await claim_overdue(session=session, deadline="due", now=later)
        [late] = await claim_overdue(session=session, deadline="escalate", now=later)
    assert due.id == late.id == ticket.id
    assert (due.status, due.taken_by, due.answered_at) == (TicketStatus.OPEN, None, NOW)
    async with db.session() as session:
        assert await close(session=session, ticket_id=ticket.id, now=later)
        assert not await reopen(
            session=session, ticket_id=ticket.id, now=later, due_at=later, escalate_at=later
        )


async def test_messages_map_to_their_ticket_and_erasure_leaves_counts(db: Database) -> None:
    async with db.session() as session:
        ticket, _ = await open_ticket(session=session, new=new("k1"))
        await remember_message(
            session=session, ticket_id=ticket.id, chat_id=DESK_CHAT, message_id=5
        )
        await remember_message(
            session=session, ticket_id=ticket.id, chat_id=RESIDENT, message_id=9
        )
        await add_entry(
            session=session, ticket_id=ticket.id, author="resident", text="补充", now=NOW
        )
    async with db.session() as session:
        assert (
            await ticket_of_message(session=session, chat_id=DESK_CHAT, message_id=5) == ticket.id
        )
        assert await ticket_of_message(session=session, chat_id=DESK_CHAT, message_id=9) is None
        assert len(await desk_messages(session=session, ticket_id=ticket.id)) == 2
        assert await erase_tickets_of(session=session, telegram_id=RESIDENT) == 1
    async with db.session() as session:
        stored = await get_ticket(session=session, ticket_id=ticket.id)
        # the desk's message still finds the (now anonymous) ticket; the resident's is gone
        assert await desk_messages(session=session, ticket_id=ticket.id) == [(DESK_CHAT, 5)]
        # the desk's copy waits to be withdrawn until that is done
        assert await to_withdraw(session=session) == [(DESK_CHAT, 5)]
        await withdrawn(session=session, chat_id=DESK_CHAT, message_id=5, now=NOW)
        assert await to_withdraw(session=session) == []
        assert await entries(session=session, ticket_id=ticket.id) == []
        rows = await ticket_figure_rows(
            session=session, start=NOW - timedelta(1), end=NOW + timedelta(1)
        )
    assert stored is not None and stored.status is TicketStatus.CLOSED
    assert (stored.resident_id, stored.text, stored.contact) == (None, "", "")
    assert [r.desk_id for r in rows] == ["a-desk"]


async def test_the_first_answer_is_judged_by_the_deadline_it_had(db: Database) -> None:
    """按时答复 in the export: a late first answer stays late when the resident's follow-up
    reopens the ticket with a later deadline, and an early one stays on time."""
    late_answer, early_answer = NOW + timedelta(hours=30), NOW + timedelta(hours=2)
    much_later = NOW + timedelta(days=10)
    async with db.session() as session:
        late, _ = await open_ticket(session=session, new=new("k1"))
        early, _ = await open_ticket(session=session, new=new("k2"))
        for ticket, at in ((late, late_answer), (early, early_answer)):
            await add_entry(
                session=session, ticket_id=ticket.id, author="desk", text="答复", now=at,
                staff_id=STAFF,
            )  # fmt: skip
            assert await reopen(
                session=session,
                ticket_id=ticket.id,
                now=much_later,
                due_at=much_later,
                escalate_at=much_later,
            )
            await add_entry(
                session=session, ticket_id=ticket.id, author="desk", text="再答复",
                now=much_later, staff_id=STAFF,
            )  # fmt: skip
    async with db.session() as session:
        rows = await ticket_figure_rows(
            session=session, start=NOW - timedelta(1), end=NOW + timedelta(1)
        )
    assert [(r.answered, r.on_time) for r in rows] == [(True, False), (True, True)]


async def test_a_desk_copy_sent_after_the_erasure_is_withdrawn_too(db: Database) -> None:
    """Staff pressed 转办 as the resident pressed /deleteme: the copy the transfer recorded
    after the erasure is still to be withdrawn, like those before it."""
    async with db.session() as session:
        ticket, _ = await open_ticket(session=session, new=new("k1"))
        await remember_message(
            session=session, ticket_id=ticket.id, chat_id=DESK_CHAT, message_id=5
        )
    async with db.session() as session:
        assert await erase_tickets_of(session=session, telegram_id=RESIDENT) == 1
    async with db.session() as session:
        await remember_message(
            session=session, ticket_id=ticket.id, chat_id=-1_000_888, message_id=6
        )
    async with db.session() as session:
        assert await to_withdraw(session=session) == [(DESK_CHAT, 5), (-1_000_888, 6)]


async def test_why_a_ticket_ended_unanswered_is_kept_once(db: Database) -> None:
    """Staff's reason stays with a ticket nobody answered (a second 结束 changes nothing), not
    with one an answer reached first; /deleteme ends an unanswered ticket as `erased`."""
    async with db.session() as session:
        for key in ("k1", "k2", "k3", "k4"):
            await open_ticket(session=session, new=new(key))
        await add_entry(
            session=session, ticket_id=2, author="desk", text="答复", now=NOW, desk_id="a-desk"
        )
        assert await close(session=session, ticket_id=1, now=NOW, reason=CloseReason.PHONED)
        assert not await close(session=session, ticket_id=1, now=NOW, reason=CloseReason.DUPLICATE)
        # the answer came while staff chose why: an answered ticket, no reason
        assert await close(session=session, ticket_id=2, now=NOW, reason=CloseReason.NO_REPLY)
        await add_entry(
            session=session, ticket_id=4, author="desk", text="答复", now=NOW, desk_id="a-desk"
        )
        assert await erase_tickets_of(session=session, telegram_id=RESIDENT) == 4
    async with db.session() as session:
        stored = [await get_ticket(session=session, ticket_id=i) for i in (1, 2, 3, 4)]
        rows = await ticket_figure_rows(
            session=session, start=NOW - timedelta(1), end=NOW + timedelta(1)
        )
    assert [t.close_reason if t else "gone" for t in stored] == [
        CloseReason.PHONED, None, CloseReason.ERASED, None,
    ]  # fmt: skip
    # (opened at one instant: in no particular order)
    assert all(r.closed for r in rows)
    assert sorted(str(r.close_reason) for r in rows) == sorted(
        ["phoned", "None", "erased", "None"]
    )


async def test_the_number_goes_to_each_desk_agreed_for_once_and_goes_with_the_erasure(
    db: Database,
) -> None:
    """The desk a ticket is sent to has its number; after 转办 the new desk has it only once
    the resident agrees, for the desk the ticket is at, while it is open: a second press, a
    desk it is not at, someone else or a ticket without a number records nothing. That desk
    is to be told once (claimed once); the desk the ticket came to with it is not."""
    later = NOW + timedelta(hours=1)
    async with db.session() as session:
        ticket, _ = await open_ticket(session=session, new=new("k1"))
        bare, _ = await open_ticket(session=session, new=replace(new("k2"), contact=""))
    assert ticket.contact_desks == {"a-desk"} and bare.contact_desks == frozenset()
    assert ticket.contact_for("a-desk") == "13912345678" and not ticket.withheld_from("a-desk")
    async with db.session() as session:
        assert await transfer(
            session=session, ticket_id=ticket.id, from_desk="a-desk", to_desk="b-desk",
            due_at=later, escalate_at=later,
        )  # fmt: skip
        moved = await get_ticket(session=session, ticket_id=ticket.id)
    assert (
        moved is not None and moved.withheld_from("b-desk") and moved.contact_for("b-desk") == ""
    )

    async def agree(ticket_id: int, desk: str, resident: int = RESIDENT) -> bool:
        async with db.session() as session:
            return await agree_contact(
                session=session, ticket_id=ticket_id, resident_id=resident, desk_id=desk,
                now=later,
            )  # fmt: skip

    assert not await agree(ticket.id, "b-desk", resident=RESIDENT + 1)  # not theirs
    assert not await agree(ticket.id, "c-desk")  # not where it is
    assert not await agree(bare.id, "a-desk")  # no number to give
    assert await agree(ticket.id, "b-desk")
    assert not await agree(ticket.id, "b-desk")  # pressed twice: once
    async with db.session() as session:
        agreed = await get_ticket(session=session, ticket_id=ticket.id)
        [waiting] = await waiting_at(session=session, desk_id="b-desk", limit=5)
    assert agreed is not None and agreed.contact_desks == {"a-desk", "b-desk"}
    assert agreed.contact_for("b-desk") == "13912345678" and waiting == agreed

    async def tell(desk: str) -> bool:
        async with db.session() as session:
            return await claim_agreed_note(session=session, ticket_id=ticket.id, desk_id=desk)

    assert [await tell(d) for d in ("a-desk", "b-desk", "b-desk", "c-desk")] == [
        False,  # the ticket came to it with the number
        True,
        False,  # told already
        False,  # not agreed for
    ]
    async with db.session() as session:
        assert await transfer(
            session=session, ticket_id=ticket.id, from_desk="b-desk", to_desk="c-desk",
            due_at=later, escalate_at=later,
        )  # fmt: skip
        assert await close(session=session, ticket_id=ticket.id, now=later)
    assert not await agree(ticket.id, "c-desk")  # ended

    async with db.session() as session:
        assert await erase_tickets_of(session=session, telegram_id=RESIDENT) == 2
    async with db.session() as session:
        left = await session.exec(select(TicketConsent).where(col(TicketConsent.ticket_id) > 0))
        erased = await get_ticket(session=session, ticket_id=ticket.id)
    assert left.all() == [] and erased is not None and erased.contact_desks == frozenset()


async def test_the_desk_a_ticket_came_from_and_its_one_ask_for_the_number(db: Database) -> None:
    """A move keeps the desk it came from (/deleteme too: a desk id is not personal) and lets
    the new desk ask for the number once: not another desk, not twice, not once it has the
    number or the ticket has ended; a question that never went out is forgotten."""
    later, then = NOW + timedelta(hours=1), NOW + timedelta(hours=2)
    async with db.session() as session:
        ticket, _ = await open_ticket(session=session, new=new("k1"))
        bare, _ = await open_ticket(session=session, new=replace(new("k2"), contact=""))

    async def move(ticket_id: int, from_desk: str, to_desk: str) -> None:
        async with db.session() as session:
            assert await transfer(
                session=session, ticket_id=ticket_id, from_desk=from_desk, to_desk=to_desk,
                due_at=later, escalate_at=later,
            )  # fmt: skip

    async def ask(ticket_id: int, desk: str, at: datetime = later) -> bool:
        async with db.session() as session:
            return await ask_for_contact(
                session=session, ticket_id=ticket_id, desk_id=desk, now=at
            )

    async def stored(ticket_id: int) -> StoredTicket:
        async with db.session() as session:
            found = await get_ticket(session=session, ticket_id=ticket_id)
        assert found is not None
        return found

    assert (ticket.moved_from_desk_id, ticket.contact_asked_at) == (None, None)
    assert not await ask(ticket.id, "a-desk")  # it has the number
    await move(ticket.id, "a-desk", "b-desk")
    await move(bare.id, "a-desk", "b-desk")
    assert not await ask(bare.id, "b-desk")  # no number
    assert not await ask(ticket.id, "a-desk")  # not where it is
    assert await ask(ticket.id, "b-desk")
    assert not await ask(ticket.id, "b-desk", then)  # once
    moved = await stored(ticket.id)
    assert (moved.moved_from_desk_id, moved.contact_asked_at) == ("a-desk", later)
    async with db.session() as session:
        await contact_not_asked(session=session, ticket_id=ticket.id, asked_at=then)  # not it
    assert (await stored(ticket.id)).contact_asked_at == later
    async with db.session() as session:
        await contact_not_asked(session=session, ticket_id=ticket.id, asked_at=later)
    assert await ask(ticket.id, "b-desk", then)  # asked again after all

    await move(ticket.id, "b-desk", "c-desk")  # a new desk may ask once
    assert (await stored(ticket.id)).moved_from_desk_id == "b-desk"
    async with db.session() as session:
        assert await agree_contact(
            session=session, ticket_id=ticket.id, resident_id=RESIDENT, desk_id="c-desk",
            now=then,
        )  # fmt: skip
    assert not await ask(ticket.id, "c-desk")  # it has the number now
    await move(ticket.id, "c-desk", "b-desk")
    async with db.session() as session:
        assert await close(session=session, ticket_id=ticket.id, now=then)
    assert not await ask(ticket.id, "b-desk")  # ended

    async with db.session() as session:
        assert await erase_tickets_of(session=session, telegram_id=RESIDENT) == 2
    erased = await stored(ticket.id)
    assert erased.contact == "" and erased.moved_from_desk_id == "c-desk"


async def test_the_tickets_not_ended_oldest_first_without_the_residents_data(
    db: Database,
) -> None:
    """The dashboard's list: open, taken and answered tickets, oldest first, a page at a time,
    with their times as stored; nothing of the resident's is read."""
    opened = [NOW - timedelta(hours=h) for h in (1, 5, 3, 4)]
    async with db.session() as session:
        tickets = [
            (await open_ticket(session=session, new=replace(new(f"n{i}"), created_at=at)))[0]
            for i, at in enumerate(opened)
        ]
        newest, oldest, middle, ended = (t.id for t in tickets)
        assert await take(session=session, ticket_id=middle, staff_id=STAFF)
        assert await close(session=session, ticket_id=ended, now=NOW)
    async with db.session() as session:
        lines, total = await not_ended(session=session, offset=0, limit=2)
        rest, _ = await not_ended(session=session, offset=2, limit=2)
    assert total == 3 and [line.id for line in lines + rest] == [oldest, middle, newest]
    assert lines[0].created_at == lines[0].waiting_since == NOW - timedelta(hours=5)
    assert lines[1].status is TicketStatus.TAKEN and lines[1].taken_by == STAFF
    assert lines[0].due_at == NOW + timedelta(hours=24) and lines[0].escalated_at is None
    assert not {"text", "contact", "resident_id"} & set(vars(lines[0]))
