"""The phone number after 转办: a resident's number goes only to the desks they agreed to give
it to, so the move notice asks whether the new desk may have it too (同意把电话给「desk」 /
不用). That counts as the desk's one ask while the ticket is with it, unless the resident says
不用 to it (or it could not be delivered, or the bot stopped before sending it): then that
desk's staff can ask the same once themselves (📱 请居民给电话; also for a ticket moved before
the question existed). Every press is checked on the server: the resident's own ticket (the
staff's: staff of its desk now), still open and still at the desk the button names; a second
press records nothing more. Once they agree, the desk's message of the ticket is redrawn with
the number (and 📞 已电话联系 is offered at 结束); a later press of either side draws it again
where a refused edit or a crash left it without."""

import html
import logging
from collections.abc import Sequence
from datetime import datetime
from enum import Enum, auto

from telegram import Bot, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import ExtBot

from content.desks import Desk
from content.loader import Library
from content.ui_tickets import TicketTexts
from domain.tickets import desk_chats
from handlers.kit import callbacks
from handlers.kit.context import PufaContext, Services
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
    contact_ask_sent,
    contact_declined_on_move,
    contact_not_asked,
    entries,
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
            [button(texts.phone_decline_button, DeskAction.NO_PHONE, ticket.id, desk.id)],
        ]
    )


async def asked_on_move(
    ctx: PufaContext, ticket_id: int, desk: Desk, asked_at: datetime, delivered: bool
) -> None:
    """The move notice to `desk` asked the resident (recorded at `asked_at` by the move): if
    it was delivered, that is the desk's ask; if not, the desk may ask itself, and its
    messages of the ticket get 📱 请居民给电话."""
    services = ctx.services
    async with services.db.session() as session:
        if delivered:
            await contact_ask_sent(session=session, ticket_id=ticket_id, asked_at=asked_at)
            return
        await contact_not_asked(session=session, ticket_id=ticket_id, asked_at=asked_at)
        after = await get_ticket(session=session, ticket_id=ticket_id)
    if after is not None and not after.closed and after.desk_id == desk.id:
        await _offer_the_ask(ctx.bot, services, after, desk)


async def forget_unsent(bot: Bot, services: Services) -> None:
    """At start-up, before the first update: a question recorded but not yet sent when the
    bot stopped never reached the resident, so it does not count; the desk's messages of
    those tickets get 📱 请居民给电话 (back)."""
    async with services.db.session() as session:
        forgotten = await forget_unsent_asks(session=session)
    for ticket in forgotten:
        if (desk := desk_of(services, ticket.desk_id)) is not None:
            await _offer_the_ask(bot, services, ticket, desk)


async def _offer_the_ask(
    bot: Bot | ExtBot[None], services: Services, ticket: StoredTicket, desk: Desk
) -> None:
    await edit_staff_copies(
        bot, services, ticket.id, desk, await staff_markup(services, ticket, desk)
    )


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
    found = desk_of(ctx.services, desk_id)
    return found.name if found is not None else ctx.services.ui.tickets.contact_desk_gone


async def ask_resident(update: Update, ctx: PufaContext, ticket: StoredTicket, desk: Desk) -> None:
    """📱 请居民给电话 (dk:askphone:<ticket id>), pressed by the staff of the ticket's desk
    (`staff.staff_ticket` checked that, and that it is open): the resident gets the move
    notice's question, whose presses are checked as that one's. Once while the ticket is at
    this desk (the move notice's question counts, unless the resident said 不用 to it): the
    question stays answerable as long as it is, so asking again would only press a resident
    who chose not to (or not yet). The press is recorded before the question goes (a double
    press asks once) and marked sent after; a question Telegram refused to deliver, or one
    the bot stopped before sending, is forgotten, so the desk can try again. The staff
    member is told what happened, and the desk's messages of the ticket lose the button."""
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
    if not await send_about(ctx.bot, services, ticket.id, after.resident_id, question, markup):
        async with services.db.session() as session:
            await contact_not_asked(session=session, ticket_id=ticket.id, asked_at=now)
        await acknowledge(update, texts.phone_ask_unreachable, alert=True)
        return
    async with services.db.session() as session:
        await contact_ask_sent(session=session, ticket_id=ticket.id, asked_at=now)
    await acknowledge(update)
    await tell_here(update, ctx, ticket.id, texts.phone_asked_desk.format(id=ticket.id))
    await edit_staff_copies(
        ctx.bot, services, ticket.id, desk, await staff_markup(services, after, desk)
    )


async def _refuse_ask(
    update: Update, ctx: PufaContext, ticket: StoredTicket | None, desk: Desk
) -> None:
    """Says why the desk may not ask (an expired button for a ticket gone); if because the
    resident gave it the number, its message of the ticket is drawn with it first (a redraw
    Telegram refused, or the bot stopped before, left it without)."""
    refused = _not_to_ask(ctx, ticket, desk) if ticket is not None else ""
    if ticket is not None and _given_here(ticket, desk):
        await show_number(ctx, ticket, desk)
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
    """dk:phone:<ticket id>:<desk id> and dk:nophone:<ticket id>[:<desk id>] (without: sent
    before 不用 named the desk): someone else's press, a forged id or a ticket without a
    number is answered as an expired button."""
    services, texts = ctx.services, ctx.services.ui.tickets
    ticket = await own_ticket(update, ctx, callbacks.number(args[0]) if args else None)
    if ticket is None:
        return
    resident = ticket.resident_id
    assert resident is not None  # (own_ticket: theirs)
    allowed = (2,) if action is DeskAction.PHONE else (1, 2)
    if len(args) not in allowed or not ticket.contact:
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
        if len(args) == 2:
            await _declined(ctx, ticket, resident, args[1])
        return
    desk = desk_of(services, args[1])
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
    await show_number(ctx, after, desk)


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
    await show_number(ctx, ticket, desk)


async def _declined(ctx: PufaContext, ticket: StoredTicket, resident: int, desk_id: str) -> None:
    """不用 to the move notice's question for the desk the ticket is at: that desk may now ask
    once itself, and its messages of the ticket get 📱 请居民给电话 (a 不用 to the desk's own
    question, or an older one, changes nothing)."""
    services = ctx.services
    desk = desk_of(services, desk_id)
    if desk is None:
        return
    async with services.db.session() as session:
        declined = await contact_declined_on_move(
            session=session, ticket_id=ticket.id, resident_id=resident, desk_id=desk.id
        )
        after = await get_ticket(session=session, ticket_id=ticket.id) if declined else None
    if after is not None:
        await _offer_the_ask(ctx.bot, services, after, desk)


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
    staff's buttons that can be edited) is redrawn with the number, its buttons as they were
    (who took it), and the chat is told; a chat where none could be edited (deleted by staff,
    or never sent) gets the ticket anew. Drawn again (a later press), a chat whose message
    shows it already gets nothing more."""
    services, texts = ctx.services, ctx.services.ui.tickets
    chats = desk_chats(desk)
    async with services.db.session() as session:
        copies = await staff_copies(session=session, ticket_id=ticket.id, chat_ids=chats)
        history = await entries(session=session, ticket_id=ticket.id)
    card = desk_ticket_html(services.library, services.tz, ticket, desk, history)
    markup = await staff_markup(services, ticket, desk)
    note = texts.phone_agreed_desk.format(id=ticket.id)
    for chat_id in chats:
        here = [message_id for chat, message_id in copies if chat == chat_id]  # oldest first
        drawn = await _redraw(ctx.bot, ticket.id, chat_id, here, card, markup)
        if drawn is _Drawn.NOW:
            await send_about(ctx.bot, services, ticket.id, chat_id, note)
        elif drawn is _Drawn.NOT:
            await send_about(
                ctx.bot, services, ticket.id, chat_id, card, markup, staff_buttons=True
            )


class _Drawn(Enum):
    NOW = auto()
    ALREADY = auto()  # Telegram: "message is not modified"
    NOT = auto()


async def _redraw(
    bot: Bot | ExtBot[None],
    ticket_id: int,
    chat_id: int,
    message_ids: Sequence[int],
    card: str,
    markup: InlineKeyboardMarkup,
) -> _Drawn:
    """The first of the messages that can be edited shows `card`."""
    for message_id in message_ids:
        try:
            await bot.edit_message_text(
                card, chat_id, message_id, parse_mode=ParseMode.HTML, reply_markup=markup
            )
        except BadRequest as exc:
            if "not modified" in exc.message:
                return _Drawn.ALREADY
            log.warning("could not redraw a desk's copy of ticket %s: %s", ticket_id, exc)
        except TelegramError as exc:
            log.warning("could not redraw a desk's copy of ticket %s: %s", ticket_id, exc)
        else:
            return _Drawn.NOW
    return _Drawn.NOT
