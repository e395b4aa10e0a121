"""/tickets: a desk's staff see its tickets waiting for an answer (in the desk's own chat only,
where its tickets go) and can bring one back with its buttons."""

import html

from telegram import InlineKeyboardMarkup, Update

from content.desks import Desk
from domain.tickets import desk_chats, is_staff
from handlers.kit.context import PufaContext
from handlers.kit.replies import acknowledge, reply_html
from handlers.kit.roles import is_coordinator
from handlers.tickets.common import (
    DeskAction,
    button,
    desk_ticket_now,
    local_when,
    send_about,
    staff_keyboard,
)
from handlers.tickets.staff import staff_ticket
from storage.models import TicketStatus
from storage.tickets import waiting_at

QUEUE_LINES = 30


def desks_here(ctx: PufaContext, user_id: int, chat_id: int) -> list[Desk]:
    """The desks whose tickets this person may see in this chat."""
    return [
        d
        for d in ctx.services.library.desks
        if chat_id in desk_chats(d) and is_staff(d, user_id, chat_id)
    ]


async def on_tickets(update: Update, ctx: PufaContext) -> None:
    services, user, chat = ctx.services, update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    texts = services.ui.tickets
    desks = desks_here(ctx, user.id, chat.id)
    if not desks and chat.type != chat.PRIVATE:  # an ordinary group, or a member not staff
        await reply_html(update, texts.tickets_staff_only)
        return
    if not desks:
        await reply_html(update, await _where_to_ask(ctx, user.id))
        return
    for desk in desks:
        async with services.db.session() as session:
            waiting = await waiting_at(session=session, desk_id=desk.id, limit=QUEUE_LINES)
        name = html.escape(desk.name)
        if not waiting:
            await reply_html(update, texts.queue_empty.format(desk=name))
            continue
        status = {TicketStatus.OPEN: texts.status_open, TicketStatus.TAKEN: texts.status_taken}
        lines = [
            texts.queue_line.format(
                id=t.id,
                category=html.escape(services.library.category_name(t.category)),
                town=html.escape(t.town),
                when=local_when(texts, services.tz, t.created_at),
                status=status.get(t.status, ""),
            )
            for t in waiting
        ]
        shows = [button(texts.show_button.format(id=t.id), DeskAction.SHOW, t.id) for t in waiting]
        rows = [shows[i : i + 4] for i in range(0, len(shows), 4)]
        title = texts.queue_title.format(desk=name, count=len(waiting))
        await reply_html(update, "\n".join([title, *lines]), InlineKeyboardMarkup(rows))


async def _where_to_ask(ctx: PufaContext, user_id: int) -> str:
    """/tickets in a private chat that is no desk's: where it works, the person's own desks,
    and for a coordinator who is none's staff how to become it (desks.yaml is the operator's:
    the coordinator asks them) and every desk's staff."""
    services, texts = ctx.services, ctx.services.ui.tickets
    mine = [d.name for d in services.library.desks if user_id in d.staff]
    if mine:
        return texts.tickets_where.format(desks=html.escape(services.ui.list_separator.join(mine)))
    if not await is_coordinator(services, user_id):
        return texts.tickets_nowhere
    lines = [texts.tickets_nowhere, texts.tickets_join_desk, "", texts.tickets_desks_title]
    for desk in services.library.desks:
        name = html.escape(desk.name)
        if desk.sample:
            lines.append(texts.tickets_desk_sample.format(desk=name))
        elif desk.staff_chat_id is not None and not desk.staff:
            lines.append(texts.tickets_desk_group_anyone.format(desk=name))
        elif desk.staff_chat_id is not None:
            lines.append(texts.tickets_desk_group.format(desk=name, count=len(desk.staff)))
        else:
            lines.append(texts.tickets_desk_private.format(desk=name, count=len(desk.staff)))
    return "\n".join(lines)


async def on_show(update: Update, ctx: PufaContext, ticket_id: int | None) -> None:
    """The ticket again, with its buttons, in the desk's chat it was asked from."""
    found = await staff_ticket(update, ctx, ticket_id, "show")
    chat = update.effective_chat
    if found is None or chat is None:
        return
    ticket, desk = found
    if chat.id not in desk_chats(desk):
        await acknowledge(update, ctx.services.ui.tickets.not_staff, alert=True)
        return
    await acknowledge(update)
    services = ctx.services
    text = await desk_ticket_now(services, ticket, desk)
    await send_about(
        ctx.bot, services, ticket.id, chat.id, text,
        staff_keyboard(services.ui.tickets, ticket, desk), staff_buttons=True,
    )  # fmt: skip
