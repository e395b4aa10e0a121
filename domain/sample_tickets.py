"""The sample residents' messages to duty staff (居民留言) of `pufa demo`, written with the bot's
own ticket functions over the demo's months: at every kind of desk, in several towns and
fields, and in every state: waiting (one long overdue, its reminders done), taken (接单),
answered, moved to another desk (转办), ended with and without a rating, and some answered
after the desk's deadline, so the 居民留言 page and /export 留言 have figures to show. The
messages themselves are in domain/samples.zh.yaml (tickets)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from content.desks import Desk
from content.loader import Library
from domain.samples import SampleTicket, load_samples
from domain.tickets import adviser_category, choose_desk, deadlines
from storage.db import Database
from storage.tickets import (
    NewTicket,
    add_entry,
    claim_overdue,
    close,
    open_ticket,
    rate,
    take,
    transfer,
)

RESIDENTS = 700_101  # the sample residents' Telegram ids, one each (the askers' are 700_001...)


async def fill_sample_tickets(
    db: Database, library: Library, *, now: datetime, tz: ZoneInfo, staff_id: int
) -> int:
    """Writes the sample messages the content has a desk for (a sample's field or town it
    lacks is skipped); `staff_id` takes and answers them (the demo's desks are its
    coordinator's). The reminders of those past their deadlines count as sent, as they
    would have been: the demo starts without a backlog of them. Returns how many."""
    written = 0
    async with db.session() as session:
        for n, sample in enumerate(load_samples().tickets):
            if (found := _place(sample, library)) is None:
                continue
            town, category, desk = found
            created = now - sample.ago
            due, escalate = deadlines(desk, created, library.holidays, tz)
            new = NewTicket(
                key=f"sample-ticket-{n}", resident_id=RESIDENTS + n, desk_id=desk.id,
                category=category, town=town, text=sample.text, contact="",
                created_at=created, due_at=due, escalate_at=escalate,
            )  # fmt: skip
            ticket, _ = await open_ticket(session=session, new=new)
            if sample.taken:
                await take(session=session, ticket_id=ticket.id, staff_id=staff_id)
            at = created
            target = choose_desk(library.desks, town=town, category=sample.moved_to)
            if sample.moved_to and target is not None and target.id != desk.id:
                at = min(created + (due - created) / 2, now)  # halfway to the deadline
                due, escalate = deadlines(target, at, library.holidays, tz)
                await transfer(
                    session=session, ticket_id=ticket.id, from_desk=desk.id,
                    to_desk=target.id, due_at=due, escalate_at=escalate,
                )  # fmt: skip
                desk = target
            if sample.reply:
                late, in_time = due + timedelta(days=1), due - timedelta(minutes=30)
                at = min(late if sample.late else in_time, now)
                await add_entry(
                    session=session, ticket_id=ticket.id, author="desk", text=sample.reply,
                    now=at, staff_id=staff_id, desk_id=desk.id,
                )  # fmt: skip
            if sample.ended:
                ended = min(at + timedelta(hours=4), now)
                await close(session=session, ticket_id=ticket.id, now=ended, reason=sample.reason)
            if sample.rating is not None:
                await rate(
                    session=session, ticket_id=ticket.id, resident_id=RESIDENTS + n,
                    rating=sample.rating,
                )  # fmt: skip
            written += 1
        await claim_overdue(session=session, deadline="due", now=now)
        await claim_overdue(session=session, deadline="escalate", now=now)
    return written


def _place(sample: SampleTicket, library: Library) -> tuple[str, str, Desk] | None:
    """The town, field and desk a sample goes to, as the bot sends a resident's message
    (one for a village adviser: the content's first); None if the content has none."""
    fields = [c.id for c in library.categories]
    if sample.adviser:
        desk = next((d for d in library.desks if d.kind == "village_adviser"), None)
        category = adviser_category(fields, sample.category)
        if desk is None or category is None:
            return None
        return desk.towns[0], category, desk
    towns = [t.town for t in library.towns]
    if not towns or sample.category not in fields:
        return None
    town = towns[sample.town % len(towns)]
    desk = choose_desk(library.desks, town=town, category=sample.category)
    return (town, sample.category, desk) if desk is not None else None
