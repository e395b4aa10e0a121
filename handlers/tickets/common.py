"""What the ticket handlers share: the buttons' actions, finding a ticket's desk, sending a
message about a ticket (remembered, so a Telegram reply to it finds the ticket), the keyboards."""

import html
import logging
from datetime import datetime, tzinfo
from enum import StrEnum

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ExtBot

from content.desks import Desk
from content.loader import Library
from content.office_hours import DAY_NAMES
from content.ui_tickets import TicketTexts
from domain.tickets import desk_chats
from handlers.kit import tickets as entry
from handlers.kit.callbacks import Kind, make
from handlers.kit.context import Services
from storage.ticket_messages import remember_message
from storage.tickets import StoredTicket

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


RATINGS = (3, 2, 1)


def submission_key(user_id: int, token: str) -> str:
    """The ticket a chat becomes: one per chat, however often 发送 is pressed."""
    return f"{user_id}-{token}"


def desk_of(services: Services, desk_id: str) -> Desk | None:
    return next((d for d in services.library.desks if d.id == desk_id), None)


def category_name(library: Library, category: str) -> str:
    return next((c.name for c in library.categories if c.id == category), category)


def local_when(texts: TicketTexts, tz: tzinfo, instant: datetime) -> str:
    local = instant.astimezone(tz)
    return texts.when.format(
        month=local.month,
        day=local.day,
        weekday=DAY_NAMES[local.weekday()],
        time=local.strftime("%H:%M"),
    )


def button(label: str, action: DeskAction, *args: str | int) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=make(Kind.DESK, action, *args))


def staff_keyboard(texts: TicketTexts, ticket_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                button(texts.take_button, DeskAction.TAKE, ticket_id),
                button(texts.reply_button, DeskAction.REPLY, ticket_id),
            ],
            [
                button(texts.transfer_button, DeskAction.MOVE, ticket_id),
                button(texts.close_button, DeskAction.CLOSE, ticket_id),
            ],
        ]
    )


def more_keyboard(texts: TicketTexts, ticket_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[button(texts.more_button, DeskAction.MORE, ticket_id)]])


def rating_keyboard(texts: TicketTexts, ticket_id: int) -> InlineKeyboardMarkup:
    labels = {3: texts.rate_3, 2: texts.rate_2, 1: texts.rate_1}
    return InlineKeyboardMarkup(
        [[button(labels[r], DeskAction.RATE, ticket_id, r) for r in RATINGS]]
    )


def desk_ticket_html(library: Library, tz: tzinfo, ticket: StoredTicket, desk: Desk) -> str:
    """The ticket as its desk sees it; the contact only if the resident agreed to share it."""
    texts = library.ui.tickets
    return texts.desk_ticket.format(
        id=ticket.id,
        category=html.escape(category_name(library, ticket.category)),
        town=html.escape(ticket.town),
        when=local_when(texts, tz, ticket.created_at),
        contact=html.escape(ticket.contact) if ticket.contact else texts.desk_no_contact,
        text=html.escape(ticket.text),
        desk=html.escape(desk.name),
    )


async def send_about(
    bot: Bot | ExtBot[None],
    services: Services,
    ticket_id: int,
    chat_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> bool:
    """Sends a message about a ticket and remembers it; False if Telegram refused."""
    try:
        sent = await bot.send_message(
            chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup,
            disable_web_page_preview=True,
        )  # fmt: skip
    except TelegramError as exc:
        # No chat id: it may be the resident's.
        log.warning("could not send a message about ticket %s: %s", ticket_id, exc)
        return False
    async with services.db.session() as session:
        await remember_message(
            session=session, ticket_id=ticket_id, chat_id=chat_id, message_id=sent.message_id
        )
    return True


async def send_to_desk(
    bot: Bot | ExtBot[None],
    services: Services,
    desk: Desk,
    ticket_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> int:
    """Sends to the desk's staff group (or each of its staff); never to a sample desk, whose
    ids are invented. Returns how many chats got it."""
    if desk.sample:
        return 0
    sent = [
        await send_about(bot, services, ticket_id, chat, text, markup) for chat in desk_chats(desk)
    ]
    return sum(sent)
