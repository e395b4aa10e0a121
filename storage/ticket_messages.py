"""The bot's messages about tickets, in a desk's chat or the resident's: a Telegram reply to one
of them belongs to that ticket."""

from datetime import datetime

from sqlmodel import col, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Ticket, TicketMessage


async def remember_message(
    *,
    session: AsyncSession,
    ticket_id: int,
    chat_id: int,
    message_id: int,
    staff_buttons: bool = False,
) -> None:
    session.add(
        TicketMessage(
            ticket_id=ticket_id,
            chat_id=chat_id,
            message_id=message_id,
            staff_buttons=staff_buttons,
        )
    )


async def ticket_of_message(*, session: AsyncSession, chat_id: int, message_id: int) -> int | None:
    """The ticket a message of the bot in `chat_id` was about, if any."""
    found = await session.exec(
        select(TicketMessage.ticket_id).where(
            col(TicketMessage.chat_id) == chat_id, col(TicketMessage.message_id) == message_id
        )
    )
    return found.first()


async def to_withdraw(*, session: AsyncSession, limit: int = 100) -> list[tuple[int, int]]:
    """(chat id, message id) of the bot's messages about erased tickets (/deleteme leaves no
    resident on them) not yet withdrawn, oldest first: also one recorded after the erasure
    (staff pressed 转办 as the resident pressed /deleteme). The resident's own chat has none
    left: the erasure deletes those rows."""
    found = await session.exec(
        select(TicketMessage.chat_id, TicketMessage.message_id)
        .join(Ticket, col(Ticket.id) == col(TicketMessage.ticket_id))
        .where(col(Ticket.resident_id).is_(None), col(TicketMessage.withdrawn_at).is_(None))
        .order_by(col(TicketMessage.id))
        .limit(limit)
    )
    return [(chat, message) for chat, message in found.all()]


async def withdrawn(
    *, session: AsyncSession, chat_id: int, message_id: int, now: datetime
) -> None:
    await session.exec(
        update(TicketMessage)
        .where(col(TicketMessage.chat_id) == chat_id, col(TicketMessage.message_id) == message_id)
        .values(withdrawn_at=now)
    )


async def desk_messages(*, session: AsyncSession, ticket_id: int) -> list[tuple[int, int]]:
    """(chat id, message id) of every message the bot sent about the ticket."""
    found = await session.exec(
        select(TicketMessage.chat_id, TicketMessage.message_id).where(
            col(TicketMessage.ticket_id) == ticket_id
        )
    )
    return [(chat, message) for chat, message in found.all()]


async def staff_copies(
    *, session: AsyncSession, ticket_id: int, chat_ids: list[int]
) -> list[tuple[int, int]]:
    """(chat id, message id) of the ticket's messages with the staff's buttons in these chats,
    oldest first (a chat's first is the ticket itself, as it came there)."""
    found = await session.exec(
        select(TicketMessage.chat_id, TicketMessage.message_id)
        .where(
            col(TicketMessage.ticket_id) == ticket_id,
            col(TicketMessage.chat_id).in_(chat_ids),
            col(TicketMessage.staff_buttons),
        )
        .order_by(col(TicketMessage.id))
    )
    return [(chat, message) for chat, message in found.all()]


async def was_sent_to(*, session: AsyncSession, ticket_id: int, chat_id: int) -> bool:
    """Whether the bot sent anything about the ticket to this chat."""
    found = await session.exec(
        select(TicketMessage.id).where(
            col(TicketMessage.ticket_id) == ticket_id, col(TicketMessage.chat_id) == chat_id
        )
    )
    return found.first() is not None


async def buttons_gone(*, session: AsyncSession, ticket_id: int, chat_ids: list[int]) -> None:
    """The ticket's copies in these chats no longer carry the staff's buttons."""
    await session.exec(
        update(TicketMessage)
        .where(col(TicketMessage.ticket_id) == ticket_id, col(TicketMessage.chat_id).in_(chat_ids))
        .values(staff_buttons=False)
    )
