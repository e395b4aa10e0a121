"""Unanswered tickets: the desk is reminded at the ticket's due time and the coordinators are
told at its escalation time. Each reminder is claimed in the database before it is sent, so a
restart or a second process never sends it twice (at worst a crash mid-send loses one)."""

import html
import logging

from telegram.constants import ParseMode
from telegram.error import TelegramError

from handlers.kit.context import PufaApplication, PufaContext, Services
from handlers.kit.roles import coordinator_ids
from handlers.tickets.common import category_name, desk_of, send_to_desk, staff_keyboard
from storage.db import unavailable
from storage.tickets import claim_overdue

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
        desk = desk_of(services, ticket.desk_id)
        if desk is not None:
            text = texts.reminder.format(id=ticket.id, hours=desk.reply_within_hours)
            await send_to_desk(
                ctx.bot, services, desk, ticket.id, text, staff_keyboard(texts, ticket.id)
            )
    for ticket in late:
        await _escalate(ctx, services, ticket.id, ticket.desk_id, ticket.category, ticket.town)


async def _escalate(
    ctx: PufaContext, services: Services, ticket_id: int, desk_id: str, category: str, town: str
) -> None:
    """Coordinators learn which desk is late, never what the resident wrote or who they are."""
    desk = desk_of(services, desk_id)
    if desk is None or desk.sample:  # nobody could have answered a sample desk's ticket
        return
    text = services.ui.tickets.escalation.format(
        desk=html.escape(desk.name),
        id=ticket_id,
        category=html.escape(category_name(services.library, category)),
        town=html.escape(town),
        hours=desk.escalate_after_hours,
    )
    for chat_id in await coordinator_ids(services):
        try:
            await ctx.bot.send_message(chat_id, text, parse_mode=ParseMode.HTML)
        except TelegramError as exc:
            log.warning("could not tell coordinator %s of ticket %s: %s", chat_id, ticket_id, exc)


def schedule(app: PufaApplication, services: Services) -> None:
    if app.job_queue is not None:
        seconds = services.ticket_check_seconds
        app.job_queue.run_repeating(check_overdue, seconds, first=seconds, name="ticket-sla")
