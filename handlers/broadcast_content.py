"""The start of /broadcast and its content: text typed, a message forwarded (or any media),
or a topic card picked from the buttons."""

from telegram import InlineKeyboardMarkup, Update

from handlers import guided
from handlers.broadcast_audience import audience_keyboard
from handlers.broadcast_draft import (
    AUDIENCE,
    CONTENT,
    button,
    plan_problem,
    save_draft,
    typed_draft,
)
from handlers.context import PufaContext
from handlers.coordinator_ui import edit
from handlers.desk import BroadcastDraft
from handlers.guided import END, State
from handlers.replies import acknowledge, reply_html
from handlers.roles import require_coordinator
from scheduler.planning import PlanError, check_text


async def on_broadcast(update: Update, ctx: PufaContext) -> State:
    if not await require_coordinator(update, ctx, "broadcast"):
        return END
    ui, user_id = ctx.services.ui.broadcasts, guided.user_id(update)
    draft = BroadcastDraft()
    step = await save_draft(ctx, user_id, draft, CONTENT)
    markup = InlineKeyboardMarkup(
        [
            [
                button(ui.pick_card_button, "cards", draft.token),
                button(ui.cancel_button, "x", draft.token),
            ]
        ]
    )
    await reply_html(update, ui.start, markup)
    return step


async def on_content(update: Update, ctx: PufaContext) -> State:
    """The text typed, or the message forwarded (or any media), as the broadcast's content."""
    message = update.effective_message
    assert message is not None
    ui = ctx.services.ui.broadcasts
    draft = await typed_draft(update, ctx)
    if draft is None:
        return END
    if message.text and message.forward_origin is None:
        try:
            check_text(message.text)
        except PlanError as error:
            await reply_html(update, plan_problem(ctx, error.problem, message.text))
            return None
        draft.content_kind, draft.text, draft.plain = "text", message.text_html, message.text
    else:  # a forwarded message or any media: recipients get an exact copy of it
        draft.content_kind, draft.source = "copy", (message.chat_id, message.message_id)
        draft.plain = message.text or message.caption or ui.copy_label
    step = await save_draft(ctx, guided.user_id(update), draft, AUDIENCE)
    await reply_html(update, ui.audience_prompt, audience_keyboard(ctx, draft.token))
    return step


async def card_step(
    update: Update, ctx: PufaContext, draft: BroadcastDraft, action: str, rest: tuple[str, ...]
) -> State:
    ui, library = ctx.services.ui.broadcasts, ctx.services.library
    if action == "cards":
        rows = [[button(c.name, "cc", draft.token, c.id)] for c in library.categories]
        await acknowledge(update)
        await edit(update, ui.card_categories_prompt, InlineKeyboardMarkup(rows))
        return None
    if action == "cc" and len(rest) == 1 and library.cards_in(rest[0]):
        rows = [[button(c.title, "card", draft.token, c.id)] for c in library.cards_in(rest[0])]
        rows.append([button(ui.back_button, "cards", draft.token)])
        await acknowledge(update)
        await edit(update, ui.cards_prompt, InlineKeyboardMarkup(rows))
        return None
    if action == "card" and len(rest) == 1 and rest[0] in library.cards:
        card = library.cards[rest[0]]
        draft.content_kind, draft.card_id, draft.plain = "card", card.id, card.title
        draft.text, draft.source = "", None
        step = await save_draft(ctx, guided.user_id(update), draft, AUDIENCE)
        await acknowledge(update)
        await edit(update, ui.audience_prompt, audience_keyboard(ctx, draft.token))
        return step
    await acknowledge(update, ctx.services.ui.stale_button, alert=True)
    return None
