"""/broadcast: content (text, a card, or a forwarded message) -> audience -> when -> an exact
preview -> confirm. Coordinators only; every step can be cancelled and nothing is broadcast
until the confirmation, which counts once however often it is pressed.

Restart-safe like /report (see handlers.drafts): the draft is a `conversation_draft` row
(flow "broadcast"), rewritten with its step in the same update that changes the step, so a
bot restarted mid-draft carries on where the coordinator was. A forwarded message is kept
as its chat id and message id (recipients get a copy of it), never as a Telegram object.

This module wires the chat: which handler answers what in which step, and which button
action goes where (broadcast_content opens it and takes the content, broadcast_audience the
audience, broadcast_confirm the time, preview and confirmation; broadcast_draft holds what
they share). It also routes what coordinators type for /scheduled and /campaigns.
"""

import html

from telegram import Message, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from handlers import callbacks, campaigns, guided, scheduled
from handlers.broadcast_audience import audience_chosen, audience_keyboard, choices, parse_audience
from handlers.broadcast_confirm import confirm, on_when, preview
from handlers.broadcast_content import card_step, on_broadcast, on_content
from handlers.broadcast_draft import (
    AUDIENCE,
    CONFIRM,
    CONTENT,
    FLOW,
    WHEN,
    drop_draft,
    load_draft,
    on_timeout,
    save_draft,
)
from handlers.context import PufaApp, PufaContext
from handlers.coordinator_ui import edit
from handlers.desk import IDLE, BroadcastDraft, Desk
from handlers.drafts import conversation
from handlers.guided import END, State
from handlers.replies import acknowledge, reply_html
from handlers.roles import require_coordinator
from scheduler.timeparse import Now


async def on_button(update: Update, ctx: PufaContext) -> State:
    """Every button of a draft, inside the conversation or (stale, or 确认 pressed again after
    the draft went in) outside it."""
    query, user = update.callback_query, update.effective_user
    parsed = callbacks.parse(query.data if query else None)
    if parsed is None or len(parsed.args) < 2 or user is None:
        await acknowledge(update, ctx.services.ui.stale_button, alert=True)
        return None
    if not await require_coordinator(update, ctx, "broadcast"):
        await drop_draft(ctx, user.id)  # no longer a coordinator: their draft goes too
        return END
    action, token, rest = parsed.args[0], parsed.args[1], parsed.args[2:]
    if action == "ok":
        return await confirm(update, ctx, token)
    draft = await load_draft(ctx, user.id)
    if draft is None or draft.token != token:
        await acknowledge(update, ctx.services.ui.broadcasts.stale_draft, alert=True)
        return END if draft is None else None
    return await _step(update, ctx, draft, action, rest)


async def _step(
    update: Update, ctx: PufaContext, draft: BroadcastDraft, action: str, rest: tuple[str, ...]
) -> State:
    """The draft's button `action`: the next step, or None to stay at this one."""
    ui, user_id = ctx.services.ui.broadcasts, guided.user_id(update)
    if action == "x":
        await drop_draft(ctx, user_id)
        await acknowledge(update)
        await edit(update, ui.cancelled_draft, None)
        return END
    if action in ("ac", "at", "av"):
        await acknowledge(update)
        await edit(update, *choices(ctx, draft.token, action))
        return None
    if action == "back":
        await acknowledge(update)
        await edit(update, ui.audience_prompt, audience_keyboard(ctx, draft.token))
        return None
    if action == "a" and (chosen := parse_audience(ctx, rest)) is not None:
        return await audience_chosen(update, ctx, draft, *chosen)
    if action == "now" and draft.audience is not None:
        await acknowledge(update)
        return await preview(update, ctx, draft, Now())
    if action == "time" and draft.audience is not None:
        await acknowledge(update)
        step = await save_draft(ctx, user_id, draft, WHEN)
        await reply_html(update, ui.when_help.format(tz=html.escape(str(ctx.services.tz))))
        return step
    if action in ("cards", "cc", "card"):
        return await card_step(update, ctx, draft, action, rest)
    await acknowledge(update, ctx.services.ui.stale_button, alert=True)
    return None


async def on_typed(update: Update, ctx: PufaContext) -> None:
    """What a coordinator types for /scheduled or /campaigns: routed by the prompt."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    prompt = ctx.services.desk.prompt(user.id)
    if prompt is None:
        return
    if prompt.kind.startswith("edit_"):
        await scheduled.on_typed(update, ctx, prompt)
    else:
        await campaigns.on_typed(update, ctx, prompt)


class _Awaiting(filters.MessageFilter):
    """Messages from a coordinator /scheduled or /campaigns has asked to type something."""

    def __init__(self, desk: Desk) -> None:
        super().__init__(name="awaiting_coordinator_input")
        self.desk = desk

    def filter(self, message: Message) -> bool:
        user = message.from_user
        return user is not None and self.desk.prompt(user.id) is not None


def build(desk: Desk) -> ConversationHandler[PufaContext]:
    """Typed input goes to the draft unless a /scheduled or /campaigns prompt is newer (it
    waits in the desk; asking for the draft's next input clears it)."""
    typed = filters.ChatType.PRIVATE & ~filters.COMMAND & ~_Awaiting(desk)
    buttons = CallbackQueryHandler(on_button, pattern=callbacks.pattern(callbacks.BROADCAST))
    return conversation(
        name=FLOW,
        entry_points=[CommandHandler("broadcast", on_broadcast, filters.ChatType.PRIVATE)],
        states={
            CONTENT: [MessageHandler(typed, on_content), buttons],
            AUDIENCE: [buttons],
            WHEN: [MessageHandler(typed, on_when), buttons],
            CONFIRM: [buttons],
            ConversationHandler.TIMEOUT: [TypeHandler(Update, on_timeout)],
        },
        fallbacks=[],
        allow_reentry=True,  # /broadcast again starts a new draft
        conversation_timeout=IDLE,
    )


def register(app: PufaApp) -> None:
    desk = app.bot_data["services"].desk
    awaiting = filters.ChatType.PRIVATE & ~filters.COMMAND & _Awaiting(desk)
    app.add_handlers(
        [
            build(desk),
            MessageHandler(awaiting, on_typed),
            # Outside a draft: stale buttons, and 确认 pressed again after it went in.
            CallbackQueryHandler(on_button, pattern=callbacks.pattern(callbacks.BROADCAST)),
        ]
    )
    scheduled.register(app)
    campaigns.register(app)
