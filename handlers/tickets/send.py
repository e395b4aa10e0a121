"""发送留言: the ticket is stored (once, however often 发送 is pressed), goes to its desk, and the
resident learns when to expect an answer: their place in the queue while the desk is open,
otherwise when it opens. A desk Telegram refused it in every chat of never got it: the ticket
is kept, the coordinators are told (handlers.tickets.desk_groups) and the resident hears so."""

import html
from datetime import timedelta

from telegram import Update

from content.desks import Desk
from domain.tickets import deadlines, expected_start
from handlers.kit.context import PufaContext, Services
from handlers.kit.conversation import Conversation, end_answered
from handlers.kit.replies import acknowledge, reply_html
from handlers.tickets import desk_groups
from handlers.tickets.chat import CATEGORY, CONTACT, TEXT, TOWN
from handlers.tickets.common import (
    desk_ticket_html,
    local_when,
    more_keyboard,
    send_about,
    send_to_desk,
    staff_keyboard,
    submission_key,
)
from storage.tickets import NewTicket, StoredTicket, open_ticket, queue_place


def ticket_deadlines(services: Services, desk: Desk) -> tuple[timedelta, timedelta]:
    """How long from now until the desk is reminded, and until the coordinators are told."""
    now = services.now()
    due, escalate = deadlines(desk, now, services.library.holidays, services.tz)
    return due - now, escalate - now


async def on_send(
    update: Update, ctx: PufaContext, chat: Conversation, _args: tuple[str, ...]
) -> None:
    services, texts = ctx.services, ctx.services.ui.tickets
    desk = services.library.desk(chat.data.get("desk", ""))
    if desk is None:  # the desks changed under the chat
        await acknowledge(update)
        await end_answered(update, chat)
        await reply_html(update, texts.no_desk.format(town=html.escape(chat.data.get(TOWN, ""))))
        return
    await acknowledge(update)
    now = services.now()
    to_due, to_escalate = ticket_deadlines(services, desk)
    new = NewTicket(
        key=submission_key(chat.user_id, chat.token),
        resident_id=chat.user_id,
        desk_id=desk.id,
        category=chat.data[CATEGORY],
        town=chat.data[TOWN],
        text=chat.data[TEXT],
        contact=chat.data.get(CONTACT, ""),
        created_at=now,
        due_at=now + to_due,
        escalate_at=now + to_escalate,
    )
    async with services.db.session() as session:
        ticket, created = await open_ticket(session=session, new=new)
        ahead = await queue_place(session=session, ticket=ticket) - 1
    await end_answered(update, chat)
    if not created:
        return
    html_text = desk_ticket_html(services.library, services.tz, ticket, desk)
    sent = await send_to_desk(
        ctx.bot, services, desk, ticket.id, html_text, staff_keyboard(texts, ticket, desk)
    )
    told = await desk_groups.tell_if_undelivered(ctx, ticket, desk, sent)
    await tell_resident(ctx, ticket, desk, ahead, told)


async def tell_resident(
    ctx: PufaContext, ticket: StoredTicket, desk: Desk, ahead: int, told: bool | None
) -> None:
    """Where the message went. `told`: None once the desk got it (or may have); else it did
    not, and the coordinators were told (True) or none could be (False)."""
    services, texts = ctx.services, ctx.services.ui.tickets
    name = html.escape(desk.name)
    assert ticket.resident_id is not None
    if desk.sample:  # nobody reads it: said once, in the first message
        sample = texts.sample_desk.format(desk=name, id=ticket.id)
        text = f"{sample}\n{texts.sample_footer}"
    elif told is not None:
        kept = texts.sent_undelivered if told else texts.sent_undelivered_untold
        text = f"{kept.format(desk=name, id=ticket.id)}\n{texts.sent_footer}"
    else:
        opens = expected_start(desk, services.now(), services.library.holidays, services.tz)
        if opens is None:
            text = texts.sent_open.format(desk=name, id=ticket.id, ahead=ahead)
        else:
            text = texts.sent_closed.format(
                desk=name, id=ticket.id, when=local_when(texts, services.tz, opens)
            )
        text = f"{text}\n{texts.sent_footer}"
    # the same ways to add to it either way: what is added to a sample desk's message is kept
    # there (handlers.tickets.resident), not searched as a new question
    await send_about(
        ctx.bot, services, ticket.id, ticket.resident_id, text, more_keyboard(texts, ticket.id)
    )
