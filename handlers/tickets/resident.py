"""The resident's side after sending: 补充 (or a Telegram reply to the bot's message about the
ticket) adds to the same ticket (an answered one waits for the desk again; an ended one's is
offered as a new message), and the one-tap rating of a closed ticket (😐 一般 and 🙁 不满意
are offered a new message, 不满意 also 12348)."""

import html

from telegram import InlineKeyboardMarkup, Update

from content.desks import Desk
from content.report_input import InputError
from domain.tickets import resident_text
from handlers.kit import callbacks
from handlers.kit.context import PufaContext
from handlers.kit.conversation import Conversation, begin, expired
from handlers.kit.delivery import Delivery
from handlers.kit.replies import acknowledge, reply_html
from handlers.kit.roles import own_chat_only
from handlers.kit.tickets import leave_message_button
from handlers.tickets.chat import explain, offer_as_new
from handlers.tickets.common import (
    MORE_FLOW,
    RATINGS,
    SO_SO,
    UNSATISFIED,
    DeskAction,
    desk_has_ticket,
    desk_ticket_now,
    edit_staff_copies,
    send_to_desk,
    staff_keyboard,
)
from handlers.tickets.send import ticket_deadlines
from storage.tickets import StoredTicket, add_entry, get_ticket, rate, reopen


async def own_ticket(
    update: Update, ctx: PufaContext, ticket_id: int | None
) -> StoredTicket | None:
    """The person's own ticket, else None after a stale-button answer (forged or not theirs),
    or after an alert where the press is anywhere but their own private chat (a forwarded
    copy of its message in a group: `own_chat_only`), nothing done or said there."""
    if not await own_chat_only(update, ctx):
        return None
    user, ticket = update.effective_user, None
    if ticket_id is not None and user is not None:
        async with ctx.services.db.session() as session:
            ticket = await get_ticket(session=session, ticket_id=ticket_id)
    if ticket is None or user is None or ticket.resident_id != user.id:
        await expired(update, ctx)
        return None
    return ticket


async def on_resident_button(
    update: Update, ctx: PufaContext, action: DeskAction, args: tuple[str, ...]
) -> None:
    texts = ctx.services.ui.tickets
    ticket = await own_ticket(update, ctx, callbacks.number(args[0]) if args else None)
    if ticket is None:
        return
    if action is DeskAction.RATE:
        rating = callbacks.number(args[1], max(RATINGS)) if len(args) == 2 else None
        async with ctx.services.db.session() as session:
            rated = rating is not None and await rate(
                session=session, ticket_id=ticket.id, resident_id=ticket.resident_id or 0,
                rating=rating,
            )  # fmt: skip
        if not rated and ticket.rating is not None:
            await acknowledge(update, texts.rated_already)
            return
        await acknowledge(update, texts.rated if rated else ctx.services.ui.stale_button)
        if not rated or rating is None:
            return
        offer = {SO_SO: texts.rated_so_so, UNSATISFIED: texts.rated_unsatisfied}.get(rating)
        if offer is None:
            await reply_html(update, texts.rated)
        else:  # a next step: a new message with the field and town known (or 12348)
            ui = ctx.services.ui
            leave = leave_message_button(ui, category=ticket.category, town=ticket.town)
            await reply_html(update, offer, InlineKeyboardMarkup([[leave]]))
        return
    # 补充 on an ended ticket: what they type is offered as a new message (`follow_up`)
    await acknowledge(update)
    if await begin(update, ctx, MORE_FLOW, "text", {"ticket": ticket.id}) is None:
        return
    prompt = texts.more_prompt_closed if ticket.closed else texts.more_prompt
    await reply_html(update, prompt.format(id=ticket.id))


async def on_more_typed(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    """The text typed after 补充."""
    message = update.effective_message
    assert message is not None and message.text is not None
    if await follow_up(update, ctx, int(chat.data["ticket"]), message.text):
        await chat.end(update)


async def follow_up(update: Update, ctx: PufaContext, ticket_id: int, typed: str) -> bool:
    """Adds the resident's text to their ticket and passes it to the desk; an answered ticket
    is reopened (back in the desk's queue, reminded again by its deadlines); one that has
    ended is offered as a new message (`offer_as_new`). True once done (or the ticket can
    take nothing more), False to let them type again (or when they were asked about another
    chat first: `offer_as_new`)."""
    services, texts = ctx.services, ctx.services.ui.tickets
    ticket = await own_ticket(update, ctx, ticket_id)
    if ticket is None:
        return True
    try:
        text, hidden = resident_text(typed)
    except InputError as problem:
        await reply_html(update, explain(ctx, problem.problem))
        return False
    if ticket.closed:
        return await offer_as_new(update, ctx, ticket, text, hidden)
    now = services.now()
    desk = services.library.desk(ticket.desk_id)
    if desk is None:  # gone from desks.yaml: kept for the desk a coordinator moves it to
        async with services.db.session() as session:
            added = await add_entry(
                session=session, ticket_id=ticket.id, author="resident", text=text, now=now
            )
        if not added:
            return await offer_as_new(update, ctx, ticket, text, hidden)
        kept = texts.more_kept.format(id=ticket.id)
        await reply_html(update, f"{texts.numbers_hidden}\n{kept}" if hidden else kept)
        return True
    to_due, to_escalate = ticket_deadlines(services, desk)
    async with services.db.session() as session:
        added = await add_entry(
            session=session, ticket_id=ticket.id, author="resident", text=text, now=now
        )
        reopened = added and await reopen(
            session=session, ticket_id=ticket.id, now=now, due_at=now + to_due,
            escalate_at=now + to_escalate,
        )  # fmt: skip
    if not added:  # it ended meanwhile
        return await offer_as_new(update, ctx, ticket, text, hidden)
    keyboard = staff_keyboard(texts, ticket, desk)
    passed = await _for_desk(ctx, ticket, desk, text, reopened)
    delivered = await send_to_desk(ctx.bot, services, desk, ticket.id, passed, keyboard)
    if reopened:  # open to anyone again: no copy says who had taken it
        await edit_staff_copies(ctx.bot, services, ticket.id, desk, keyboard)
    if desk.sample:  # nobody reads a sample's
        added_to = texts.more_sample
    elif delivered is Delivery.REFUSED:
        added_to = texts.more_undelivered
    else:
        added_to = texts.more_sent
    sent = added_to.format(desk=html.escape(desk.name), id=ticket.id)
    await reply_html(update, f"{texts.numbers_hidden}\n{sent}" if hidden else sent)
    return True


async def _for_desk(
    ctx: PufaContext, ticket: StoredTicket, desk: Desk, text: str, reopened: bool
) -> str:
    """The follow-up as its desk reads it; the whole ticket with it, follow-ups so far
    included, when none of the desk's chats got the ticket (Telegram refused it there)."""
    services, texts = ctx.services, ctx.services.ui.tickets
    if desk.sample or await desk_has_ticket(services, ticket.id, desk):
        shown = texts.desk_follow_up_reopened if reopened else texts.desk_follow_up
        return shown.format(id=ticket.id, text=html.escape(text))
    return await desk_ticket_now(services, ticket, desk)
