"""转办: a ticket moves to another desk. Its desk's staff move it from the ticket's buttons; a
ticket whose desk is gone from desks.yaml (an id renamed, a desk removed), or whose desk never
got it (Telegram refused it in every chat of the desk), has no staff to act on it, so a
coordinator moves it from the message telling them so. Every press is checked on the server:
the person's role now, and a target desk named by an id that exists now."""

import html
import logging
from collections.abc import Sequence

from telegram import InlineKeyboardMarkup, Update, User
from telegram.constants import ParseMode
from telegram.error import TelegramError

from content.desks import Desk
from content.ui_tickets import TicketTexts
from domain.tickets import desk_chats, is_staff
from handlers.kit.context import PufaContext
from handlers.kit.conversation import expired
from handlers.kit.replies import acknowledge, reply_html
from handlers.kit.roles import is_coordinator, require_coordinator
from handlers.tickets import desk_groups
from handlers.tickets.common import (
    KEEP,
    DeskAction,
    button,
    desk_has_ticket,
    desk_ticket_now,
    edit_staff_copies,
    ended_for_staff,
    send_about,
    send_to_desk,
    staff_keyboard,
    tell_here,
)
from handlers.tickets.consent import asked_on_move, contact_offer
from handlers.tickets.send import ticket_deadlines
from storage.tickets import StoredTicket, get_ticket, transfer

log = logging.getLogger(__name__)


def may_take_over(ticket: StoredTicket, desk: Desk | None, target: Desk) -> bool:
    """Whether the ticket, at `desk` (None: gone from desks.yaml), may go to `target`: another
    desk, and never from a real or unknown desk to a sample one (nobody receives a sample
    desk's messages)."""
    real = desk is None or not desk.sample
    return target.id != ticket.desk_id and not (real and target.sample)


def desks_to_offer(desks: Sequence[Desk], ticket: StoredTicket, desk: Desk | None) -> list[Desk]:
    """The desks the ticket may move to: those serving its town first, then by name."""
    return sorted(
        (d for d in desks if may_take_over(ticket, desk, d)),
        key=lambda d: (ticket.town not in d.towns, d.name, d.id),
    )


async def pick_desk(
    update: Update,
    ctx: PufaContext,
    ticket: StoredTicket,
    desk: Desk | None,
    args: tuple[str, ...] = (),
) -> None:
    """The desks to move the ticket to, and 取消 (dk:move:<ticket id>:keep), which takes the
    list away: the ticket's own buttons stay as they were."""
    services, texts = ctx.services, ctx.services.ui.tickets
    if args:
        await _keep_here(update, ctx, ticket, args)
        return
    rows = [
        [button(d.name, DeskAction.TO, ticket.id, d.id)]
        for d in desks_to_offer(services.library.desks, ticket, desk)
    ]
    await acknowledge(update)
    if not rows:
        await reply_html(update, texts.transfer_none)
        return
    rows.append([button(texts.transfer_cancel_button, DeskAction.MOVE, ticket.id, KEEP)])
    await reply_html(update, texts.transfer_pick.format(id=ticket.id), InlineKeyboardMarkup(rows))


async def _keep_here(
    update: Update, ctx: PufaContext, ticket: StoredTicket, args: tuple[str, ...]
) -> None:
    query = update.callback_query
    if args != (KEEP,) or query is None:
        await expired(update, ctx)
        return
    kept = ctx.services.ui.tickets.transfer_cancelled.format(id=ticket.id)
    await acknowledge(update)
    try:
        await query.edit_message_text(kept, parse_mode=ParseMode.HTML, reply_markup=None)
    except TelegramError as exc:  # deleted meanwhile, or pressed twice
        log.warning("could not take away the desk list of ticket %s: %s", ticket.id, exc)


async def move_to(
    update: Update,
    ctx: PufaContext,
    ticket: StoredTicket,
    desk: Desk | None,
    args: tuple[str, ...],
) -> None:
    """The target desk comes by id: the button stays right when desks.yaml is edited or
    reloaded meanwhile; an unknown id (forged, or a desk since removed), the ticket's own desk
    or a sample desk for a real one's ticket is refused. A move notice that asks the resident
    for the number is that desk's ask, recorded with the move: the desk's message of the
    ticket comes without 📱 请居民给电话 (it gets it if the notice cannot be delivered). A
    desk Telegram refuses it in every chat of does not get it: the ticket stays there, and
    the coordinators (as for a new message: desk_groups), the mover and the resident are
    told so."""
    services, texts = ctx.services, ctx.services.ui.tickets
    target = services.library.desk(args[0]) if len(args) == 1 else None
    if target is None or not may_take_over(ticket, desk, target):
        await acknowledge(update, texts.transfer_unknown_desk, alert=True)
        return
    to_due, to_escalate = ticket_deadlines(services, target)
    now = services.now()
    # the number stays with the desks it was given to; the resident may give it here too
    _, question = contact_offer(services.library, ticket, target)
    asks = question is not None and ticket.resident_id is not None
    async with services.db.session() as session:
        moved = await transfer(
            session=session, ticket_id=ticket.id, from_desk=ticket.desk_id, to_desk=target.id,
            due_at=now + to_due, escalate_at=now + to_escalate, ask_at=now if asks else None,
        )  # fmt: skip
        after = await get_ticket(session=session, ticket_id=ticket.id)
    if not moved or after is None:
        await expired(update, ctx)
        return
    await acknowledge(update)
    name = html.escape(target.name)
    # the old desk's copies first: a chat of both desks keeps the new one's buttons
    if desk is not None:  # a desk gone from desks.yaml has no chats to tidy
        moved_copy = texts.moved_copy.format(id=ticket.id, desk=name)
        await edit_staff_copies(ctx.bot, services, ticket.id, desk, None, moved_copy)
    await _tell_taker(ctx, ticket, update.effective_user, name)
    html_text = await desk_ticket_now(services, after, target)
    sent = await send_to_desk(
        ctx.bot, services, target, ticket.id, html_text, staff_keyboard(texts, after, target)
    )
    # the mover hears whether it arrived (and the coordinators, when it did not)
    told = await desk_groups.tell_if_undelivered(ctx, after, target, sent)
    to_mover, to_resident = _move_notes(texts, told)
    await tell_here(update, ctx, ticket.id, to_mover.format(id=ticket.id, desk=name))
    if ticket.resident_id is None:  # (erased meanwhile: nobody to tell)
        return
    # asked as moved: its 不用 names the ticket's stay at this desk
    about_contact, markup = contact_offer(services.library, after, target)
    said = to_resident.format(id=ticket.id, desk=name)
    if about_contact:
        said = f"{said}\n{about_contact}"
    notice = await send_about(ctx.bot, services, ticket.id, ticket.resident_id, said, markup)
    if asks:
        await asked_on_move(ctx, ticket.id, now, notice)


def _move_notes(texts: TicketTexts, told: bool | None) -> tuple[str, str]:
    """What the one who moved the ticket and its resident are told: that it moved, or, when
    the desk did not get it, that too, and that the coordinators know (`told`) or could not
    be told (see desk_groups.tell_if_undelivered)."""
    if told is None:
        return texts.transferred_desk, texts.transferred_resident
    if told:
        return texts.transferred_desk_undelivered, texts.transferred_resident_undelivered
    return (
        texts.transferred_desk_undelivered_untold,
        texts.transferred_resident_undelivered_untold,
    )


async def _tell_taker(
    ctx: PufaContext, ticket: StoredTicket, mover: User | None, desk_name: str
) -> None:
    """The staff member who had taken the ticket learns it moved, unless they moved it."""
    if ticket.taken_by is None or (mover is not None and mover.id == ticket.taken_by):
        return
    text = ctx.services.ui.tickets.moved_taker.format(id=ticket.id, desk=desk_name)
    try:
        await ctx.bot.send_message(ticket.taken_by, text, parse_mode=ParseMode.HTML)
    except TelegramError as exc:  # never started a private chat with the bot
        log.warning("could not tell the staff member of ticket %s it moved: %s", ticket.id, exc)


async def moved_by_coordinator(
    update: Update,
    ctx: PufaContext,
    action: DeskAction,
    ticket_id: int | None,
    args: tuple[str, ...],
) -> bool:
    """转办 of a ticket whose desk is gone from desks.yaml, or never got it: a coordinator
    (checked at this press; anyone else is refused and audited) picks any other current desk.
    False for the desk's own staff, if the desk has it (its staff act on it: `staff_ticket`
    checks) or there is no such ticket."""
    ticket = None
    if ticket_id is not None:
        async with ctx.services.db.session() as session:
            ticket = await get_ticket(session=session, ticket_id=ticket_id)
    user, chat = update.effective_user, update.effective_chat
    if ticket is None or user is None or chat is None:
        return False
    desk = ctx.services.library.desk(ticket.desk_id)
    if desk is not None and is_staff(desk, user.id, chat.id):
        return False
    if desk is not None and (desk.sample or await desk_has_ticket(ctx.services, ticket.id, desk)):
        return await _moved_already(update, ctx, ticket, desk)
    if not await require_coordinator(update, ctx, f"ticket-{action.value}"):
        return True
    if ticket.closed:
        await acknowledge(update, ended_for_staff(ctx.services.ui.tickets, ticket), alert=True)
    elif action is DeskAction.MOVE:
        await pick_desk(update, ctx, ticket, desk, args)
    else:
        await move_to(update, ctx, ticket, desk, args)
    return True


async def _moved_already(
    update: Update, ctx: PufaContext, ticket: StoredTicket, desk: Desk
) -> bool:
    """A coordinator pressing 转办 in their private chat, which is not the desk's: the ticket's
    desk was back or got it after all, or another coordinator moved it from the same message.
    True once told."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None or chat.type != chat.PRIVATE:
        return False
    if chat.id in desk_chats(desk) or user.id in desk.staff:
        return False
    if not await is_coordinator(ctx.services, user.id):
        return False
    texts = ctx.services.ui.tickets
    said = texts.desk_has_it if ticket.moved_from_desk_id is None else texts.moved_away
    await acknowledge(update, said.format(desk=desk.name), alert=True)
    return True
