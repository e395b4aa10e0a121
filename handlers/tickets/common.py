"""What the ticket handlers share: the buttons' actions, finding a ticket's desk, sending a
message about a ticket (remembered, so a Telegram reply to it finds the ticket), the keyboards."""

import html
import logging
from collections.abc import Sequence
from datetime import datetime, tzinfo
from enum import StrEnum

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, TelegramError
from telegram.ext import ExtBot

from content.dates import short_date, weekday
from content.desks import Desk
from content.loader import Library
from content.privacy import has_phone_number
from content.ui_tickets import TicketTexts
from domain.tickets import desk_chats
from handlers.kit import tickets as entry
from handlers.kit.callbacks import Kind, make
from handlers.kit.context import PufaContext, Services
from handlers.kit.delivery import Delivery, failed, not_modified
from storage.models import TicketEntry
from storage.people import names_of
from storage.ticket_messages import buttons_gone, remember_message, staff_copies
from storage.tickets import StoredTicket, entries

log = logging.getLogger(__name__)

FLOW = "ticket"  # the resident's guided chat
REPLY_FLOW = "tkreply"  # a staff member's answer, typed in their private chat
MORE_FLOW = "tkmore"  # a resident's follow-up after 补充


class DeskAction(StrEnum):
    """dk:<action>:<ticket id>[:...] (NEW and TO_DESK open the chat: handlers.kit.tickets)."""

    NEW = entry.OPEN
    TO_DESK = entry.TO_DESK
    TAKE = "take"
    REPLY = "reply"
    MOVE = "move"
    TO = "to"  # dk:to:<ticket id>:<desk id> (ids fit: 40 characters at most)
    CLOSE = "close"
    MORE = "more"
    RATE = "rate"  # dk:rate:<ticket id>:<1-3>
    SHOW = "show"  # dk:show:<ticket id>: the ticket again, from /tickets
    # The resident's answer under a move notice: give the phone number to the ticket's new
    # desk (dk:phone:<ticket id>:<desk id>), or not (dk:decline:<ticket id>:<stay>: the stay
    # at the desk it was asked in; dk:nophone:<ticket id>[:<desk id>] on questions sent
    # before stays were numbered)
    PHONE = "phone"
    DECLINE = "decline"
    NO_PHONE = "nophone"
    # The desk's staff ask the resident that question themselves (dk:askphone:<ticket id>)
    ASK_PHONE = "askphone"


KEEP = "keep"  # dk:close:<ticket id>:keep: 不结束; dk:move:<ticket id>:keep: 不转办
RATINGS = (3, 2, 1)
SO_SO, UNSATISFIED = 2, 1  # 😐 一般, 🙁 不满意: offered a new message
NAME_CHARS = 16  # of a staff member's name on a button
HISTORY_CHARS = 2400  # of the exchange shown to a desk a ticket moved to (Telegram: 4096)
ENTRY_CHARS = 400  # of one message in it


def submission_key(user_id: int, token: str) -> str:
    """The ticket a chat becomes: one per chat, however often 发送 is pressed."""
    return f"{user_id}-{token}"


def local_when(texts: TicketTexts, tz: tzinfo, instant: datetime) -> str:
    """12月4日（周五）09:30 in `tz`: the day in the words of content.dates."""
    local = instant.astimezone(tz)
    day = local.date()
    return texts.when.format(date=short_date(day), weekday=weekday(day), time=f"{local:%H:%M}")


def button(label: str, action: DeskAction, *args: str | int) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=make(Kind.DESK, action, *args))


def staff_keyboard(
    texts: TicketTexts, ticket: StoredTicket, desk: Desk, taken_by: str = ""
) -> InlineKeyboardMarkup:
    """The staff's buttons at `desk`; once taken, the first names who took it (a press says
    so). While the resident's number is not for this desk and they have not been asked for
    it for this desk since the ticket came (by the move notice, or by the desk), 📱 请居民给电话
    too."""
    take = texts.taken_by_button.format(name=taken_by[:NAME_CHARS]) if taken_by else None
    rows = [
        [
            button(take or texts.take_button, DeskAction.TAKE, ticket.id),
            button(texts.reply_button, DeskAction.REPLY, ticket.id),
        ],
        [
            button(texts.transfer_button, DeskAction.MOVE, ticket.id),
            button(texts.close_button, DeskAction.CLOSE, ticket.id),
        ],
    ]
    if ticket.withheld_from(desk.id) and ticket.contact_asked_at is None:
        rows.append([button(texts.phone_ask_button, DeskAction.ASK_PHONE, ticket.id)])
    return InlineKeyboardMarkup(rows)


async def staff_markup(
    services: Services, ticket: StoredTicket, desk: Desk
) -> InlineKeyboardMarkup:
    """`staff_keyboard` for a redraw of the ticket's messages: with who took it, by name."""
    taker = ticket.taken_by
    async with services.db.session() as session:
        names = await names_of(session=session, ids=[taker]) if taker is not None else {}
    return staff_keyboard(services.ui.tickets, ticket, desk, names.get(taker or 0, ""))


def more_keyboard(texts: TicketTexts, ticket_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[button(texts.more_button, DeskAction.MORE, ticket_id)]])


def rating_keyboard(texts: TicketTexts, ticket_id: int) -> InlineKeyboardMarkup:
    labels = {3: texts.rate_3, 2: texts.rate_2, 1: texts.rate_1}
    return InlineKeyboardMarkup(
        [[button(labels[r], DeskAction.RATE, ticket_id, r) for r in RATINGS]]
    )


def desk_ticket_html(
    library: Library,
    tz: tzinfo,
    ticket: StoredTicket,
    desk: Desk,
    history: Sequence[TicketEntry] = (),
    *,
    ended: str = "",
) -> str:
    """The ticket as its desk sees it, with the exchange so far (a ticket moved here, or shown
    again) and the desk it came from at its last move (`moved_line`); the phone number only
    if the resident agreed to give it to this desk (`contact_line`). Its last line says how
    to answer, or `ended`: that it has ended."""
    texts = library.ui.tickets
    moved = moved_line(library, ticket)
    return texts.desk_ticket.format(
        moved=f"\n{moved}" if moved else "",
        history=_history_html(library, tz, history),
        id=ticket.id,
        category=html.escape(library.category_name(ticket.category)),
        town=html.escape(ticket.town),
        when=local_when(texts, tz, ticket.created_at),
        contact=contact_line(library, ticket, desk),
        text=html.escape(ticket.text),
        footer=ended or texts.desk_ticket_footer.format(desk=html.escape(desk.name)),
    )


async def desk_ticket_now(services: Services, ticket: StoredTicket, desk: Desk) -> str:
    """`desk_ticket_html` with the whole exchange so far, read now: the ticket shown again, or
    sent to a desk that does not have it yet (moved there, or refused there before)."""
    async with services.db.session() as session:
        history = await entries(session=session, ticket_id=ticket.id)
    return desk_ticket_html(services.library, services.tz, ticket, desk, history)


def moved_line(library: Library, ticket: StoredTicket) -> str:
    """↪️ 由 <desk> 转来 for a ticket moved here ("原来的值班台" for a desk gone from
    desks.yaml); "" for one never moved (or moved before the desk it came from was kept)."""
    if ticket.moved_from_desk_id is None:
        return ""
    texts = library.ui.tickets
    desk = library.desk(ticket.moved_from_desk_id)
    came_from = texts.contact_desk_gone if desk is None else desk.name
    return texts.moved_from.format(desk=html.escape(came_from))


def contact_line(library: Library, ticket: StoredTicket, desk: Desk) -> str:
    """The phone number for a desk the resident agreed to give it to; any other desk (one it
    was moved to) learns only that it was left, and for whom."""
    texts = library.ui.tickets
    if not ticket.contact:
        return texts.desk_no_contact
    if shown := ticket.contact_for(desk.id):
        return html.escape(shown)
    return texts.desk_contact_withheld.format(desk=agreed_desks(library, ticket))


def agreed_desks(library: Library, ticket: StoredTicket) -> str:
    """The desks the ticket's number was agreed for, by name (HTML): those still in desks.yaml,
    else "原来的值班台" (removed or renamed since)."""
    names = [d.name for d in library.desks if d.id in ticket.contact_desks]
    shown = library.ui.list_separator.join(names) or library.ui.tickets.contact_desk_gone
    return html.escape(shown)


def has_phone(ticket: StoredTicket, desk: Desk) -> bool:
    """Whether the desk can phone the resident: a number given to it, or one in the message
    (the resident was told staff would see it)."""
    return bool(ticket.contact_for(desk.id)) or has_phone_number(ticket.text)


def _history_html(library: Library, tz: tzinfo, history: Sequence[TicketEntry]) -> str:
    """The answers and follow-ups, the latest that fit HISTORY_CHARS (each cut to ENTRY_CHARS),
    oldest first."""
    texts = library.ui.tickets
    names = {d.id: d.name for d in library.desks}
    lines: list[str] = []
    room = HISTORY_CHARS
    for item in reversed(history):
        text = item.text if len(item.text) <= ENTRY_CHARS else item.text[:ENTRY_CHARS] + "…"
        when, shown = local_when(texts, tz, item.at), html.escape(text)
        if item.author == "desk":
            name = html.escape(names.get(item.desk_id or "", texts.history_some_desk))
            line = texts.history_answer.format(desk=name, when=when, text=shown)
        else:
            line = texts.history_follow_up.format(when=when, text=shown)
        if len(line) > room:
            break
        room -= len(line)
        lines.append(line)
    if not lines:
        return ""
    left_out = len(history) - len(lines)
    if left_out:
        lines.append(texts.history_left_out.format(count=left_out))
    return "\n\n" + "\n".join([texts.history_title, *reversed(lines)])


async def send_about(
    bot: Bot | ExtBot[None],
    services: Services,
    ticket_id: int,
    chat_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
    *,
    staff_buttons: bool = False,
) -> Delivery:
    """Sends a message about a ticket and remembers it (and whether `markup` is the staff's
    buttons). Not DONE: Telegram refused it (REFUSED: not delivered), or gave no answer
    (UNKNOWN: a timeout or an outage, it may well have been delivered): handlers.kit.delivery."""
    try:
        sent = await bot.send_message(
            chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup,
            disable_web_page_preview=True,
        )  # fmt: skip
    except ChatMigrated as exc:  # a desk's staff group became a supergroup (a group's id)
        desks = [d.id for d in desks_of_group(services, chat_id)]
        log.warning(
            "could not send a message about ticket %s to the staff group %s of desk %s: it "
            "became the supergroup %s; set staff_chat_id: %s in desks.yaml",
            ticket_id, chat_id, ", ".join(desks) or "-", exc.new_chat_id, exc.new_chat_id,
        )  # fmt: skip
        return failed(exc)
    except TelegramError as exc:
        # No chat id: it may be the resident's.
        log.warning("could not send a message about ticket %s: %s", ticket_id, exc)
        return failed(exc)
    async with services.db.session() as session:
        await remember_message(
            session=session, ticket_id=ticket_id, chat_id=chat_id, message_id=sent.message_id,
            staff_buttons=staff_buttons,
        )  # fmt: skip
    return Delivery.DONE


def desks_of_group(services: Services, chat_id: int) -> list[Desk]:
    """The reachable desks whose staff group is `chat_id` (a sample desk is never sent to)."""
    return [d for d in services.library.desks if d.staff_chat_id == chat_id and not d.sample]


async def send_to_desk(
    bot: Bot | ExtBot[None],
    services: Services,
    desk: Desk,
    ticket_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> Delivery:
    """Sends to the desk's staff group (or each of its staff); never to a sample desk, whose
    ids are invented (REFUSED: nobody has it). DONE once a chat got it, REFUSED when Telegram
    refused it in every chat (the group removed the bot, became a supergroup, is gone: the
    desk cannot have it), else UNKNOWN (it may have arrived)."""
    if desk.sample:
        return Delivery.REFUSED
    staff = markup is not None  # the staff's buttons: what goes to a desk has no others
    sent = [
        await send_about(bot, services, ticket_id, chat, text, markup, staff_buttons=staff)
        for chat in desk_chats(desk)
    ]
    return next((d for d in (Delivery.DONE, Delivery.UNKNOWN) if d in sent), Delivery.REFUSED)


async def desk_has_ticket(services: Services, ticket_id: int, desk: Desk) -> bool:
    """Whether one of the desk's chats (as desks.yaml names them now) got the ticket with its
    staff's buttons: its message, a follow-up, or 📄 from /tickets."""
    chats = desk_chats(desk)
    async with services.db.session() as session:
        copies = await staff_copies(session=session, ticket_id=ticket_id, chat_ids=chats)
    return bool(copies)


async def edit_staff_copies(
    bot: Bot | ExtBot[None],
    services: Services,
    ticket_id: int,
    desk: Desk,
    markup: InlineKeyboardMarkup | None,
    text: str = "",
) -> None:
    """The ticket's copies with the staff's buttons in the desk's chats get `markup` (and
    `text`, if given) instead; without `markup` they are no longer such copies (a later edit
    leaves them alone). Best effort: a copy staff deleted stays deleted."""
    chats = desk_chats(desk)
    async with services.db.session() as session:
        copies = await staff_copies(session=session, ticket_id=ticket_id, chat_ids=chats)
        if markup is None:
            await buttons_gone(session=session, ticket_id=ticket_id, chat_ids=chats)
    for chat_id, message_id in copies:
        try:
            if text:
                await bot.edit_message_text(
                    text, chat_id, message_id, parse_mode=ParseMode.HTML, reply_markup=markup
                )
            else:
                await bot.edit_message_reply_markup(chat_id, message_id, reply_markup=markup)
        except BadRequest as exc:
            if not not_modified(exc):  # (the buttons were as wanted already)
                log.warning("could not edit a desk's copy of ticket %s: %s", ticket_id, exc)
        except TelegramError as exc:
            log.warning("could not edit a desk's copy of ticket %s: %s", ticket_id, exc)


def ended_why(texts: TicketTexts, ticket: StoredTicket) -> str:
    """How a closed ticket ended: answered, or why without an answer (未记录 for one that
    ended before reasons were kept)."""
    if ticket.answered_at is not None:
        return texts.ended_answered
    reason = texts.close_reasons[ticket.close_reason or "unrecorded"]
    return texts.ended_unanswered.format(reason=reason)


def ended_for_staff(texts: TicketTexts, ticket: StoredTicket) -> str:
    """A closed ticket, as its desk is told when acting on it."""
    return texts.ended_for_staff.format(id=ticket.id, why=ended_why(texts, ticket))


async def tell_here(update: Update, ctx: PufaContext, ticket_id: int, text: str) -> None:
    """A note about the ticket in the chat where staff acted; a reply to it answers the ticket
    like a reply to the ticket itself."""
    if update.effective_chat is not None:
        await send_about(ctx.bot, ctx.services, ticket_id, update.effective_chat.id, text)
