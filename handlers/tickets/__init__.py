"""Residents' messages to duty staff (留言给工作人员): the guided chat, the desk's buttons and
answers, follow-ups, ratings, and reminders of unanswered tickets."""

from datetime import timedelta

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from domain.tickets import desk_chats
from handlers.kit import callbacks
from handlers.kit.callbacks import Kind, parse, pattern
from handlers.kit.context import PufaApplication, PufaContext, Services
from handlers.kit.conversation import (
    Conversation,
    Flow,
    OnMessage,
    Step,
    cancel_button,
    expired,
    leave_open,
)
from handlers.kit.replies import acknowledge, reply_html
from handlers.kit.roles import in_private
from handlers.kit.tickets import leave_message_link, leave_message_payload
from handlers.tickets import (
    chat,
    consent,
    desk_groups,
    erasure,
    queue,
    redraw,
    replies,
    resident,
    send,
    sla,
    staff,
)
from handlers.tickets.chat import CATEGORY, CONFIRM, CONTACT, TEXT, TOWN, TicketButton
from handlers.tickets.common import FLOW, MORE_FLOW, REPLY_FLOW, DeskAction, submission_key
from storage.tickets import ticket_exists

IDLE = timedelta(hours=2)  # an unfinished message (or answer) is dropped after this
STAFF_ACTIONS = {
    DeskAction.TAKE,
    DeskAction.REPLY,
    DeskAction.MOVE,
    DeskAction.TO,
    DeskAction.CLOSE,
    DeskAction.ASK_PHONE,
}


def ticket_flow() -> Flow:
    return Flow(
        name=FLOW,
        kind=Kind.TICKET,
        steps={
            CATEGORY: Step(
                text=chat.on_early_text, buttons={TicketButton.CATEGORY: chat.on_category}
            ),
            TOWN: Step(text=chat.on_town_text, buttons={TicketButton.TOWN: chat.on_town}),
            TEXT: Step(text=chat.on_text),
            CONTACT: Step(
                contact=chat.on_contact,
                text=chat.on_contact_text,
                buttons={TicketButton.NO_CONTACT: chat.on_no_contact},
            ),
            CONFIRM: Step(text=chat.on_confirm_text, buttons={TicketButton.SEND: send.on_send}),
        },
        anywhere={TicketButton.CANCEL: cancel_button},
        idle=IDLE,
        wrong_input=chat.on_wrong_input,
        cancelled=chat.on_cancelled,
        timed_out=lambda services: services.ui.tickets.timed_out,
        ended=_sent_already,
        confirms=frozenset({TicketButton.SEND}),
        summary=chat.show_summary,
        answered=chat.answered,
        resume=chat.resume,
    )


def prompt_flow(name: str, on_text: OnMessage) -> Flow:
    """A one-question prompt: the staff's answer after 回复, the resident's text after 补充."""
    return Flow(
        name=name,
        kind=None,
        steps={"text": Step(text=on_text)},
        idle=IDLE,
        wrong_input=_text_please,
        cancelled=chat.on_cancelled,
        transient=True,
    )


async def _text_please(update: Update, ctx: PufaContext, _chat: Conversation) -> None:
    await reply_html(update, ctx.services.ui.tickets.text_no_letters)


async def _sent_already(
    update: Update,
    ctx: PufaContext,
    token: str,
    action: str,
    _args: tuple[str, ...],
    _open: object,
) -> None:
    """发送 or 取消 pressed after the ticket was sent; any other button of an ended chat (or
    one after /cancel) is stale."""
    sent = False
    if action in (TicketButton.SEND, TicketButton.CANCEL) and update.effective_user is not None:
        async with ctx.services.db.session() as session:
            key = submission_key(update.effective_user.id, token)
            sent = await ticket_exists(session=session, key=key)
    texts = ctx.services.ui
    if not sent:
        answer = texts.stale_button
    elif action == TicketButton.CANCEL:
        answer = texts.tickets.cancel_after_sent
    else:
        answer = texts.tickets.already_sent
    await acknowledge(update, answer, alert=True)


async def on_desk_button(update: Update, ctx: PufaContext) -> None:
    parsed = parse(update.callback_query.data if update.callback_query else None)
    chosen = parsed.action(DeskAction) if parsed else None
    if chosen is None:
        await expired(update, ctx)
        return
    action, args = chosen
    if (action is DeskAction.SHOW or action in STAFF_ACTIONS) and not _desk_may_act_here(
        update, ctx
    ):
        await acknowledge(update, ctx.services.ui.tickets.desk_chat_only, alert=True)
        return
    if action is DeskAction.SHOW:
        await queue.on_show(update, ctx, callbacks.number(args[0]) if len(args) == 1 else None)
    elif action in STAFF_ACTIONS:
        await staff.on_staff_button(update, ctx, action, args)
    elif action in (DeskAction.MORE, DeskAction.RATE):
        await resident.on_resident_button(update, ctx, action, args)
    elif action in (DeskAction.PHONE, DeskAction.DECLINE, DeskAction.NO_PHONE):
        await consent.on_consent_button(update, ctx, action, args)
    elif not in_private(update):
        await _to_private(update, ctx, action, args)
    else:
        await acknowledge(update)
        if action is DeskAction.NEW:  # dk:new[:<category>[:<town key>]]
            known = args if len(args) <= 2 else ()
            category, town_key = (known[0] if known else ""), (known[1] if len(known) == 2 else "")
            await chat.start(update, ctx, category=category, town_key=town_key)
        else:
            await chat.start(update, ctx, desk_id=args[0] if len(args) == 1 else "")


def _desk_may_act_here(update: Update, ctx: PufaContext) -> bool:
    """A desk's buttons act in a private chat or a desk's staff group; not in another group,
    where a forwarded copy of a ticket would have staff's answers (接单, 回复's prompt, 转办's
    desks) posted for its members to read."""
    chat = update.effective_chat
    if chat is None or in_private(update):
        return True
    return any(chat.id in desk_chats(desk) for desk in ctx.services.library.desks)


async def _to_private(
    update: Update, ctx: PufaContext, action: DeskAction, args: tuple[str, ...]
) -> None:
    """留言给工作人员 pressed in a group (a message from before its button became a link):
    the link to the private chat, where the message opens with what the button knew."""
    known = args[0] if args else ""
    category, desk_id = (known, "") if action is DeskAction.NEW else ("", known)
    link = leave_message_link(ctx.services.start_link(ctx.bot.username), category, desk_id)
    texts = ctx.services.ui.tickets
    button = InlineKeyboardMarkup([[InlineKeyboardButton(texts.private_button, url=link)]])
    await acknowledge(update)
    await reply_html(update, texts.private_only, button)


async def on_leave_link(update: Update, ctx: PufaContext) -> None:
    """`/start msg…`, the link of 留言给工作人员 in a group: like any /start, unfinished chats
    end (or are asked about first); then the message opens with the field or desk the link
    names (a link cut short or mistyped still opens it, asking what the link would have
    told)."""
    if not await leave_open(update, ctx):
        return
    known = leave_message_payload(ctx.args[0] if ctx.args else "")
    category, desk_id = known or ("", "")
    await chat.start(update, ctx, category=category, desk_id=desk_id)


async def after_restart(bot: Bot, services: Services) -> None:
    """At start-up, before the first update (`bot.app.on_startup`): the asks the last run
    stopped before sending are forgotten, and the desks' messages a crash or an outage left
    out of date are drawn (those Telegram does not answer for now: by the periodic check)."""
    await consent.forget_unsent(services)
    await redraw.redraw_outdated(bot, services)


def register(app: PufaApplication, services: Services) -> None:
    services.chats.add(ticket_flow())
    services.chats.add(prompt_flow(REPLY_FLOW, staff.on_reply_typed))
    services.chats.add(prompt_flow(MORE_FLOW, resident.on_more_typed))
    services.hooks.reply_to_bot.append(replies.on_reply_to_bot)
    services.hooks.person_erased.append(erasure.on_person_erased)
    desk_groups.register(services)
    sla.schedule(app, services)
    private = filters.ChatType.PRIVATE
    app.add_handlers(
        [
            CommandHandler("tickets", queue.on_tickets),
            # before residents' /start: `msg…` is this feature's link, other payloads are not
            CommandHandler("start", on_leave_link, filters.Regex(r"^/start msg(_|$)") & private),
            CallbackQueryHandler(on_desk_button, pattern=pattern(Kind.DESK)),
        ]
    )
