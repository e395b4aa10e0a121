"""The desk's side: 接单 / 回复 / 转办 / 结束 under a ticket, and the answer typed after 回复 (in
a private chat) or sent as a Telegram reply to the bot's message (转办 itself is in
handlers.tickets.moving, 📱 请居民给电话 in handlers.tickets.consent). Every press and answer
is checked on the server: the ticket must exist and the person must be staff of its desk now."""

import html
import logging

from telegram import ForceReply, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError

from content.desks import Desk
from content.report_input import InputError
from content.ui_tickets import TicketTexts
from domain.tickets import desk_chats, is_staff, ticket_text
from handlers.kit import callbacks
from handlers.kit.context import PufaContext
from handlers.kit.conversation import Conversation, begin, expired
from handlers.kit.delivery import Delivery
from handlers.kit.replies import acknowledge, reply_html
from handlers.tickets import consent, moving
from handlers.tickets.chat import explain
from handlers.tickets.common import (
    KEEP,
    REPLY_FLOW,
    DeskAction,
    button,
    desk_ticket_html,
    edit_staff_copies,
    ended_for_staff,
    ended_why,
    has_phone,
    more_keyboard,
    rating_keyboard,
    send_about,
    staff_keyboard,
    tell_here,
)
from storage.audit import record
from storage.models import CloseReason
from storage.ticket_messages import desk_messages, remember_message, staff_copies, was_sent_to
from storage.tickets import (
    StoredTicket,
    add_entry,
    close,
    entries,
    get_ticket,
    take,
)

log = logging.getLogger(__name__)


async def staff_ticket(
    update: Update, ctx: PufaContext, ticket_id: int | None, action: str
) -> tuple[StoredTicket, Desk] | None:
    """The ticket and its desk if this person is its desk's staff here; otherwise they are
    told (an unknown id like a stale button; someone else's desk is refused and audited)."""
    services, user, chat = ctx.services, update.effective_user, update.effective_chat
    ticket = None
    if ticket_id is not None:
        async with services.db.session() as session:
            ticket = await get_ticket(session=session, ticket_id=ticket_id)
    desk = services.library.desk(ticket.desk_id) if ticket is not None else None
    if ticket is None or desk is None or user is None or chat is None:
        await expired(update, ctx)
        if update.callback_query is None:
            await reply_html(update, services.ui.stale_button)
        return None
    if not is_staff(desk, user.id, chat.id):
        if await _moved_from_here(ctx, ticket, user.id, chat.id):
            moved = services.ui.tickets.moved_away.format(desk=desk.name)
            await acknowledge(update, moved, alert=True)
            if update.callback_query is None:
                await reply_html(update, html.escape(moved))
            return None
        log.warning("refused ticket-%s on ticket %s for user %s", action, ticket.id, user.id)
        async with services.db.session() as session:
            await record(
                session=session, actor_id=user.id, action=f"ticket-{action}",
                target=str(ticket.id), allowed=False, now=services.now(),
            )  # fmt: skip
        await acknowledge(update, services.ui.tickets.not_staff, alert=True)
        if update.callback_query is None:
            await reply_html(update, services.ui.tickets.not_staff)
        return None
    if ticket.closed:
        ended = ended_for_staff(services.ui.tickets, ticket)
        await acknowledge(update, ended, alert=True)
        if update.callback_query is None:
            await reply_html(update, html.escape(ended))
        return None
    return ticket, desk


async def _moved_from_here(
    ctx: PufaContext, ticket: StoredTicket, user_id: int, chat_id: int
) -> bool:
    """Whether the ticket was at a desk of this person's here before it moved: the bot sent
    it to this chat, where they are staff of another desk."""
    mine_here = any(
        chat_id in desk_chats(d) and is_staff(d, user_id, chat_id)
        for d in ctx.services.library.desks
    )
    if not mine_here:
        return False
    async with ctx.services.db.session() as session:
        return await was_sent_to(session=session, ticket_id=ticket.id, chat_id=chat_id)


async def on_staff_button(
    update: Update, ctx: PufaContext, action: DeskAction, args: tuple[str, ...]
) -> None:
    ticket_id = callbacks.number(args[0]) if args else None
    moves = action in (DeskAction.MOVE, DeskAction.TO)
    if moves and await moving.moved_by_coordinator(update, ctx, action, ticket_id, args[1:]):
        return
    found = await staff_ticket(update, ctx, ticket_id, action.value)
    if found is None:
        return
    ticket, desk = found
    match action:
        case DeskAction.TAKE:
            await _take(update, ctx, ticket, desk)
        case DeskAction.REPLY:
            await _ask_reply(update, ctx, ticket, desk)
        case DeskAction.MOVE:
            await moving.pick_desk(update, ctx, ticket, desk, args[1:])
        case DeskAction.TO:
            await moving.move_to(update, ctx, ticket, desk, args[1:])
        case DeskAction.CLOSE:
            await _close(update, ctx, ticket, desk, args[1:])
        case DeskAction.ASK_PHONE if len(args) == 1:
            await consent.ask_resident(update, ctx, ticket, desk)
        case _:
            await expired(update, ctx)


async def _take(update: Update, ctx: PufaContext, ticket: StoredTicket, desk: Desk) -> None:
    """The desk's copies say who took it (their name stays in the desk's own chats)."""
    user = update.effective_user
    assert user is not None
    texts = ctx.services.ui.tickets
    async with ctx.services.db.session() as session:
        taken = await take(session=session, ticket_id=ticket.id, staff_id=user.id)
    if not taken:
        await acknowledge(update, texts.taken_already, alert=True)
        return
    await acknowledge(update)
    await tell_here(update, ctx, ticket.id, texts.taken.format(id=ticket.id))
    markup = staff_keyboard(texts, ticket, desk, taken_by=user.full_name)
    await edit_staff_copies(ctx.bot, ctx.services, ticket.id, desk, markup)


async def _ask_reply(update: Update, ctx: PufaContext, ticket: StoredTicket, desk: Desk) -> None:
    """A prompt to reply to (in a staff group the bot sees only replies to its messages); in a
    private chat the next text typed also answers (another chat of theirs holding answers is
    asked about first)."""
    services, chat = ctx.services, update.effective_chat
    assert chat is not None
    await acknowledge(update)
    private = chat.type == chat.PRIVATE
    if private and await begin(update, ctx, REPLY_FLOW, "text", {"ticket": ticket.id}) is None:
        return
    texts = services.ui.tickets
    prompt = texts.reply_prompt.format(id=ticket.id, desk=html.escape(desk.name))
    # Not selective: with no mention in it, a selective prompt would force nobody's reply.
    sent = await chat.send_message(
        prompt, parse_mode=ParseMode.HTML, reply_markup=ForceReply(), disable_web_page_preview=True
    )
    async with services.db.session() as session:
        await remember_message(
            session=session, ticket_id=ticket.id, chat_id=chat.id, message_id=sent.message_id
        )


async def on_reply_typed(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    """The text typed in a private chat after 回复."""
    message = update.effective_message
    assert message is not None and message.text is not None
    if await staff_reply(update, ctx, int(chat.data["ticket"]), message.text):
        await chat.end(update)


async def staff_reply(update: Update, ctx: PufaContext, ticket_id: int, typed: str) -> bool:
    """The desk's answer reaches the resident, signed with the desk's name (never the staff
    member's account). True once it is recorded (or the ticket can take no answer)."""
    services, user = ctx.services, update.effective_user
    assert user is not None
    found = await staff_ticket(update, ctx, ticket_id, "reply")
    if found is None:
        return True
    ticket, desk = found
    texts = services.ui.tickets
    try:
        text = ticket_text(typed)
    except InputError as problem:
        await reply_html(update, explain(ctx, problem.problem))
        return False
    async with services.db.session() as session:
        added = await add_entry(
            session=session, ticket_id=ticket.id, author="desk", text=text,
            now=services.now(), staff_id=user.id, desk_id=desk.id,
        )  # fmt: skip
    if not added:
        await reply_html(update, texts.ticket_closed)
        return True
    answer = texts.to_resident.format(
        desk=html.escape(desk.name), id=ticket.id, text=html.escape(text)
    )
    answer = f"{answer}\n\n{texts.to_resident_footer}"
    assert ticket.resident_id is not None
    reached = await send_about(
        ctx.bot, services, ticket.id, ticket.resident_id, answer, more_keyboard(texts, ticket.id)
    )
    done = texts.replied if reached is Delivery.DONE else texts.resident_gone
    await tell_here(update, ctx, ticket.id, done.format(id=ticket.id))
    return True


async def _closed_here_and_there(
    update: Update, ctx: PufaContext, ended: StoredTicket, desk: Desk, note: str
) -> None:
    """Every chat of the desk that had the ticket sees it ended, once: its message there (the
    chat's first copy with the staff's buttons), and the copy 结束 was pressed on (one /tickets
    brought up), are edited to say so, in the desk's name (never the account that pressed)
    and why, and the bot's other messages about it there lose their buttons. A chat whose
    message could not be edited (deleted by staff), or where the press came from without
    one, gets `note` instead."""
    services, texts = ctx.services, ctx.services.ui.tickets
    chats = desk_chats(desk)
    async with services.db.session() as session:
        sent = await desk_messages(session=session, ticket_id=ended.id)
        copies = await staff_copies(session=session, ticket_id=ended.id, chat_ids=chats)
        history = await entries(session=session, ticket_id=ended.id)
    cards: dict[int, int] = {}
    for chat_id, message_id in copies:  # oldest first
        cards.setdefault(chat_id, message_id)
    edited = set(cards.items())
    query = update.callback_query
    if query is not None and query.message is not None:
        pressed = (query.message.chat.id, query.message.message_id)
        edited |= {pressed} & set(copies)
    why = ended_why(texts, ended)
    footer = texts.desk_ticket_ended.format(desk=html.escape(desk.name), why=why)
    card = desk_ticket_html(services.library, services.tz, ended, desk, history, ended=footer)
    shown: set[int] = set()
    for chat_id, message_id in sorted(edited):
        try:
            await ctx.bot.edit_message_text(
                card, chat_id, message_id, parse_mode=ParseMode.HTML, reply_markup=None
            )
        except TelegramError as exc:
            log.warning("could not mark a desk's copy of ticket %s ended: %s", ended.id, exc)
            continue
        shown.add(chat_id)
    for chat_id, message_id in sent:
        if chat_id in chats and (chat_id, message_id) not in edited:
            try:
                await ctx.bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)
            except TelegramError:  # a prompt without buttons, a message deleted by staff
                continue
    here = {update.effective_chat.id} if update.effective_chat is not None else set()
    for chat_id in sorted(({chat_id for chat_id, _ in sent} & set(chats) | here) - shown):
        await send_about(ctx.bot, services, ended.id, chat_id, note)


CHOICES = (CloseReason.PHONED, CloseReason.DUPLICATE, CloseReason.NO_REPLY)


def _close_reasons(texts: TicketTexts, ticket: StoredTicket, desk: Desk) -> InlineKeyboardMarkup:
    """Why a ticket nobody answered is ended (dk:close:<ticket id>:<reason>), or 不结束;
    已电话联系 only if the desk has a number to call (`has_phone`)."""
    labels = {
        CloseReason.PHONED: texts.close_phoned_button if has_phone(ticket, desk) else "",
        CloseReason.DUPLICATE: texts.close_duplicate_button,
        CloseReason.NO_REPLY: texts.close_no_reply_button,
        KEEP: texts.close_keep_button,
    }
    return InlineKeyboardMarkup(
        [
            [button(label, DeskAction.CLOSE, ticket.id, reason)]
            for reason, label in labels.items()
            if label
        ]
    )


def closed_note(texts: TicketTexts, ticket_id: int, reason: CloseReason | None) -> str:
    """A note that a ticket ended (why, if nobody answered it), for a desk's chat where its
    message could not be edited to say so."""
    if reason is None:
        return texts.closed_desk.format(id=ticket_id)
    return texts.closed_desk_unanswered.format(id=ticket_id, reason=texts.close_reasons[reason])


async def _close(
    update: Update, ctx: PufaContext, ticket: StoredTicket, desk: Desk, args: tuple[str, ...]
) -> None:
    """结束: an answered ticket ends at once; one nobody answered asks why first (kept with the
    ticket), and the resident is told what fits (a rating only for a ticket that was answered
    or phoned)."""
    services, texts = ctx.services, ctx.services.ui.tickets
    choice = args[0] if len(args) == 1 and args[0] in {*CHOICES, KEEP} else None
    if args and choice is None:
        await expired(update, ctx)
        return
    if choice is None and ticket.answered_at is None:
        await acknowledge(update)
        markup = _close_reasons(texts, ticket, desk)
        await reply_html(update, texts.close_confirm.format(id=ticket.id), markup)
        return
    if choice == CloseReason.PHONED and not has_phone(ticket, desk):  # forged, or moved here
        await acknowledge(update, texts.close_phoned_no_phone, alert=True)
        if update.callback_query is not None:
            try:  # the choices it has now
                markup = _close_reasons(texts, ticket, desk)
                await update.callback_query.edit_message_reply_markup(reply_markup=markup)
            except TelegramError as exc:
                log.warning("could not redraw the close question of %s: %s", ticket.id, exc)
        return
    if choice is not None and update.callback_query is not None:
        try:  # the question is answered: its buttons go
            await update.callback_query.edit_message_reply_markup(reply_markup=None)
        except TelegramError as exc:
            log.warning("could not clear the close question of ticket %s: %s", ticket.id, exc)
    if choice == KEEP:
        await acknowledge(update, texts.close_kept)
        return
    reason = CloseReason(choice) if choice is not None else None
    async with services.db.session() as session:
        now = services.now()
        closed = await close(session=session, ticket_id=ticket.id, now=now, reason=reason)
        after = await get_ticket(session=session, ticket_id=ticket.id)
    if not closed or after is None:
        await acknowledge(update, texts.ticket_closed, alert=True)
        return
    await acknowledge(update)
    # after.close_reason: None if an answer came while the question was on screen
    note = closed_note(texts, ticket.id, after.close_reason)
    await _closed_here_and_there(update, ctx, after, desk, note)
    if ticket.resident_id is None:
        return
    # answered (perhaps while the question was on screen): the usual words and a rating
    told, rating = texts.closed_resident, True
    if after.close_reason is CloseReason.DUPLICATE:
        told, rating = texts.closed_resident_duplicate, False
    elif after.close_reason is CloseReason.NO_REPLY:
        told, rating = texts.closed_resident_no_reply, False
    elif after.close_reason is CloseReason.PHONED:
        told = texts.closed_resident_phoned
    await send_about(
        ctx.bot, services, ticket.id, ticket.resident_id, told.format(id=ticket.id),
        rating_keyboard(texts, ticket.id) if rating else None,
    )  # fmt: skip
