"""/broadcast: content (text, a card, or a forwarded message) -> audience -> when -> an exact
preview -> confirm. Coordinators only; every step can be cancelled and nothing is stored
until the confirmation, which counts once however often it is pressed."""

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from handlers import callbacks, campaigns, scheduled
from handlers.context import PufaApp, PufaContext
from handlers.coordinator_ui import describe_when, edit, read_when, renderer, send_preview
from handlers.desk import BroadcastDraft, Desk
from handlers.replies import acknowledge, reply_html
from handlers.roles import require_coordinator
from scheduler.planning import Draft, PlanError, PlanProblem, check_text, recipients
from scheduler.timeparse import Now, When
from storage.audience import Audience
from storage.broadcasts import find_by_key
from storage.models import Broadcast, utcnow


def button(label: str, *args: str | int) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=callbacks.make(callbacks.BROADCAST, *args))


async def on_broadcast(update: Update, ctx: PufaContext) -> None:
    if not await require_coordinator(update, ctx, "broadcast"):
        return
    user = update.effective_user
    assert user is not None
    ui, desk = ctx.services.ui.broadcasts, ctx.services.desk
    draft = desk.drafts[user.id] = BroadcastDraft()
    desk.ask(user.id, "content")
    markup = InlineKeyboardMarkup(
        [
            [
                button(ui.pick_card_button, "cards", draft.token),
                button(ui.cancel_button, "x", draft.token),
            ]
        ]
    )
    await reply_html(update, ui.start, markup)


async def on_typed(update: Update, ctx: PufaContext) -> None:
    """Whatever a coordinator types while the bot waits for it: routed by the prompt."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    prompt = ctx.services.desk.prompt(user.id)
    if prompt is None:
        return
    if prompt.kind == "content":
        await _content(update, ctx, message)
    elif prompt.kind == "when":
        await _when_typed(update, ctx, message.text or "")
    elif prompt.kind.startswith("edit_"):
        await scheduled.on_typed(update, ctx, prompt)
    else:
        await campaigns.on_typed(update, ctx, prompt)


async def _content(update: Update, ctx: PufaContext, message: Message) -> None:
    user = update.effective_user
    assert user is not None
    ui, desk = ctx.services.ui.broadcasts, ctx.services.desk
    draft = desk.draft(user.id)
    if draft is None:
        desk.done(user.id)
        return
    if message.text and message.forward_origin is None:
        try:
            check_text(message.text)
        except PlanError as error:
            await reply_html(update, _plan_problem(ctx, error.problem, message.text))
            return
        draft.content_kind, draft.text, draft.plain = "text", message.text_html, message.text
    else:  # a forwarded message or any media: recipients get an exact copy of it
        draft.content_kind, draft.source = "copy", (message.chat_id, message.message_id)
        draft.plain = message.text or message.caption or ui.copy_label
    desk.done(user.id)
    await reply_html(update, ui.audience_prompt, audience_keyboard(ctx, draft.token))


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


async def on_button(update: Update, ctx: PufaContext) -> None:
    query, user = update.callback_query, update.effective_user
    parsed = callbacks.parse(query.data if query else None)
    if parsed is None or len(parsed.args) < 2 or user is None:
        await acknowledge(update, ctx.services.ui.stale_button, alert=True)
        return
    if not await require_coordinator(update, ctx, "broadcast"):
        return
    action, token, rest = parsed.args[0], parsed.args[1], parsed.args[2:]
    if action == "ok":
        await _confirm(update, ctx, token)
        return
    draft = ctx.services.desk.draft(user.id, token)
    if draft is None:
        await acknowledge(update, ctx.services.ui.broadcasts.stale_draft, alert=True)
        return
    await _step(update, ctx, draft, action, rest)


async def _step(
    update: Update, ctx: PufaContext, draft: BroadcastDraft, action: str, rest: tuple[str, ...]
) -> None:
    ui, desk, user = ctx.services.ui.broadcasts, ctx.services.desk, update.effective_user
    assert user is not None
    if action == "x":
        desk.drop(user.id)
        await acknowledge(update)
        await edit(update, ui.cancelled_draft, None)
    elif action in ("ac", "at", "av"):
        await acknowledge(update)
        await edit(update, *_choices(ctx, draft.token, action))
    elif action == "back":
        await acknowledge(update)
        await edit(update, ui.audience_prompt, audience_keyboard(ctx, draft.token))
    elif action == "a" and (chosen := _audience(ctx, rest)) is not None:
        await _audience_chosen(update, ctx, draft, *chosen)
    elif action == "now":
        await acknowledge(update)
        await _preview(update, ctx, draft, Now())
    elif action == "time":
        await acknowledge(update)
        desk.ask(user.id, "when")
        await reply_html(update, ui.when_help.format(tz=html.escape(str(ctx.services.tz))))
    elif action in ("cards", "cc", "card"):
        await _card_step(update, ctx, draft, action, rest)
    else:
        await acknowledge(update, ctx.services.ui.stale_button, alert=True)


async def _audience_chosen(
    update: Update, ctx: PufaContext, draft: BroadcastDraft, audience: Audience, value: str
) -> None:
    ui = ctx.services.ui.broadcasts
    count = await _count(ctx, audience, value)
    name = renderer(ctx).audience_name(audience, value)
    if count == 0:
        await acknowledge(update, ui.nobody.format(audience=html.unescape(name)), alert=True)
        return
    await acknowledge(update)
    draft.audience, draft.audience_value = audience, value
    user = update.effective_user
    assert user is not None
    ctx.services.desk.ask(user.id, "when")
    text = ui.when_prompt.format(audience=name, count=count, tz=html.escape(str(ctx.services.tz)))
    markup = InlineKeyboardMarkup(
        [[button(ui.now_button, "now", draft.token), button(ui.cancel_button, "x", draft.token)]]
    )
    await edit(update, text, markup)


async def _count(ctx: PufaContext, audience: Audience, value: str) -> int:
    async with ctx.services.db.session() as session:
        found = await recipients(
            session=session, audience=audience, value=value, now=utcnow(), tz=ctx.services.tz
        )
    return len(found)


async def _card_step(
    update: Update, ctx: PufaContext, draft: BroadcastDraft, action: str, rest: tuple[str, ...]
) -> None:
    ui, library = ctx.services.ui.broadcasts, ctx.services.library
    user = update.effective_user
    assert user is not None
    if action == "cards":
        rows = [[button(c.name, "cc", draft.token, c.id)] for c in library.categories]
        await acknowledge(update)
        await edit(update, ui.card_categories_prompt, InlineKeyboardMarkup(rows))
    elif action == "cc" and len(rest) == 1 and library.cards_in(rest[0]):
        rows = [[button(c.title, "card", draft.token, c.id)] for c in library.cards_in(rest[0])]
        rows.append([button(ui.back_button, "cards", draft.token)])
        await acknowledge(update)
        await edit(update, ui.cards_prompt, InlineKeyboardMarkup(rows))
    elif action == "card" and len(rest) == 1 and rest[0] in library.cards:
        card = library.cards[rest[0]]
        draft.content_kind, draft.card_id, draft.plain = "card", card.id, card.title
        ctx.services.desk.done(user.id)
        await acknowledge(update)
        await edit(update, ui.audience_prompt, audience_keyboard(ctx, draft.token))
    else:
        await acknowledge(update, ctx.services.ui.stale_button, alert=True)


async def _when_typed(update: Update, ctx: PufaContext, text: str) -> None:
    user = update.effective_user
    assert user is not None
    draft = ctx.services.desk.draft(user.id)
    if draft is None or draft.audience is None:
        ctx.services.desk.done(user.id)
        return
    when = await read_when(update, ctx, text)
    if when is not None:
        await _preview(update, ctx, draft, when)


async def _preview(update: Update, ctx: PufaContext, draft: BroadcastDraft, when: When) -> None:
    user = update.effective_user
    assert user is not None and draft.audience is not None
    ui = ctx.services.ui.broadcasts
    draft.when = when
    ctx.services.desk.done(user.id)
    if not await send_preview(update, ctx, draft_row(draft, user.id)):
        return
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


def draft_row(draft: BroadcastDraft, user_id: int) -> Broadcast:
    assert draft.audience is not None
    return Broadcast(
        origin="coordinator",
        created_by=user_id,
        content_kind=draft.content_kind,
        text=draft.text,
        card_id=draft.card_id,
        source_chat_id=draft.source[0] if draft.source else None,
        source_message_id=draft.source[1] if draft.source else None,
        audience=draft.audience.value,
        audience_value=draft.audience_value,
        send_at=utcnow(),
    )


async def _confirm(update: Update, ctx: PufaContext, token: str) -> None:
    user, desk = update.effective_user, ctx.services.desk
    assert user is not None
    ui = ctx.services.ui.broadcasts
    draft = desk.draft(user.id, token)
    if draft is None or draft.audience is None or draft.when is None:
        async with ctx.services.db.session() as session:
            done = await find_by_key(session=session, key=f"draft:{user.id}:{token}")
        text = ui.already_confirmed if done else ui.stale_draft
        await acknowledge(update, text, alert=True)
        return
    await acknowledge(update)
    service = ctx.services.broadcasting
    assert service is not None
    try:
        row = await service.create(_domain_draft(draft, user.id))
    except PlanError as error:
        await reply_html(update, _plan_problem(ctx, error.problem, draft.plain))
        return
    desk.drop(user.id)
    if isinstance(draft.when, Now):
        text = ui.confirmed_now.format(id=row.id)
    else:
        when = describe_when(ctx, draft.when)
        text = ui.confirmed_later.format(id=row.id, when=html.escape(when))
    await edit(update, text, None)


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
    """Messages from a coordinator the bot has asked to type (or forward) something."""

    def __init__(self, desk: Desk) -> None:
        super().__init__(name="awaiting_coordinator_input")
        self.desk = desk

    def filter(self, message: Message) -> bool:
        user = message.from_user
        return user is not None and self.desk.prompt(user.id) is not None


def register(app: PufaApp) -> None:
    desk = app.bot_data["services"].desk
    awaiting = filters.ChatType.PRIVATE & ~filters.COMMAND & _Awaiting(desk)
    app.add_handlers(
        [
            CommandHandler("broadcast", on_broadcast, filters.ChatType.PRIVATE),
            MessageHandler(awaiting, on_typed),
            CallbackQueryHandler(on_button, pattern=callbacks.pattern(callbacks.BROADCAST)),
        ]
    )
    scheduled.register(app)
    campaigns.register(app)
