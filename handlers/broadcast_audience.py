"""The /broadcast audience step: the audience buttons and the lists under them, the choice
read back from button data, and how many people it reaches."""

import html

from telegram import InlineKeyboardMarkup, Update

from handlers import guided
from handlers.broadcast_draft import WHEN, button, save_draft
from handlers.context import PufaContext
from handlers.coordinator_ui import edit, renderer
from handlers.desk import BroadcastDraft
from handlers.guided import State
from handlers.replies import acknowledge
from scheduler.planning import recipients
from storage.audience import Audience


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


def choices(ctx: PufaContext, token: str, kind: str) -> tuple[str, InlineKeyboardMarkup]:
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


def parse_audience(ctx: PufaContext, args: tuple[str, ...]) -> tuple[Audience, str] | None:
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


async def audience_chosen(
    update: Update, ctx: PufaContext, draft: BroadcastDraft, audience: Audience, value: str
) -> State:
    ui = ctx.services.ui.broadcasts
    count = await count_recipients(ctx, audience, value)
    name = renderer(ctx).audience_name(audience, value)
    if count == 0:
        await acknowledge(update, ui.nobody.format(audience=html.unescape(name)), alert=True)
        return None
    await acknowledge(update)
    draft.audience, draft.audience_value = audience, value
    step = await save_draft(ctx, guided.user_id(update), draft, WHEN)
    text = ui.when_prompt.format(audience=name, count=count, tz=html.escape(str(ctx.services.tz)))
    markup = InlineKeyboardMarkup(
        [[button(ui.now_button, "now", draft.token), button(ui.cancel_button, "x", draft.token)]]
    )
    await edit(update, text, markup)
    return step


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
