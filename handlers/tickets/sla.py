"""Unanswered tickets: the desk is reminded at the ticket's due time and the coordinators are
told at its escalation time (and what a crash or an outage left is done: the desks' messages
about erased residents are withdrawn, and those out of date are drawn again). Each reminder
is claimed in the database before it is sent, so a restart or a second process never sends
it twice (at worst a crash mid-send loses one)."""

import html
import logging
from datetime import datetime

from telegram import InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import TelegramError

from handlers.kit.context import PufaApplication, PufaContext, Services
from handlers.kit.roles import coordinator_ids
from handlers.tickets.common import (
    DeskAction,
    button,
    send_to_desk,
    staff_keyboard,
)
from handlers.tickets.erasure import withdraw_pending
from handlers.tickets.redraw import redraw_outdated
from storage.db import unavailable
from storage.tickets import StoredTicket, claim_overdue

log = logging.getLogger(__name__)


async def check_overdue(ctx: PufaContext) -> None:
    """The periodic job (every PUFA_TICKET_CHECK_SECONDS), on the injected clock."""
    services = ctx.services
    now = services.now()
    try:
        async with services.db.session() as session:
            due = await claim_overdue(session=session, deadline="due", now=now)
            late = await claim_overdue(session=session, deadline="escalate", now=now)
    except Exception as exc:
        if not unavailable(exc):
            raise
        log.warning("database unreachable: unanswered tickets are checked later")
        return
    texts = services.ui.tickets
    for ticket in due:
        desk = services.library.desk(ticket.desk_id)
        if desk is None:  # the coordinators are told at its escalation time
            log.warning(
                "ticket %s is due at desk %s, gone from desks.yaml", ticket.id, ticket.desk_id
            )
        else:
            text = texts.reminder.format(id=ticket.id, hours=waited_hours(ticket, now))
            await send_to_desk(
                ctx.bot, services, desk, ticket.id, text, staff_keyboard(texts, ticket, desk)
            )
    for ticket in late:
        await _escalate(ctx, services, ticket, waited_hours(ticket, now))
    # after the reminders it has claimed: what a crash or an outage left
    await withdraw_pending(ctx.bot, services)
    await redraw_outdated(ctx.bot, services)


def waited_hours(ticket: StoredTicket, now: datetime) -> int:
    """How long the resident has waited, in whole hours: since the message, or since the
    follow-up that reopened it. Not reply_within_hours: that counts the desk's open hours
    only, so a message left on Friday evening has waited far longer."""
    return max(0, int((now - ticket.waiting_since).total_seconds() // 3600))


async def _escalate(
    ctx: PufaContext, services: Services, ticket: StoredTicket, hours: int
) -> None:
    """Coordinators learn which desk is late, never what the resident wrote or who they are;
    or that its desk is gone from desks.yaml (an id renamed or a desk removed): nobody can
    act on it until the desk is back or a coordinator moves it (handlers.tickets.moving)."""
    desk = services.library.desk(ticket.desk_id)
    if desk is not None and desk.sample:  # nobody could have answered a sample desk's ticket
        return
    ticket_id = ticket.id
    texts = services.ui.tickets
    text = (texts.escalation if desk is not None else texts.escalation_desk_gone).format(
        desk=html.escape(desk.name if desk is not None else ticket.desk_id),
        id=ticket_id,
        category=html.escape(services.library.category_name(ticket.category)),
        town=html.escape(ticket.town),
        hours=hours,
    )
    # a desk gone from desks.yaml: any coordinator may move the ticket to a current desk
    move = button(texts.transfer_gone_button, DeskAction.MOVE, ticket_id)
    markup = InlineKeyboardMarkup([[move]]) if desk is None else None
    for chat_id in await coordinator_ids(services):
        try:
            await ctx.bot.send_message(
                chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup
            )
        except TelegramError as exc:
            log.warning("could not tell coordinator %s of ticket %s: %s", chat_id, ticket_id, exc)


def schedule(app: PufaApplication, services: Services) -> None:
    if app.job_queue is not None:
        seconds = services.ticket_check_seconds
        app.job_queue.run_repeating(check_overdue, seconds, first=seconds, name="ticket-sla")
