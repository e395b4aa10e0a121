"""The /broadcast audience step: the audience buttons and the lists under them, the choice
read back from button data, and how many people it reaches."""

import html

from telegram import InlineKeyboardMarkup, Update

from handlers.broadcasts.draft import AUDIENCE, WHEN, BroadcastButton, draft_of, save
from handlers.broadcasts.screens import renderer
from handlers.kit import callbacks
from handlers.kit.context import PufaContext
from handlers.kit.conversation import Conversation, OnButton, expired
from handlers.kit.replies import acknowledge, edit
from scheduler.planning import recipients
from scheduler.timeparse import examples
from storage.audience import Audience

Args = tuple[str, ...]


def audience_keyboard(ctx: PufaContext, chat: Conversation) -> InlineKeyboardMarkup:
    ui, button = ctx.services.ui.broadcasts, chat.button
    return InlineKeyboardMarkup(
        [
            [button(ui.audience_all_button, BroadcastButton.AUDIENCE, "all")],
            [button(ui.audience_category_button, BroadcastButton.LIST_CATEGORIES)],
            [button(ui.audience_town_button, BroadcastButton.LIST_TOWNS)],
            [button(ui.audience_volunteers_button, BroadcastButton.LIST_VOLUNTEERS)],
            [button(ui.audience_groups_button, BroadcastButton.AUDIENCE, "groups")],
            [button(ui.cancel_button, BroadcastButton.CANCEL)],
        ]
    )


def _list(
    ctx: PufaContext, chat: Conversation, which: BroadcastButton
) -> tuple[str, InlineKeyboardMarkup]:
    """The list under 按主题 / 按乡镇 / 志愿者."""
    ui, library, button = ctx.services.ui.broadcasts, ctx.services.library, chat.button
    pick = BroadcastButton.AUDIENCE
    if which is BroadcastButton.LIST_CATEGORIES:
        rows = [[button(c.name, pick, "cat", c.id)] for c in library.categories]
        text = ui.categories_prompt
    else:
        target = "town" if which is BroadcastButton.LIST_TOWNS else "vol"
        rows = [[button(t.town, pick, target, i)] for i, t in enumerate(library.towns)]
        if which is BroadcastButton.LIST_VOLUNTEERS:
            rows.insert(0, [button(ui.all_volunteers_button, pick, "vol", "all")])
        text = ui.towns_prompt if which is BroadcastButton.LIST_TOWNS else ui.volunteers_prompt
    back, cancel = BroadcastButton.BACK, BroadcastButton.CANCEL
    rows.append([button(ui.back_button, back), button(ui.cancel_button, cancel)])
    return text, InlineKeyboardMarkup(rows)


def list_opener(which: BroadcastButton) -> OnButton:
    """按主题 / 按乡镇 / 志愿者: the list of choices under that button."""

    async def handle(update: Update, ctx: PufaContext, chat: Conversation, _args: Args) -> None:
        await acknowledge(update)
        await edit(update, *_list(ctx, chat, which))

    return handle


async def on_back(update: Update, ctx: PufaContext, chat: Conversation, _args: Args) -> None:
    """⬅️ 返回 under a list of the audience step, or under the time question (to choose
    the audience again): the audience buttons, in place."""
    if chat.step != AUDIENCE:
        draft = await draft_of(update, ctx, chat)
        if draft is None:
            return
        await save(chat, draft, AUDIENCE)
    await acknowledge(update)
    await edit(update, ctx.services.ui.broadcasts.audience_prompt, audience_keyboard(ctx, chat))


def parse_audience(ctx: PufaContext, args: Args) -> tuple[Audience, str] | None:
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
    position = callbacks.index(value, len(towns))
    if kind in ("town", "vol") and position is not None:
        audience = Audience.TOWN if kind == "town" else Audience.VOLUNTEERS
        return audience, towns[position]
    return None


async def on_audience(update: Update, ctx: PufaContext, chat: Conversation, args: Args) -> None:
    chosen = parse_audience(ctx, args)
    draft = await draft_of(update, ctx, chat)
    if draft is None:
        return
    if chosen is None:
        await expired(update, ctx)
        return
    audience, value = chosen
    ui = ctx.services.ui.broadcasts
    count = await count_recipients(ctx, audience, value)
    name = renderer(ctx).audience_name(audience, value)
    if count == 0:
        await acknowledge(update, ui.nobody.format(audience=html.unescape(name)), alert=True)
        return
    await acknowledge(update)
    draft.audience, draft.audience_value = audience, value
    await save(chat, draft, WHEN)
    await edit(update, *when_question(ctx, chat, name, count))


def when_question(
    ctx: PufaContext, chat: Conversation, audience: str, count: int
) -> tuple[str, InlineKeyboardMarkup]:
    """The time question, for the audience chosen (its name as the draft shows it) reaching
    `count` people."""
    ui = ctx.services.ui.broadcasts
    text = ui.when_prompt.format(
        audience=audience,
        count=count,
        tz=html.escape(ui.zone_name(ctx.services.tz)),
        **examples(ctx.services.local_now()),
    )
    markup = InlineKeyboardMarkup(
        [
            [chat.button(ui.now_button, BroadcastButton.NOW)],
            [
                chat.button(ui.back_button, BroadcastButton.BACK),
                chat.button(ui.cancel_button, BroadcastButton.CANCEL),
            ],
        ]
    )
    return text, markup


async def count_recipients(ctx: PufaContext, audience: Audience, value: str) -> int:
    async with ctx.services.db.session() as session:
        found = await recipients(
            session=session,
            audience=audience,
            value=value,
            now=ctx.services.now(),
            tz=ctx.services.tz,
        )
    return len(found)
