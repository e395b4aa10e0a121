"""/scheduled: coordinators' broadcasts waiting or being sent, with preview, a new time (or
立即发送) or text (a one-question chat) and cancel; also the ⏹ button under a progress
message, which stops a running broadcast."""

import html
from enum import StrEnum

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from domain.answers import plain_text
from handlers.broadcasts.screens import read_when, renderer, send_preview
from handlers.kit.callbacks import Kind, make, number, parse
from handlers.kit.context import PufaContext
from handlers.kit.conversation import Conversation, begin, expired
from handlers.kit.replies import acknowledge, edit, reply_html, user_id
from handlers.kit.roles import require_coordinator, require_private
from scheduler.messages import album_items
from scheduler.planning import PlanError, check_text
from scheduler.timeparse import Now, Once, Weekly, describe
from storage import broadcasts as repo
from storage.audience import Audience
from storage.models import Broadcast, BroadcastStatus

LISTED = 10
EXCERPT = 30
EDIT_FLOW = "scheduled-edit"
NEW_TIME, NEW_TEXT = "time", "text"  # the edit chat's steps; its data: {"id": broadcast id}


class ScheduledButton(StrEnum):
    """sc:<action>:<broadcast id>"""

    PREVIEW = "p"
    TIME = "t"
    TEXT = "e"
    CANCEL = "x"  # cancel a waiting one, or stop one being sent (under its progress message)
    LIST_CANCEL = "lx"  # the same from the /scheduled list, which is then redrawn in place
    RESEND = "rs"  # send a finished one again to the recipients it failed for
    NOW = "n"  # send a waiting one-off one now (offered with the new-time question)


def _button(label: str, action: ScheduledButton, broadcast_id: int) -> InlineKeyboardButton:
    data = make(Kind.SCHEDULED, action, broadcast_id)
    return InlineKeyboardButton(label.format(id=broadcast_id), callback_data=data)


def stop_button(label: str, broadcast_id: int) -> InlineKeyboardMarkup:
    """The button under a running broadcast's progress message."""
    return InlineKeyboardMarkup([[_button(label, ScheduledButton.CANCEL, broadcast_id)]])


def resend_button(label: str, broadcast_id: int) -> InlineKeyboardMarkup:
    """The button under a summary that counts failures."""
    return InlineKeyboardMarkup([[_button(label, ScheduledButton.RESEND, broadcast_id)]])


async def on_scheduled(update: Update, ctx: PufaContext) -> None:
    if not await require_private(update, ctx) or not await require_coordinator(
        update, ctx, "scheduled"
    ):
        return
    await reply_html(update, *await _listing(ctx))


async def _listing(ctx: PufaContext) -> tuple[str, InlineKeyboardMarkup | None]:
    """The list of broadcasts waiting or being sent, each with its buttons."""
    statuses = [BroadcastStatus.SCHEDULED, BroadcastStatus.SENDING]
    async with ctx.services.db.session() as session:
        rows = await repo.upcoming(
            session=session, origins=["coordinator"], statuses=statuses, limit=LISTED
        )
    ui = ctx.services.ui.broadcasts
    if not rows:
        return ui.scheduled_empty, None
    lines, buttons = [ui.scheduled_title], []
    for row in rows:
        lines.append(_line(ctx, row))
        buttons.append(_row_buttons(ctx, row))
    return "\n\n".join(lines), InlineKeyboardMarkup(buttons)


def _line(ctx: PufaContext, row: Broadcast) -> str:
    ui = ctx.services.ui.broadcasts
    if row.status == BroadcastStatus.SENDING:
        when = ui.status_sending
    elif row.recurrence:
        when = ctx.services.describe_when(Weekly.decode(row.recurrence))
    else:
        when = describe(row.send_at.astimezone(ctx.services.tz))
    audience = renderer(ctx).audience_name(Audience(row.audience), row.audience_value)
    return ui.scheduled_line.format(
        id=row.id,
        when=html.escape(when),
        audience=audience,
        excerpt=html.escape(_excerpt(ctx, row)),
    )


def _excerpt(ctx: PufaContext, row: Broadcast) -> str:
    ui = ctx.services.ui.broadcasts
    if row.content_kind == "card" and row.card_id in ctx.services.library.cards:
        return ctx.services.library.cards[row.card_id].title
    if row.content_kind == "copy":
        return ui.copy_label
    if row.content_kind == "album":
        items = album_items(row.text)
        label = ui.album_label.format(count=len(items))
        caption = next((plain_text(i.caption) for i in items if i.caption), "")
        return f"{label} {_cut(caption)}" if caption else label
    return _cut(plain_text(row.text))


def _cut(plain: str) -> str:
    return plain if len(plain) <= EXCERPT else plain[:EXCERPT] + "…"


def _row_buttons(ctx: PufaContext, row: Broadcast) -> list[InlineKeyboardButton]:
    ui = ctx.services.ui.broadcasts
    assert row.id is not None
    if row.status == BroadcastStatus.SENDING:
        return [_button(ui.stop_item, ScheduledButton.LIST_CANCEL, row.id)]
    buttons = [
        _button(ui.preview_item, ScheduledButton.PREVIEW, row.id),
        _button(ui.edit_time_item, ScheduledButton.TIME, row.id),
    ]
    if row.content_kind == "text":
        buttons.append(_button(ui.edit_text_item, ScheduledButton.TEXT, row.id))
    buttons.append(_button(ui.cancel_item, ScheduledButton.LIST_CANCEL, row.id))
    return buttons


async def on_button(update: Update, ctx: PufaContext) -> None:
    parsed = parse(update.callback_query.data if update.callback_query else None)
    chosen = parsed.action(ScheduledButton) if parsed else None
    broadcast_id = number(chosen[1][0]) if chosen and len(chosen[1]) == 1 else None
    if chosen is None or broadcast_id is None:
        await expired(update, ctx)
        return
    if not await require_coordinator(update, ctx, "scheduled"):
        return
    match chosen[0]:
        case ScheduledButton.CANCEL:
            await _cancel(update, ctx, broadcast_id)
        case ScheduledButton.LIST_CANCEL:
            await _cancel(update, ctx, broadcast_id)
            await edit(update, *await _listing(ctx))
        case ScheduledButton.RESEND:
            await _resend(update, ctx, broadcast_id)
        case ScheduledButton.NOW:
            await acknowledge(update)
            if (asked := await ctx.services.chats.get(EDIT_FLOW, user_id(update))) is not None:
                await asked.end(update)  # the new-time question is answered by the button
            await _send_now(update, ctx, broadcast_id)
        case action:
            await _open_action(update, ctx, action, broadcast_id)


async def _cancel(update: Update, ctx: PufaContext, broadcast_id: int) -> None:
    ui = ctx.services.ui.broadcasts
    done, before = await ctx.services.broadcasting.cancel(broadcast_id, user_id(update))
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


async def _resend(update: Update, ctx: PufaContext, broadcast_id: int) -> None:
    """A new broadcast of the same message to the recipients the first one failed for."""
    ui = ctx.services.ui.broadcasts
    resent = await ctx.services.broadcasting.resend_failed(broadcast_id, user_id(update))
    if resent is None:
        await acknowledge(update, ui.resend_nothing.format(id=broadcast_id), alert=True)
        return
    await acknowledge(update)
    await reply_html(
        update, ui.resending.format(id=resent.id, count=resent.total, of=broadcast_id)
    )


async def _open_action(
    update: Update, ctx: PufaContext, action: ScheduledButton, broadcast_id: int
) -> None:
    ui = ctx.services.ui.broadcasts
    async with ctx.services.db.session() as session:
        row = await repo.get_broadcast(session=session, broadcast_id=broadcast_id)
    if row is None or row.origin != "coordinator" or row.status != BroadcastStatus.SCHEDULED:
        await acknowledge(update, await _not_open(ctx, broadcast_id), alert=True)
        return
    await acknowledge(update)
    if action is ScheduledButton.PREVIEW:
        await send_preview(update, ctx, row)
    elif action is ScheduledButton.TEXT and row.content_kind != "text":
        await reply_html(update, ui.edit_text_only)
    else:
        step = NEW_TIME if action is ScheduledButton.TIME else NEW_TEXT
        if await begin(update, ctx, EDIT_FLOW, step, {"id": broadcast_id}) is None:
            return
        prompt = ui.edit_time_prompt if step == NEW_TIME else ui.edit_text_prompt
        now_button = step == NEW_TIME and not row.recurrence
        markup = InlineKeyboardMarkup(
            [[_button(ui.send_now_item, ScheduledButton.NOW, broadcast_id)]]
        )
        await reply_html(update, prompt.format(id=broadcast_id), markup if now_button else None)


async def _repeats(ctx: PufaContext, broadcast_id: int) -> bool:
    async with ctx.services.db.session() as session:
        row = await repo.get_broadcast(session=session, broadcast_id=broadcast_id)
    return row is not None and bool(row.recurrence)


async def _not_open(ctx: PufaContext, broadcast_id: int) -> str:
    """Why the broadcast can no longer be looked at or changed: it was cancelled, or it has
    started or ended."""
    ui = ctx.services.ui.broadcasts
    async with ctx.services.db.session() as session:
        row = await repo.get_broadcast(session=session, broadcast_id=broadcast_id)
    cancelled = row is not None and row.status == BroadcastStatus.CANCELLED
    return (ui.edit_cancelled_broadcast if cancelled else ui.edit_failed).format(id=broadcast_id)


async def _send_now(update: Update, ctx: PufaContext, broadcast_id: int) -> None:
    ui = ctx.services.ui.broadcasts
    started = await ctx.services.broadcasting.send_now(broadcast_id, user_id(update))
    text = ui.sending_now.format(id=broadcast_id) if started else None
    await reply_html(update, text or await _not_open(ctx, broadcast_id))


async def on_new_time(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    """The new time of a scheduled broadcast: once (not weekly), or 现在 for a one-off one."""
    assert update.effective_message is not None
    ui, broadcast_id = ctx.services.ui.broadcasts, int(chat.data["id"])
    when = await read_when(update, ctx, update.effective_message.text or "")
    if when is None:
        return
    if isinstance(when, Now) and not await _repeats(ctx, broadcast_id):
        await chat.end(update)
        await _send_now(update, ctx, broadcast_id)
        return
    if not isinstance(when, Once):
        await reply_html(update, ui.edit_time_once_only)
        return
    await chat.end(update)
    changed = await ctx.services.broadcasting.reschedule(broadcast_id, when.at, chat.user_id)
    done = ui.edited_time.format(when=html.escape(ctx.services.describe_when(when)))
    await reply_html(update, done if changed else await _not_open(ctx, broadcast_id))


async def on_new_text(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    """The new text of a scheduled broadcast."""
    message = update.effective_message
    assert message is not None
    ui, broadcast_id = ctx.services.ui.broadcasts, int(chat.data["id"])
    text = message.text or ""
    try:
        check_text(text)
    except PlanError:
        await reply_html(
            update, ui.empty if not text.strip() else ui.too_long.format(length=len(text))
        )
        return
    await chat.end(update)
    changed = await ctx.services.broadcasting.edit_text(
        broadcast_id, message.text_html, chat.user_id
    )
    await reply_html(update, ui.edited_text if changed else await _not_open(ctx, broadcast_id))


async def on_edit_wrong_input(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    """Not text, where a new time or text is wanted: ask again."""
    ui = ctx.services.ui.broadcasts
    prompt = ui.edit_time_prompt if chat.step == NEW_TIME else ui.edit_text_prompt
    await reply_html(update, prompt.format(id=chat.data.get("id", "")))
