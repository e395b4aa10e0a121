"""The last steps of /broadcast: the time typed (or 立即发送), the exact preview, and the
confirmation, which creates the broadcast once however often it is pressed."""

import html

from telegram import InlineKeyboardMarkup, Update

from handlers.broadcasts.audience import count_recipients
from handlers.broadcasts.draft import (
    CONFIRM,
    WHEN,
    BroadcastButton,
    BroadcastDraft,
    draft_of,
    plan_problem,
    save,
)
from handlers.broadcasts.screens import read_when, renderer, send_preview
from handlers.kit.context import PufaContext
from handlers.kit.conversation import Conversation, ask
from handlers.kit.replies import acknowledge, edit, reply_html
from scheduler.planning import Plan, PlanError, broadcast_row
from scheduler.timeparse import Now, When, examples

Args = tuple[str, ...]


async def on_when(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    """The time typed for the broadcast."""
    message = update.effective_message
    assert message is not None
    draft = await draft_of(update, ctx, chat)
    if draft is None:
        return
    when = await read_when(update, ctx, message.text or "")
    if when is not None:
        await _preview(update, ctx, chat, draft, when)


async def on_now(update: Update, ctx: PufaContext, chat: Conversation, _args: Args) -> None:
    draft = await draft_of(update, ctx, chat)
    if draft is not None:
        await acknowledge(update)
        await _preview(update, ctx, chat, draft, Now())


async def redraw(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    """The preview and its confirmation as the draft is now (an older one was pressed)."""
    draft = await draft_of(update, ctx, chat)
    if draft is not None and draft.when is not None:
        await _preview(update, ctx, chat, draft, draft.when)


async def on_change_time(
    update: Update, ctx: PufaContext, chat: Conversation, _args: Args
) -> None:
    ui = ctx.services.ui.broadcasts
    draft = await draft_of(update, ctx, chat)
    if draft is None:
        return
    await acknowledge(update)
    await save(chat, draft, WHEN)
    tz = html.escape(ui.zone_name(ctx.services.tz))
    await ask(update, chat, ui.when_help.format(tz=tz, **examples(ctx.services.local_now())))


async def _preview(
    update: Update, ctx: PufaContext, chat: Conversation, draft: BroadcastDraft, when: When
) -> None:
    assert draft.audience is not None
    ui = ctx.services.ui.broadcasts
    draft.when = when
    await save(chat, draft, CONFIRM)
    row = broadcast_row(_plan(draft, chat), send_at=ctx.services.now())
    if not await send_preview(update, ctx, row):
        await chat.end(update)  # the coordinator is asked to start again
        return
    count = await count_recipients(ctx, draft.audience, draft.audience_value)
    text = ui.confirm.format(
        audience=renderer(ctx).audience_name(draft.audience, draft.audience_value),
        count=count,
        when=html.escape(ctx.services.describe_when(when)),
    )
    if draft.content_kind == "album":
        text = f"{ui.album_note.format(count=len(draft.album))}\n{text}"
    markup = InlineKeyboardMarkup(
        [
            [chat.button(ui.confirm_button, BroadcastButton.CONFIRM)],
            [
                chat.button(ui.change_time_button, BroadcastButton.TIME),
                chat.button(ui.cancel_button, BroadcastButton.CANCEL),
            ],
        ]
    )
    await ask(update, chat, text, markup)  # the question (or card) before loses its buttons


async def on_confirm(update: Update, ctx: PufaContext, chat: Conversation, _args: Args) -> None:
    ui = ctx.services.ui.broadcasts
    draft = await draft_of(update, ctx, chat)
    if draft is None:
        return
    if draft.audience is None or draft.when is None:
        await acknowledge(update, ui.stale_draft, alert=True)
        return
    await acknowledge(update)
    try:
        row = await ctx.services.broadcasting.create(_plan(draft, chat))
    except PlanError as error:
        await reply_html(update, plan_problem(ctx, error.problem, draft.plain))
        return
    await chat.end(update)
    if isinstance(draft.when, Now):
        text = ui.confirmed_now.format(id=row.id)
    else:
        when = ctx.services.describe_when(draft.when)
        text = ui.confirmed_later.format(id=row.id, when=html.escape(when))
    await edit(update, text, None)


async def on_cancel(update: Update, ctx: PufaContext, chat: Conversation, _args: Args) -> None:
    """取消 under a step of the draft: nothing is sent, the message says so in place."""
    await chat.end(update)
    await acknowledge(update)
    await edit(update, ctx.services.ui.broadcasts.cancelled_draft, None)


def _plan(draft: BroadcastDraft, chat: Conversation) -> Plan:
    assert draft.audience is not None and draft.when is not None
    return Plan(
        created_by=chat.user_id,
        key=chat.token,
        audience=draft.audience,
        audience_value=draft.audience_value,
        when=draft.when,
        content_kind=draft.content_kind,
        text=draft.text,
        card_id=draft.card_id,
        source=draft.source,
    )
