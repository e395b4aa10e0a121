"""The phone number after 转办: a resident's number goes only to the desks they agreed to give
it to, so the move notice asks whether the new desk may have it too (同意把电话给「desk」 /
不用), and that desk's staff can ask the same once while the ticket is with them
(📱 请居民给电话: for a resident who said 不用 or a ticket moved before the question existed).
Every press is checked on the server: the resident's own ticket (the staff's: staff of its
desk now), still open and still at the desk the button names; a second press records nothing
more. Once they agree, the desk's message of the ticket is redrawn with the number (and
📞 已电话联系 is offered at 结束)."""

import html
import logging

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError

from content.desks import Desk
from content.loader import Library
from content.ui_tickets import TicketTexts
from domain.tickets import desk_chats
from handlers.kit import callbacks
from handlers.kit.context import PufaContext
from handlers.kit.conversation import expired
from handlers.kit.replies import acknowledge
from handlers.tickets.common import (
    DeskAction,
    agreed_desks,
    button,
    desk_of,
    desk_ticket_html,
    edit_staff_copies,
    ended_for_staff,
    local_when,
    send_about,
    staff_markup,
    tell_here,
)
from handlers.tickets.resident import own_ticket
from storage.ticket_messages import staff_copies
from storage.tickets import (
    StoredTicket,
    agree_contact,
    ask_for_contact,
    contact_not_asked,
    entries,
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
            [button(texts.phone_decline_button, DeskAction.NO_PHONE, ticket.id)],
        ]
    )


def _not_to_ask(ctx: PufaContext, ticket: StoredTicket, desk: Desk) -> str:
    """Why the desk's staff may not ask the resident for the number now ("" if they may): the
    ticket has ended or moved on, has no number, the desk has it, or asked already since the
    ticket came (plain text: a button's answer)."""
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
        return texts.phone_ask_already.format(when=when)
    return ""


def _desk_name(ctx: PufaContext, desk_id: str) -> str:
    found = desk_of(ctx.services, desk_id)
    return found.name if found is not None else ctx.services.ui.tickets.contact_desk_gone


async def ask_resident(update: Update, ctx: PufaContext, ticket: StoredTicket, desk: Desk) -> None:
    """📱 请居民给电话 (dk:askphone:<ticket id>), pressed by the staff of the ticket's desk
    (`staff.staff_ticket` checked that, and that it is open): the resident gets the move
    notice's question, whose presses are checked as that one's. Once while the ticket is at
    this desk: the question stays answerable as long as it is, so asking again would only
    press a resident who chose not to (or not yet). The press is recorded before the
    question goes (a double press asks once); a question Telegram refused to deliver is
    forgotten, so the desk can try again. The staff member is told what happened, and the
    desk's messages of the ticket lose the button."""
    services, texts = ctx.services, ctx.services.ui.tickets
    if refused := _not_to_ask(ctx, ticket, desk):
        await acknowledge(update, refused, alert=True)
        return
    now = services.now()
    async with services.db.session() as session:
        asked = await ask_for_contact(
            session=session, ticket_id=ticket.id, desk_id=desk.id, now=now
        )
        after = await get_ticket(session=session, ticket_id=ticket.id)
    if not asked or after is None or after.resident_id is None:  # changed meanwhile
        refused = _not_to_ask(ctx, after, desk) if after is not None else ""
        await acknowledge(update, refused or services.ui.stale_button, alert=True)
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
    if not await send_about(ctx.bot, services, ticket.id, after.resident_id, question, markup):
        async with services.db.session() as session:
            await contact_not_asked(session=session, ticket_id=ticket.id, asked_at=now)
        await acknowledge(update, texts.phone_ask_unreachable, alert=True)
        return
    await acknowledge(update)
    await tell_here(update, ctx, ticket.id, texts.phone_asked_desk.format(id=ticket.id))
    await edit_staff_copies(
        ctx.bot, services, ticket.id, desk, await staff_markup(services, after, desk)
    )


def _refused(texts: TicketTexts, ticket: StoredTicket, desk: Desk | None) -> str:
    """Why the number is not given to `desk` now ("" if it may be): the ticket has ended, is
    at another desk (or the button names none that exists), or the desk has it already."""
    if ticket.closed:
        return texts.phone_consent_ended.format(id=ticket.id)
    if desk is None or desk.sample or desk.id != ticket.desk_id:
        return texts.phone_consent_moved.format(id=ticket.id)
    if ticket.contact_for(desk.id):
        return texts.phone_agreed_already.format(desk=desk.name)
    return ""


async def on_consent_button(
    update: Update, ctx: PufaContext, action: DeskAction, args: tuple[str, ...]
) -> None:
    """dk:phone:<ticket id>:<desk id> and dk:nophone:<ticket id>: someone else's press, a
    forged id or a ticket without a number is answered as an expired button."""
    services, texts = ctx.services, ctx.services.ui.tickets
    ticket = await own_ticket(update, ctx, callbacks.number(args[0]) if args else None)
    if ticket is None:
        return
    resident = ticket.resident_id
    assert resident is not None  # (own_ticket: theirs)
    if len(args) != (2 if action is DeskAction.PHONE else 1) or not ticket.contact:
        await expired(update, ctx)
        return
    if ticket.closed:
        await _refuse(update, ticket.id, texts.phone_consent_ended.format(id=ticket.id))
        return
    if action is DeskAction.NO_PHONE:
        await acknowledge(update)
        await _answered(update, ticket.id)
        declined = texts.phone_declined.format(id=ticket.id)
        await send_about(ctx.bot, services, ticket.id, resident, declined)
        return
    desk = desk_of(services, args[1])
    if refused := _refused(texts, ticket, desk):
        await _refuse(update, ticket.id, refused)
        return
    assert desk is not None  # (_refused: it exists)
    async with services.db.session() as session:
        agreed = await agree_contact(
            session=session, ticket_id=ticket.id, resident_id=resident, desk_id=desk.id,
            now=services.now(),
        )  # fmt: skip
        after = await get_ticket(session=session, ticket_id=ticket.id)
    if not agreed or after is None:  # ended, moved, erased or agreed (pressed twice) meanwhile
        refused = _refused(texts, after, desk) if after is not None else ""
        await _refuse(update, ticket.id, refused or services.ui.stale_button)
        return
    await acknowledge(update)
    await _answered(update, ticket.id)
    told = texts.phone_agreed.format(id=ticket.id, desk=html.escape(desk.name))
    await send_about(ctx.bot, services, ticket.id, resident, told)
    await show_number(ctx, after, desk)


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


async def show_number(ctx: PufaContext, ticket: StoredTicket, desk: Desk) -> None:
    """The desk's message of the ticket in each of its chats (the first copy there with the
    staff's buttons) is redrawn with the number, its buttons as they were (who took it), and
    the chat is told; a chat where none could be edited (deleted by staff, or never sent)
    gets the ticket anew."""
    services, texts = ctx.services, ctx.services.ui.tickets
    chats = desk_chats(desk)
    async with services.db.session() as session:
        copies = await staff_copies(session=session, ticket_id=ticket.id, chat_ids=chats)
        history = await entries(session=session, ticket_id=ticket.id)
    cards: dict[int, int] = {}
    for chat_id, message_id in copies:  # oldest first
        cards.setdefault(chat_id, message_id)
    card = desk_ticket_html(services.library, services.tz, ticket, desk, history)
    markup = await staff_markup(services, ticket, desk)
    note = texts.phone_agreed_desk.format(id=ticket.id)
    for chat_id in chats:
        if chat_id in cards:
            try:
                await ctx.bot.edit_message_text(
                    card, chat_id, cards[chat_id], parse_mode=ParseMode.HTML, reply_markup=markup
                )
            except TelegramError as exc:
                log.warning("could not redraw a desk's copy of ticket %s: %s", ticket.id, exc)
            else:
                await send_about(ctx.bot, services, ticket.id, chat_id, note)
                continue
        await send_about(ctx.bot, services, ticket.id, chat_id, card, markup, staff_buttons=True)
