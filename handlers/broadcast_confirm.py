"""The last steps of /broadcast: the time typed, the exact preview, and the confirmation,
which creates the broadcast once however often it is pressed."""

import html

from telegram import InlineKeyboardMarkup, Update

from handlers import guided
from handlers.broadcast_audience import count_recipients
from handlers.broadcast_draft import (
    CONFIRM,
    button,
    drop_draft,
    load_draft,
    plan_problem,
    save_draft,
    typed_draft,
)
from handlers.context import PufaContext
from handlers.coordinator_ui import describe_when, edit, read_when, renderer, send_preview
from handlers.desk import BroadcastDraft
from handlers.guided import END, State
from handlers.replies import acknowledge, reply_html
from scheduler.planning import Draft, PlanError, broadcast_row
from scheduler.timeparse import Now, When
from storage.broadcasts import find_by_key


async def on_when(update: Update, ctx: PufaContext) -> State:
    """The time typed for the broadcast."""
    message = update.effective_message
    assert message is not None
    draft = await typed_draft(update, ctx)
    if draft is None or draft.audience is None:
        return END
    when = await read_when(update, ctx, message.text or "")
    if when is None:
        return None
    return await preview(update, ctx, draft, when)


async def preview(update: Update, ctx: PufaContext, draft: BroadcastDraft, when: When) -> State:
    user_id = guided.user_id(update)
    assert draft.audience is not None
    ui = ctx.services.ui.broadcasts
    draft.when = when
    step = await save_draft(ctx, user_id, draft, CONFIRM)
    if not await send_preview(
        update, ctx, broadcast_row(_domain_draft(draft, user_id), send_at=ctx.services.now())
    ):
        await drop_draft(ctx, user_id)  # the coordinator is asked to start again
        return END
    count = await count_recipients(ctx, draft.audience, draft.audience_value)
    text = ui.confirm.format(
        audience=renderer(ctx).audience_name(draft.audience, draft.audience_value),
        count=count,
        when=html.escape(describe_when(ctx, when)),
    )
    markup = InlineKeyboardMarkup(
        [
            [button(ui.confirm_button, "ok", draft.token)],
            [
                button(ui.change_time_button, "time", draft.token),
                button(ui.cancel_button, "x", draft.token),
            ],
        ]
    )
    await reply_html(update, text, markup)
    return step


async def confirm(update: Update, ctx: PufaContext, token: str) -> State:
    user_id = guided.user_id(update)
    ui = ctx.services.ui.broadcasts
    draft = await load_draft(ctx, user_id)
    if draft is None or draft.token != token or draft.audience is None or draft.when is None:
        async with ctx.services.db.session() as session:
            done = await find_by_key(session=session, key=f"draft:{user_id}:{token}")
        text = ui.already_confirmed if done else ui.stale_draft
        await acknowledge(update, text, alert=True)
        return END if draft is None else None
    await acknowledge(update)
    service = ctx.services.broadcasting
    assert service is not None
    try:
        row = await service.create(_domain_draft(draft, user_id))
    except PlanError as error:
        await reply_html(update, plan_problem(ctx, error.problem, draft.plain))
        return None
    await drop_draft(ctx, user_id)
    if isinstance(draft.when, Now):
        text = ui.confirmed_now.format(id=row.id)
    else:
        when = describe_when(ctx, draft.when)
        text = ui.confirmed_later.format(id=row.id, when=html.escape(when))
    await edit(update, text, None)
    return END


def _domain_draft(draft: BroadcastDraft, user_id: int) -> Draft:
    assert draft.audience is not None and draft.when is not None
    return Draft(
        created_by=user_id,
        key=draft.token,
        audience=draft.audience,
        audience_value=draft.audience_value,
        when=draft.when,
        content_kind=draft.content_kind,
        text=draft.text,
        card_id=draft.card_id,
        source=draft.source,
    )
