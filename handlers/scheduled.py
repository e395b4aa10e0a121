"""/scheduled: coordinators' broadcasts waiting or being sent, with preview, edit and cancel.
Also the ⏹ button under a progress message, which stops a running broadcast."""

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, filters

from handlers import callbacks
from handlers.context import PufaApp, PufaContext
from handlers.coordinator_ui import describe_when, parse_id, read_when, renderer, send_preview
from handlers.desk import Prompt
from handlers.render import plain_text
from handlers.replies import acknowledge, reply_html
from handlers.roles import require_coordinator
from scheduler.planning import PlanError, check_text
from scheduler.timeparse import Now, Once, Weekly, describe
from storage import broadcasts as repo
from storage.audience import Audience
from storage.models import Broadcast, BroadcastStatus

LISTED = 10
EXCERPT = 30


def _button(label: str, action: str, broadcast_id: int) -> InlineKeyboardButton:
    data = callbacks.make(callbacks.SCHEDULED, action, broadcast_id)
    return InlineKeyboardButton(label.format(id=broadcast_id), callback_data=data)


def stop_button(ctx: PufaContext, broadcast_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[_button(ctx.services.ui.broadcasts.stop_button, "x", broadcast_id)]]
    )


async def on_scheduled(update: Update, ctx: PufaContext) -> None:
    if not await require_coordinator(update, ctx, "scheduled"):
        return
    statuses = [BroadcastStatus.SCHEDULED, BroadcastStatus.SENDING]
    async with ctx.services.db.session() as session:
        rows = await repo.upcoming(
            session=session, origins=["coordinator"], statuses=statuses, limit=LISTED
        )
    ui = ctx.services.ui.broadcasts
    if not rows:
        await reply_html(update, ui.scheduled_empty)
        return
    lines, buttons = [ui.scheduled_title], []
    for row in rows:
        assert row.id is not None
        lines.append(_line(ctx, row))
        buttons.append(_row_buttons(ctx, row))
    await reply_html(update, "\n\n".join(lines), InlineKeyboardMarkup(buttons))


def _line(ctx: PufaContext, row: Broadcast) -> str:
    ui = ctx.services.ui.broadcasts
    if row.status == BroadcastStatus.SENDING:
        when = ui.status_sending
    elif row.recurrence:
        when = describe_when(ctx, Weekly.decode(row.recurrence))
    else:
        when = describe(row.send_at.astimezone(ctx.services.tz))
    audience = renderer(ctx).audience_name(Audience(row.audience), row.audience_value)
    excerpt = _excerpt(ctx, row)
    return ui.scheduled_line.format(
        id=row.id, when=html.escape(when), audience=audience, excerpt=html.escape(excerpt)
    )


def _excerpt(ctx: PufaContext, row: Broadcast) -> str:
    ui = ctx.services.ui.broadcasts
    if row.content_kind == "card" and row.card_id in ctx.services.library.cards:
        return ctx.services.library.cards[row.card_id].title
    if row.content_kind == "copy":
        return ui.copy_label
    plain = plain_text(row.text)
    return plain if len(plain) <= EXCERPT else plain[:EXCERPT] + "…"


def _row_buttons(ctx: PufaContext, row: Broadcast) -> list[InlineKeyboardButton]:
    ui = ctx.services.ui.broadcasts
    assert row.id is not None
    if row.status == BroadcastStatus.SENDING:
        return [_button(ui.stop_item, "x", row.id)]
    buttons = [_button(ui.preview_item, "p", row.id), _button(ui.edit_time_item, "t", row.id)]
    if row.content_kind == "text":
        buttons.append(_button(ui.edit_text_item, "e", row.id))
    buttons.append(_button(ui.cancel_item, "x", row.id))
    return buttons


async def on_button(update: Update, ctx: PufaContext) -> None:
    query, user = update.callback_query, update.effective_user
    parsed = callbacks.parse(query.data if query else None)
    broadcast_id = parse_id(parsed.args[1]) if parsed and len(parsed.args) == 2 else None
    if parsed is None or broadcast_id is None or user is None:
        await acknowledge(update, ctx.services.ui.stale_button, alert=True)
        return
    if not await require_coordinator(update, ctx, "scheduled"):
        return
    action = parsed.args[0]
    if action == "x":
        await _cancel(update, ctx, broadcast_id, user.id)
    elif action in ("p", "t", "e"):
        await _open_action(update, ctx, action, broadcast_id, user.id)
    else:
        await acknowledge(update, ctx.services.ui.stale_button, alert=True)


async def _cancel(update: Update, ctx: PufaContext, broadcast_id: int, user_id: int) -> None:
    ui = ctx.services.ui.broadcasts
    service = ctx.services.broadcasting
    assert service is not None
    done, before = await service.cancel(broadcast_id, user_id)
    if before is None:
        text = ctx.services.ui.stale_button
    elif not done:
        status = getattr(ui, f"status_{before}", before)
        text = ui.cancel_too_late.format(id=broadcast_id, status=status)
    elif before == BroadcastStatus.SENDING:
        text = ui.stopped_ok.format(id=broadcast_id)
    else:
        text = ui.cancelled_ok.format(id=broadcast_id)
    await acknowledge(update, text, alert=True)


async def _open_action(
    update: Update, ctx: PufaContext, action: str, broadcast_id: int, user_id: int
) -> None:
    ui = ctx.services.ui.broadcasts
    async with ctx.services.db.session() as session:
        row = await repo.get_broadcast(session=session, broadcast_id=broadcast_id)
    if row is None or row.origin != "coordinator" or row.status != BroadcastStatus.SCHEDULED:
        await acknowledge(update, ui.edit_failed.format(id=broadcast_id), alert=True)
        return
    await acknowledge(update)
    if action == "p":
        await send_preview(update, ctx, row)
    elif action == "t":
        await ctx.services.desk.ask(user_id, "edit_time", str(broadcast_id))
        await reply_html(update, ui.edit_time_prompt.format(id=broadcast_id))
    elif row.content_kind != "text":
        await reply_html(update, ui.edit_text_only)
    else:
        await ctx.services.desk.ask(user_id, "edit_text", str(broadcast_id))
        await reply_html(update, ui.edit_text_prompt.format(id=broadcast_id))


async def on_typed(update: Update, ctx: PufaContext, prompt: Prompt) -> None:
    """The new time or text of a scheduled broadcast."""
    user, message = update.effective_user, update.effective_message
    assert user is not None and message is not None
    ui, service = ctx.services.ui.broadcasts, ctx.services.broadcasting
    assert service is not None
    broadcast_id = int(prompt.ref)
    if prompt.kind == "edit_time":
        when = await read_when(update, ctx, message.text or "")
        if when is None:
            return
        if isinstance(when, Weekly | Now):
            await reply_html(update, ui.edit_time_once_only)
            return
        assert isinstance(when, Once)
        changed = await service.reschedule(broadcast_id, when.at, user.id)
        done = ui.edited_time.format(when=html.escape(describe_when(ctx, when)))
    else:
        text = message.text or ""
        try:
            check_text(text)
        except PlanError:
            await reply_html(
                update, ui.empty if not text.strip() else ui.too_long.format(length=len(text))
            )
            return
        changed = await service.edit_text(broadcast_id, message.text_html, user.id)
        done = ui.edited_text
    await ctx.services.desk.done(user.id)
    await reply_html(update, done if changed else ui.edit_failed.format(id=broadcast_id))


def register(app: PufaApp) -> None:
    app.add_handlers(
        [
            CommandHandler("scheduled", on_scheduled, filters.ChatType.PRIVATE),
            CallbackQueryHandler(on_button, pattern=callbacks.pattern(callbacks.SCHEDULED)),
        ]
    )
