"""The phone number after 转办: a resident's number goes only to the desks they agreed to give
it to, so the move notice asks whether the new desk may have it too (同意把电话给「desk」 /
不用). That counts as the desk's one ask while the ticket is with it, unless the resident says
不用 to it (or Telegram refused to deliver it, or the bot stopped before sending it): then
that desk's staff can ask the same once themselves (📱 请居民给电话; also for a ticket moved
before the question existed). A question Telegram gave no answer for (a timeout, an outage)
may well have arrived, so it counts as asked (handlers.kit.delivery). Every press is checked
on the server: the resident's own ticket (the staff's: staff of its desk now), still open and
still at the desk the button names; a second press records nothing more. 不用 names the
ticket's stay at the desk it was asked in (dk:decline:<ticket id>:<stay>), so one from an
earlier stay (moved away and back since) frees nothing and is answered as out of date; the
buttons sent before stays were numbered (dk:nophone:<ticket id>:<desk id>) count as stay 0,
the stay of every ticket moved before: they work as before while it has not moved since, and
are out of date after. Once they agree, or the desk may ask (or no longer), the desk's
message of the ticket is marked out of date with the change and drawn again (with the number,
and 📞 已电话联系 at 结束): handlers.tickets.redraw, which draws what a crash or an outage
left at start-up and at the periodic check; a later press of either side draws it again
where staff deleted it."""

import html
import logging
from datetime import datetime

from telegram import InlineKeyboardMarkup, Update
from telegram.error import TelegramError

from content.desks import Desk
from content.loader import Library
from content.ui_tickets import TicketTexts
from handlers.kit import callbacks
from handlers.kit.context import PufaContext, Services
from handlers.kit.conversation import expired
from handlers.kit.delivery import Delivery
from handlers.kit.replies import acknowledge
from handlers.tickets.common import (
    DeskAction,
    agreed_desks,
    button,
    ended_for_staff,
    local_when,
    send_about,
    tell_here,
)
from handlers.tickets.redraw import redraw
from handlers.tickets.resident import own_ticket
from storage.tickets import (
    StoredTicket,
    agree_contact,
    ask_for_contact,
    contact_ask_sent,
    contact_declined_on_move,
    contact_not_asked,
    forget_unsent_asks,
    get_ticket,
)

log = logging.getLogger(__name__)


def contact_offer(
    library: Library, ticket: StoredTicket, desk: Desk
) -> tuple[str, InlineKeyboardMarkup | None]:
    """What the resident hears of their number as the ticket comes to `desk`: nothing if they
    left none or this desk may see it; else that it stayed with the desks they agreed for and,
    unless nobody reads the desk's messages (a sample desk), whether to give it to this one."""
    texts = library.ui.tickets
    if not ticket.withheld_from(desk.id):
        return "", None
    kept = agreed_desks(library, ticket)
    if desk.sample:
        return texts.transferred_contact_kept.format(desk=kept), None
    ask = texts.transferred_contact_ask.format(desk=kept, new=html.escape(desk.name))
    return ask, _question_buttons(texts, ticket, desk)


def _question_buttons(
    texts: TicketTexts, ticket: StoredTicket, desk: Desk
) -> InlineKeyboardMarkup:
    agree = texts.phone_agree_button.format(desk=desk.name)
    return InlineKeyboardMarkup(
        [
            [button(agree, DeskAction.PHONE, ticket.id, desk.id)],
            [button(texts.phone_decline_button, DeskAction.DECLINE, ticket.id, ticket.stay)],
        ]
    )


async def asked_on_move(
    ctx: PufaContext, ticket_id: int, asked_at: datetime, sent: Delivery
) -> None:
    """The move notice asked the resident (recorded at `asked_at` by the move): unless
    Telegram refused it, that is the desk's ask (delivered, or maybe: a timeout); if it did,
    the desk may ask itself, and its messages of the ticket get 📱 请居民给电话."""
    services = ctx.services
    async with services.db.session() as session:
        if sent is not Delivery.REFUSED:
            await contact_ask_sent(session=session, ticket_id=ticket_id, asked_at=asked_at)
            return
        await contact_not_asked(session=session, ticket_id=ticket_id, asked_at=asked_at)
    await redraw(ctx.bot, services, ticket_id)


async def forget_unsent(services: Services) -> None:
    """At start-up, before the first update: a question recorded but not yet sent when the
    bot stopped never reached the resident, so it does not count; the desk's messages of
    those tickets are out of date with it (they are to offer 📱 请居民给电话 again)."""
    async with services.db.session() as session:
        forgotten = await forget_unsent_asks(session=session)
    if forgotten:
        log.info("forgot %s phone questions the last run did not send", len(forgotten))


def _given_here(ticket: StoredTicket, desk: Desk) -> bool:
    """The ticket is open at `desk`, whom the resident gave the number to: the desk's
    message there should show it."""
    return not ticket.closed and ticket.desk_id == desk.id and bool(ticket.contact_for(desk.id))


def _not_to_ask(ctx: PufaContext, ticket: StoredTicket, desk: Desk) -> str:
    """Why the desk's staff may not ask the resident for the number now ("" if they may): the
    ticket has ended or moved on, has no number, the desk has it, or the resident was asked
    already since the ticket came (by the move notice, or by the desk; plain text: a
    button's answer)."""
    services, texts = ctx.services, ctx.services.ui.tickets
    if ticket.closed:
        return ended_for_staff(texts, ticket)
    if ticket.desk_id != desk.id:
        return texts.moved_away.format(desk=_desk_name(ctx, ticket.desk_id))
    if not ticket.contact:
        return texts.desk_no_contact
    if ticket.contact_for(desk.id):
        return texts.phone_ask_has_it
    if ticket.contact_asked_at is not None:
        when = local_when(texts, services.tz, ticket.contact_asked_at)
        if ticket.contact_asked_on_move:
            return texts.phone_ask_on_move.format(when=when)
        return texts.phone_ask_already.format(when=when)
    return ""


def _desk_name(ctx: PufaContext, desk_id: str) -> str:
    found = ctx.services.library.desk(desk_id)
    return found.name if found is not None else ctx.services.ui.tickets.contact_desk_gone


async def ask_resident(update: Update, ctx: PufaContext, ticket: StoredTicket, desk: Desk) -> None:
    """📱 请居民给电话 (dk:askphone:<ticket id>), pressed by the staff of the ticket's desk
    (`staff.staff_ticket` checked that, and that it is open): the resident gets the move
    notice's question, whose presses are checked as that one's. Once while the ticket is at
    this desk (the move notice's question counts, unless the resident said 不用 to it): the
    question stays answerable as long as it is, so asking again would only press a resident
    who chose not to (or not yet). The press is recorded before the question goes (a double
    press asks once) and marked sent after; a question Telegram refused to deliver, or one
    the bot stopped before sending, is forgotten, so the desk can try again (one Telegram
    gave no answer for counts: it may have arrived). The staff member is told what
    happened (for one Telegram gave no answer for: sent, but not known to have arrived), and
    the desk's messages of the ticket lose the button."""
    services, texts = ctx.services, ctx.services.ui.tickets
    if _not_to_ask(ctx, ticket, desk):
        await _refuse_ask(update, ctx, ticket, desk)
        return
    now = services.now()
    async with services.db.session() as session:
        asked = await ask_for_contact(
            session=session, ticket_id=ticket.id, desk_id=desk.id, now=now
        )
        after = await get_ticket(session=session, ticket_id=ticket.id)
    if not asked or after is None or after.resident_id is None:  # changed meanwhile
        await _refuse_ask(update, ctx, after, desk)
        return
    name = html.escape(desk.name)
    question = "\n".join(
        [
            texts.phone_ask_resident.format(desk=name, id=ticket.id),
            texts.transferred_contact_ask.format(
                desk=agreed_desks(services.library, after), new=name
            ),
        ]
    )
    markup = _question_buttons(texts, after, desk)
    sent = await send_about(ctx.bot, services, ticket.id, after.resident_id, question, markup)
    if sent is Delivery.REFUSED:
        async with services.db.session() as session:
            await contact_not_asked(session=session, ticket_id=ticket.id, asked_at=now)
        await acknowledge(update, texts.phone_ask_unreachable, alert=True)
    else:
        async with services.db.session() as session:
            await contact_ask_sent(session=session, ticket_id=ticket.id, asked_at=now)
        await acknowledge(update)
        unconfirmed = sent is Delivery.UNKNOWN  # counts, but may not have arrived
        told = texts.phone_ask_unconfirmed_desk if unconfirmed else texts.phone_asked_desk
        await tell_here(update, ctx, ticket.id, told.format(id=ticket.id))
    await redraw(ctx.bot, services, ticket.id)


async def _refuse_ask(
    update: Update, ctx: PufaContext, ticket: StoredTicket | None, desk: Desk
) -> None:
    """Says why the desk may not ask (an expired button for a ticket gone); if because the
    resident gave it the number, its message of the ticket is drawn with it first (a redraw
    Telegram refused, or the bot stopped before, left it without)."""
    refused = _not_to_ask(ctx, ticket, desk) if ticket is not None else ""
    if ticket is not None and _given_here(ticket, desk):
        await redraw(ctx.bot, ctx.services, ticket.id)
    await acknowledge(update, refused or ctx.services.ui.stale_button, alert=True)


def _refused(texts: TicketTexts, ticket: StoredTicket, desk: Desk | None) -> str:
    """Why the number is not given to `desk` now ("" if it may be, or was): the ticket has
    ended, or is at another desk (or the button names none that exists)."""
    if ticket.closed:
        return texts.phone_consent_ended.format(id=ticket.id)
    if desk is None or desk.sample or desk.id != ticket.desk_id:
        return texts.phone_consent_moved.format(id=ticket.id)
    return ""


async def on_consent_button(
    update: Update, ctx: PufaContext, action: DeskAction, args: tuple[str, ...]
) -> None:
    """dk:phone:<ticket id>:<desk id>, dk:decline:<ticket id>:<stay> and the older
    dk:nophone:<ticket id>[:<desk id>] (without: sent before 不用 named the desk): someone
    else's press, a forged id or a ticket without a number is answered as an expired
    button."""
    services, texts = ctx.services, ctx.services.ui.tickets
    ticket = await own_ticket(update, ctx, callbacks.number(args[0]) if args else None)
    if ticket is None:
        return
    resident = ticket.resident_id
    assert resident is not None  # (own_ticket: theirs)
    allowed = (1, 2) if action is DeskAction.NO_PHONE else (2,)
    if len(args) not in allowed or not ticket.contact:
        await expired(update, ctx)
        return
    if ticket.closed:
        await _refuse(update, ticket.id, texts.phone_consent_ended.format(id=ticket.id))
        return
    if action is not DeskAction.PHONE:
        await _said_no(update, ctx, ticket, resident, action, args[1:])
        return
    desk = services.library.desk(args[1])
    if _refused(texts, ticket, desk) or (desk is not None and ticket.contact_for(desk.id)):
        await _not_agreed(update, ctx, ticket.id, ticket, desk)
        return
    assert desk is not None  # (_refused: it exists)
    async with services.db.session() as session:
        agreed = await agree_contact(
            session=session, ticket_id=ticket.id, resident_id=resident, desk_id=desk.id,
            now=services.now(),
        )  # fmt: skip
        after = await get_ticket(session=session, ticket_id=ticket.id)
    if not agreed or after is None:  # ended, moved, erased or agreed (pressed twice) meanwhile
        await _not_agreed(update, ctx, ticket.id, after, desk)
        return
    await acknowledge(update)
    await _answered(update, ticket.id)
    told = texts.phone_agreed.format(id=ticket.id, desk=html.escape(desk.name))
    await send_about(ctx.bot, services, ticket.id, resident, told)
    await redraw(ctx.bot, services, ticket.id)


async def _not_agreed(
    update: Update,
    ctx: PufaContext,
    ticket_id: int,
    ticket: StoredTicket | None,
    desk: Desk | None,
) -> None:
    """同意 that recorded nothing: the ticket has ended, moved or is gone; or the desk has the
    number already (pressed twice), and its message of the ticket is drawn with it again,
    in case a redraw Telegram refused, or the bot stopping, left it without."""
    services = ctx.services
    refused = _refused(services.ui.tickets, ticket, desk) if ticket is not None else ""
    if refused or ticket is None or desk is None or not _given_here(ticket, desk):
        await _refuse(update, ticket_id, refused or services.ui.stale_button)
        return
    given = services.ui.tickets.phone_agreed_already.format(desk=desk.name)
    await _refuse(update, ticket_id, given)
    await redraw(ctx.bot, services, ticket.id)


async def _said_no(
    update: Update,
    ctx: PufaContext,
    ticket: StoredTicket,
    resident: int,
    action: DeskAction,
    rest: tuple[str, ...],
) -> None:
    """不用: the button names the ticket's stay at the desk it was asked in (`rest`; a forged
    one is answered as expired); one sent before stays were numbered names the desk, and is
    of stay 0 (every ticket's then), or names nothing (and frees nothing). Asked in another
    stay than the ticket's now (moved away and back since), it is out of date and changes
    nothing; else the resident is told the number stays, and if it was the move notice's
    question for the desk the ticket is at, that desk may now ask once itself, and its
    messages of the ticket get 📱 请居民给电话 (a 不用 to the desk's own question, or a second
    press, changes nothing)."""
    services, texts = ctx.services, ctx.services.ui.tickets
    stay: int | None
    if action is DeskAction.DECLINE:
        stay, desk_id = callbacks.index(rest[0], callbacks.MAX_ID), ticket.desk_id
        if stay is None:
            await expired(update, ctx)
            return
    else:
        stay, desk_id = (0, rest[0]) if rest else (None, "")
    if stay is not None and stay != ticket.stay:
        await _refuse(update, ticket.id, texts.phone_decline_outdated.format(id=ticket.id))
        return
    await acknowledge(update)
    await _answered(update, ticket.id)
    declined = texts.phone_declined.format(id=ticket.id)
    await send_about(ctx.bot, services, ticket.id, resident, declined)
    if stay is None:
        return
    async with services.db.session() as session:
        freed = await contact_declined_on_move(
            session=session, ticket_id=ticket.id, resident_id=resident, desk_id=desk_id,
            stay=stay,
        )  # fmt: skip
    if freed:
        await redraw(ctx.bot, services, ticket.id)


async def _refuse(update: Update, ticket_id: int, why: str) -> None:
    await acknowledge(update, why, alert=True)
    await _answered(update, ticket_id)


async def _answered(update: Update, ticket_id: int) -> None:
    """The question's buttons go (best effort: a press from a copy already edited is fine)."""
    if update.callback_query is None:
        return
    try:
        await update.callback_query.edit_message_reply_markup(reply_markup=None)
    except TelegramError as exc:  # "not modified": a double press
        log.info("could not take the phone question of ticket %s away: %s", ticket_id, exc)
