"""The desk's messages of a ticket drawn again after a change they must show: the number the
resident gave the desk, or 📱 请居民给电话 offered or taken away. The change marks them out of
date in its own transaction (storage.tickets, `Ticket.desk_redraw`), and the mark goes only
once every chat of the desk shows it, so a crash or a Telegram outage in between loses
nothing: what is left marked is drawn at start-up and by the periodic ticket check. Drawing
twice (two processes, a standby taking over, a press meanwhile) is harmless: Telegram says
"not modified"; a change made after a drawing read the ticket stays marked for the next, and
a drawing that finds its change overtaken draws the ticket again, in case it landed last;
one Telegram gave no answer for (a timeout: it may be applied later) marks the ticket again.
The desk is told the resident agreed to give it the number once, whatever drawings show it
(`TicketConsent.desk_told`, claimed before the note goes)."""

import logging
from collections.abc import Awaitable, Sequence
from enum import Enum, auto

from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import ExtBot

from content.desks import Desk
from domain.tickets import desk_chats
from handlers.kit.context import Services
from handlers.kit.delivery import Delivery, failed, not_modified
from handlers.tickets.common import desk_ticket_html, send_about, staff_markup
from storage.db import unavailable
from storage.ticket_messages import staff_copies
from storage.tickets import (
    StoredTicket,
    claim_agreed_note,
    entries,
    get_ticket,
    mark_drawn,
    mark_unanswered,
    outdated,
)

log = logging.getLogger(__name__)
# How many times a ticket is drawn when changes keep coming while it is drawn.
REDRAW_ROUNDS = 3
# How many tickets Telegram gave no answer for end a check (the rest wait for the next).
UNANSWERED_PER_CHECK = 3


class _Drawn(Enum):
    NOW = auto()
    ALREADY = auto()  # Telegram: "message is not modified"
    NOT = auto()  # refused for good (deleted by staff, or never sent)
    LATER = auto()  # Telegram did not answer: to be drawn again


async def redraw(bot: Bot | ExtBot[None], services: Services, ticket_id: int) -> bool:
    """The desk's messages of the ticket, drawn as it is now, and no longer out of date if all
    went (a closed ticket's were drawn as ended, a gone or sample desk has none to draw).
    False if Telegram did not answer for some: they are marked out of date again, as by a
    change of their own, since Telegram may still apply that edit, after a newer drawing
    cleared the mark (`mark_unanswered`); the periodic check draws them (once per check, so
    an edit that never gets an answer is tried again each check, not in a loop). When a
    change came while drawing (the mark moved), the drawing may have landed after that
    change's own and shown the ticket as it was: it is drawn again (REDRAW_ROUNDS at most)."""
    for _ in range(REDRAW_ROUNDS):
        async with services.db.session() as session:
            ticket = await get_ticket(session=session, ticket_id=ticket_id)
        if ticket is None:
            return True
        desk = services.library.desk(ticket.desk_id)
        shown = not (ticket.closed or desk is None or desk.sample)
        if shown and desk is not None and not await _draw(bot, services, ticket, desk):
            async with services.db.session() as session:
                await mark_unanswered(session=session, ticket_id=ticket.id)
            return False
        if ticket.desk_redraw <= 0:
            return True
        async with services.db.session() as session:
            if await mark_drawn(session=session, ticket_id=ticket.id, change=ticket.desk_redraw):
                return True
    return True


async def redraw_outdated(bot: Bot | ExtBot[None], services: Services) -> None:
    """Every ticket whose desk's messages are out of date (at start-up, and at each periodic
    check); one Telegram did not answer for stays for the next check and the others are
    drawn meanwhile, up to UNANSWERED_PER_CHECK such tickets (Telegram is down: each would
    wait for its timeouts). Never raises for an unreachable database: the marks stay."""
    try:
        async with services.db.session() as session:
            pending = await outdated(session=session)
        unanswered = 0
        for ticket_id in pending:
            if not await redraw(bot, services, ticket_id):
                unanswered += 1
                if unanswered >= UNANSWERED_PER_CHECK:
                    return
    except Exception as exc:
        if not unavailable(exc):
            raise
        log.warning("database unreachable: desks' ticket messages are drawn later")


async def _draw(
    bot: Bot | ExtBot[None], services: Services, ticket: StoredTicket, desk: Desk
) -> bool:
    """In each of the desk's chats, its first copy of the ticket with the staff's buttons that
    can be edited shows the ticket (with the number if given to this desk) and the buttons
    as they are now; its later copies (reminders) get the buttons. A chat where no copy
    could be edited (deleted by staff, or never sent) gets the ticket anew if it has the
    number (once: a send whose outcome is unknown is not repeated). Once every chat
    answered and the number reached one, those whose copy shows it are told the resident
    agreed, by the first drawing to get there (`claim_agreed_note`: a drawing again, after
    a newer one or in another process, tells nobody twice; the ticket sent anew tells its
    chat itself). False if Telegram did not answer in some chat."""
    chats = desk_chats(desk)
    async with services.db.session() as session:
        copies = await staff_copies(session=session, ticket_id=ticket.id, chat_ids=chats)
        history = await entries(session=session, ticket_id=ticket.id)
    card = desk_ticket_html(services.library, services.tz, ticket, desk, history)
    markup = await staff_markup(services, ticket, desk)
    given = bool(ticket.contact_for(desk.id))
    answered, sent_anew = True, False
    showing: list[int] = []  # the chats whose copy shows the ticket as it is now
    for chat_id in chats:
        here = [message_id for chat, message_id in copies if chat == chat_id]  # oldest first
        drawn = await _draw_chat(bot, ticket.id, chat_id, here, card, markup)
        if drawn is _Drawn.LATER:
            answered = False
        elif drawn is not _Drawn.NOT:
            showing.append(chat_id)
        elif given:
            anew = await send_about(
                bot, services, ticket.id, chat_id, card, markup, staff_buttons=True
            )
            sent_anew |= anew is not Delivery.REFUSED
    if given and answered and (showing or sent_anew):
        async with services.db.session() as session:
            tell = await claim_agreed_note(session=session, ticket_id=ticket.id, desk_id=desk.id)
        note = services.ui.tickets.phone_agreed_desk.format(id=ticket.id)
        for chat_id in showing if tell else ():
            await send_about(bot, services, ticket.id, chat_id, note)
    return answered


async def _draw_chat(
    bot: Bot | ExtBot[None],
    ticket_id: int,
    chat_id: int,
    message_ids: Sequence[int],
    card: str,
    markup: InlineKeyboardMarkup,
) -> _Drawn:
    """The first of the messages that can be edited shows `card`, the later ones `markup`."""
    drawn = _Drawn.NOT
    for message_id in message_ids:
        if drawn is _Drawn.NOT:
            drawn = await _edited(
                bot.edit_message_text(
                    card, chat_id, message_id, parse_mode=ParseMode.HTML, reply_markup=markup
                ),
                ticket_id,
            )
        else:
            buttons = bot.edit_message_reply_markup(chat_id, message_id, reply_markup=markup)
            if await _edited(buttons, ticket_id) is _Drawn.LATER:
                return _Drawn.LATER
        if drawn is _Drawn.LATER:
            return drawn
    return drawn


async def _edited(edit: Awaitable[object], ticket_id: int) -> _Drawn:
    try:
        await edit
    except BadRequest as exc:
        if not_modified(exc):
            return _Drawn.ALREADY
        log.warning("could not redraw a desk's copy of ticket %s: %s", ticket_id, exc)
        return _Drawn.NOT
    except TelegramError as exc:
        log.warning("could not redraw a desk's copy of ticket %s: %s", ticket_id, exc)
        return _Drawn.NOT if failed(exc) is Delivery.REFUSED else _Drawn.LATER
    return _Drawn.NOW
