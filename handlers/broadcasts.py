"""/broadcast: content (text, a card, or a forwarded message) -> audience -> when -> an exact
preview -> confirm. Coordinators only; every step can be cancelled and nothing is broadcast
until the confirmation, which counts once however often it is pressed.

Restart-safe like /report (see handlers.drafts): the draft is a `conversation_draft` row
(flow "broadcast"), rewritten with its step in the same update that changes the step, so a
bot restarted mid-draft carries on where the coordinator was. A forwarded message is kept
as its chat id and message id (recipients get a copy of it), never as a Telegram object.
"""

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from handlers import callbacks, campaigns, guided, scheduled
from handlers.context import PufaApp, PufaContext
from handlers.coordinator_ui import describe_when, edit, read_when, renderer, send_preview
from handlers.desk import IDLE, BroadcastDraft, Desk
from handlers.drafts import conversation
from handlers.guided import END, State
from handlers.replies import acknowledge, reply_html
from handlers.roles import require_coordinator
from scheduler.planning import (
    Draft,
    PlanError,
    PlanProblem,
    broadcast_row,
    check_text,
    recipients,
)
from scheduler.timeparse import Now, When
from storage.audience import Audience
from storage.broadcasts import find_by_key
from storage.drafts import delete_draft, load_draft, save_draft
from storage.models import utcnow

FLOW = "broadcast"
# The steps: the bot waits for the content (typed, forwarded, or a card picked), for the
# audience (buttons), for the time (typed, or 立即发送), for the confirmation (buttons).
CONTENT, AUDIENCE, WHEN, CONFIRM = "content", "audience", "when", "confirm"


def button(label: str, *args: str | int) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=callbacks.make(callbacks.BROADCAST, *args))


async def _load(ctx: PufaContext, user_id: int) -> BroadcastDraft | None:
    async with ctx.services.db.session() as session:
        found = await load_draft(session=session, flow=FLOW, telegram_id=user_id)
    return BroadcastDraft.from_data(found[1]) if found else None


async def _save(ctx: PufaContext, user_id: int, draft: BroadcastDraft, step: str) -> str:
    """Store the draft at `step` (a restart resumes there). The bot now waits for this draft,
    so a /scheduled or /campaigns prompt asked earlier is over, as it was replaced."""
    async with ctx.services.db.session() as session:
        await save_draft(
            session=session, flow=FLOW, telegram_id=user_id, step=step, data=draft.data()
        )
    await ctx.services.desk.done(user_id)
    return step


async def _drop(ctx: PufaContext, user_id: int) -> None:
    async with ctx.services.db.session() as session:
        await delete_draft(session=session, flow=FLOW, telegram_id=user_id)


async def on_broadcast(update: Update, ctx: PufaContext) -> State:
    if not await require_coordinator(update, ctx, "broadcast"):
        return END
    ui, user_id = ctx.services.ui.broadcasts, guided.user_id(update)
    draft = BroadcastDraft()
    step = await _save(ctx, user_id, draft, CONTENT)
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


async def _typed_draft(update: Update, ctx: PufaContext) -> BroadcastDraft | None:
    """The draft typed input is for, or None after saying it is gone (timed out, erased)."""
    draft = await _load(ctx, guided.user_id(update))
    if draft is None:
        await reply_html(update, ctx.services.ui.broadcasts.stale_draft)
    return draft


async def on_content(update: Update, ctx: PufaContext) -> State:
    """The text typed, or the message forwarded (or any media), as the broadcast's content."""
    message = update.effective_message
    assert message is not None
    ui = ctx.services.ui.broadcasts
    draft = await _typed_draft(update, ctx)
    if draft is None:
        return END
    if message.text and message.forward_origin is None:
        try:
            check_text(message.text)
        except PlanError as error:
            await reply_html(update, _plan_problem(ctx, error.problem, message.text))
            return None
        draft.content_kind, draft.text, draft.plain = "text", message.text_html, message.text
    else:  # a forwarded message or any media: recipients get an exact copy of it
        draft.content_kind, draft.source = "copy", (message.chat_id, message.message_id)
        draft.plain = message.text or message.caption or ui.copy_label
    step = await _save(ctx, guided.user_id(update), draft, AUDIENCE)
    await reply_html(update, ui.audience_prompt, audience_keyboard(ctx, draft.token))
    return step


def audience_keyboard(ctx: PufaContext, token: str) -> InlineKeyboardMarkup:
    ui = ctx.services.ui.broadcasts
    return InlineKeyboardMarkup(
        [
            [button(ui.audience_all_button, "a", token, "all")],
            [button(ui.audience_category_button, "ac", token)],
            [button(ui.audience_town_button, "at", token)],
            [button(ui.audience_volunteers_button, "av", token)],
            [button(ui.audience_groups_button, "a", token, "groups")],
            [button(ui.cancel_button, "x", token)],
        ]
    )


def _choices(ctx: PufaContext, token: str, kind: str) -> tuple[str, InlineKeyboardMarkup]:
    """The list under 按主题 / 按乡镇 / 志愿者."""
    ui, library = ctx.services.ui.broadcasts, ctx.services.library
    if kind == "ac":
        rows = [[button(c.name, "a", token, "cat", c.id)] for c in library.categories]
        text = ui.categories_prompt
    else:
        target = "town" if kind == "at" else "vol"
        rows = [[button(t.town, "a", token, target, i)] for i, t in enumerate(library.towns)]
        if kind == "av":
            rows.insert(0, [button(ui.all_volunteers_button, "a", token, "vol", "all")])
        text = ui.towns_prompt if kind == "at" else ui.volunteers_prompt
    rows.append([button(ui.back_button, "back", token), button(ui.cancel_button, "x", token)])
    return text, InlineKeyboardMarkup(rows)


def _audience(ctx: PufaContext, args: tuple[str, ...]) -> tuple[Audience, str] | None:
    """Audience from button data, or None if forged."""
    library = ctx.services.library
    towns = [t.town for t in library.towns]
    if args in (("all",), ("groups",)):
        return Audience(args[0]), ""
    if len(args) != 2:
        return None
    kind, value = args
    if kind == "cat" and value in {c.id for c in library.categories}:
        return Audience.CATEGORY, value
    if kind == "vol" and value == "all":
        return Audience.VOLUNTEERS, ""
    if kind in ("town", "vol") and value.isdigit() and int(value) < len(towns):
        audience = Audience.TOWN if kind == "town" else Audience.VOLUNTEERS
        return audience, towns[int(value)]
    return None


async def on_button(update: Update, ctx: PufaContext) -> State:
    """Every button of a draft, inside the conversation or (stale, or 确认 pressed again after
    the draft went in) outside it."""
    query, user = update.callback_query, update.effective_user
    parsed = callbacks.parse(query.data if query else None)
    if parsed is None or len(parsed.args) < 2 or user is None:
        await acknowledge(update, ctx.services.ui.stale_button, alert=True)
        return None
    if not await require_coordinator(update, ctx, "broadcast"):
        await _drop(ctx, user.id)  # no longer a coordinator: their draft goes too
        return END
    action, token, rest = parsed.args[0], parsed.args[1], parsed.args[2:]
    if action == "ok":
        return await _confirm(update, ctx, token)
    draft = await _load(ctx, user.id)
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
        await _drop(ctx, user_id)
        await acknowledge(update)
        await edit(update, ui.cancelled_draft, None)
        return END
    if action in ("ac", "at", "av"):
        await acknowledge(update)
        await edit(update, *_choices(ctx, draft.token, action))
        return None
    if action == "back":
        await acknowledge(update)
        await edit(update, ui.audience_prompt, audience_keyboard(ctx, draft.token))
        return None
    if action == "a" and (chosen := _audience(ctx, rest)) is not None:
        return await _audience_chosen(update, ctx, draft, *chosen)
    if action == "now" and draft.audience is not None:
        await acknowledge(update)
        return await _preview(update, ctx, draft, Now())
    if action == "time" and draft.audience is not None:
        await acknowledge(update)
        step = await _save(ctx, user_id, draft, WHEN)
        await reply_html(update, ui.when_help.format(tz=html.escape(str(ctx.services.tz))))
        return step
    if action in ("cards", "cc", "card"):
        return await _card_step(update, ctx, draft, action, rest)
    await acknowledge(update, ctx.services.ui.stale_button, alert=True)
    return None


async def _audience_chosen(
    update: Update, ctx: PufaContext, draft: BroadcastDraft, audience: Audience, value: str
) -> State:
    ui = ctx.services.ui.broadcasts
    count = await _count(ctx, audience, value)
    name = renderer(ctx).audience_name(audience, value)
    if count == 0:
        await acknowledge(update, ui.nobody.format(audience=html.unescape(name)), alert=True)
        return None
    await acknowledge(update)
    draft.audience, draft.audience_value = audience, value
    step = await _save(ctx, guided.user_id(update), draft, WHEN)
    text = ui.when_prompt.format(audience=name, count=count, tz=html.escape(str(ctx.services.tz)))
    markup = InlineKeyboardMarkup(
        [[button(ui.now_button, "now", draft.token), button(ui.cancel_button, "x", draft.token)]]
    )
    await edit(update, text, markup)
    return step


async def _count(ctx: PufaContext, audience: Audience, value: str) -> int:
    async with ctx.services.db.session() as session:
        found = await recipients(
            session=session, audience=audience, value=value, now=utcnow(), tz=ctx.services.tz
        )
    return len(found)


async def _card_step(
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
        step = await _save(ctx, guided.user_id(update), draft, AUDIENCE)
        await acknowledge(update)
        await edit(update, ui.audience_prompt, audience_keyboard(ctx, draft.token))
        return step
    await acknowledge(update, ctx.services.ui.stale_button, alert=True)
    return None


async def on_when(update: Update, ctx: PufaContext) -> State:
    """The time typed for the broadcast."""
    message = update.effective_message
    assert message is not None
    draft = await _typed_draft(update, ctx)
    if draft is None or draft.audience is None:
        return END
    when = await read_when(update, ctx, message.text or "")
    if when is None:
        return None
    return await _preview(update, ctx, draft, when)


async def _preview(update: Update, ctx: PufaContext, draft: BroadcastDraft, when: When) -> State:
    user_id = guided.user_id(update)
    assert draft.audience is not None
    ui = ctx.services.ui.broadcasts
    draft.when = when
    step = await _save(ctx, user_id, draft, CONFIRM)
    if not await send_preview(
        update, ctx, broadcast_row(_domain_draft(draft, user_id), send_at=utcnow())
    ):
        await _drop(ctx, user_id)  # the coordinator is asked to start again
        return END
    count = await _count(ctx, draft.audience, draft.audience_value)
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


async def _confirm(update: Update, ctx: PufaContext, token: str) -> State:
    user_id = guided.user_id(update)
    ui = ctx.services.ui.broadcasts
    draft = await _load(ctx, user_id)
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
        await reply_html(update, _plan_problem(ctx, error.problem, draft.plain))
        return None
    await _drop(ctx, user_id)
    if isinstance(draft.when, Now):
        text = ui.confirmed_now.format(id=row.id)
    else:
        when = describe_when(ctx, draft.when)
        text = ui.confirmed_later.format(id=row.id, when=html.escape(when))
    await edit(update, text, None)
    return END


async def on_timeout(update: object, ctx: PufaContext) -> None:
    """Idle for IDLE: the draft goes, quietly (the coordinator starts /broadcast again)."""
    if isinstance(update, Update) and update.effective_user is not None:
        await _drop(ctx, update.effective_user.id)


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


def _plan_problem(ctx: PufaContext, problem: PlanProblem, plain: str) -> str:
    ui = ctx.services.ui.broadcasts
    texts = {
        PlanProblem.EMPTY: ui.empty,
        PlanProblem.TOO_LONG: ui.too_long.format(length=len(plain)),
        PlanProblem.NOBODY: ui.nobody_now,
        PlanProblem.PAST: ui.past_now,
        PlanProblem.ALREADY: ui.already_confirmed,
    }
    return texts.get(problem, ctx.services.ui.stale_button)


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
