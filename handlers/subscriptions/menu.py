"""/subscribe, /mysubs and /unsubscribe.

Opt-in only. In a group, only its administrators (as Telegram tells us, asked on every
action) may change what the group receives.
"""

import html
import logging
from enum import StrEnum

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.constants import ChatType

from handlers.kit.callbacks import Kind, index, make, parse
from handlers.kit.context import PufaContext
from handlers.kit.conversation import expired
from handlers.kit.replies import acknowledge, edit, reply_html
from handlers.subscriptions.group_admin import may_manage, refuse
from storage import subscriptions as subs
from storage.models import Volunteer

log = logging.getLogger(__name__)


class SubscribeButton(StrEnum):
    """s:<action>[:<arg>...]"""

    CATEGORY = "cat"  # :<category id>, toggled
    TOWNS = "towns"  # the town list
    TOWN = "town"  # :<index in towns.yaml> | :none
    CAMPAIGNS = "camp"  # campaign-day reminders, toggled
    HOME = "home"  # back to the menu
    DONE = "done"
    REMOVE = "un"  # :<Removal>[:<category id>], from /unsubscribe


class Removal(StrEnum):
    CATEGORY = "cat"
    TOWN = "town"
    CAMPAIGNS = "camp"
    VOLUNTEER_CALLS = "vol"
    MONTHLY = "month"
    ALL = "all"


_FLAG_OF = {
    Removal.CAMPAIGNS: subs.Flag.CAMPAIGNS,
    Removal.VOLUNTEER_CALLS: subs.Flag.VOLUNTEER_CALLS,
    Removal.MONTHLY: subs.Flag.MONTHLY,
}


async def on_subscribe(update: Update, ctx: PufaContext) -> None:
    if not await may_manage(update, ctx):
        await refuse(update, ctx)
        return
    await _ensure(update, ctx)
    text, markup = await _menu(update, ctx)
    await reply_html(update, text, markup)


async def _ensure(update: Update, ctx: PufaContext) -> int:
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None
    group = chat.type != ChatType.PRIVATE
    async with ctx.services.db.session() as session:
        await subs.ensure_recipient(
            session=session,
            chat_id=chat.id,
            chat_type=chat.type,
            title=chat.title or chat.full_name or "",
            added_by=user.id if group and user else None,
            now=ctx.services.now(),
        )
    return chat.id


async def _menu(update: Update, ctx: PufaContext) -> tuple[str, InlineKeyboardMarkup]:
    chat = update.effective_chat
    assert chat is not None
    ui = ctx.services.ui.subscriptions
    async with ctx.services.db.session() as session:
        mine = await subs.subscriptions_of(session=session, chat_id=chat.id)
    rows = _category_rows(ctx, mine)
    town = ui.town_button.format(town=mine.town) if mine.town else ui.pick_town_button
    camp = ui.campaigns_on if mine.campaign_reminders else ui.campaigns_off
    rows += [
        [_button(town, SubscribeButton.TOWNS)],
        [_button(camp, SubscribeButton.CAMPAIGNS)],
        [_button(ui.done_button, SubscribeButton.DONE)],
    ]
    title = ui.group_title if chat.type != ChatType.PRIVATE else ui.title
    return title, InlineKeyboardMarkup(rows)


def _category_rows(
    ctx: PufaContext, mine: subs.ChatSubscriptions
) -> list[list[InlineKeyboardButton]]:
    ui = ctx.services.ui.subscriptions
    buttons = [
        _button(
            (ui.checked if c.id in mine.categories else ui.unchecked).format(
                name=f"{c.emoji} {c.name}".strip()
            ),
            SubscribeButton.CATEGORY,
            c.id,
        )
        for c in ctx.services.library.categories
    ]
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]


def _button(label: str, action: SubscribeButton, *args: str | int) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=make(Kind.SUBSCRIBE, action, *args))


def _towns_keyboard(ctx: PufaContext) -> InlineKeyboardMarkup:
    ui = ctx.services.ui.subscriptions
    towns = ctx.services.library.towns
    rows = [[_button(t.town, SubscribeButton.TOWN, i)] for i, t in enumerate(towns)]
    rows.append(
        [
            _button(ui.no_town_button, SubscribeButton.TOWN, "none"),
            _button(ui.back_button, SubscribeButton.HOME),
        ]
    )
    return InlineKeyboardMarkup(rows)


async def on_subscribe_button(update: Update, ctx: PufaContext) -> None:
    query = update.callback_query
    parsed = parse(query.data if query else None)
    chosen = parsed.action(SubscribeButton) if parsed else None
    if query is None or query.message is None or chosen is None:
        await expired(update, ctx)
        return
    if not await may_manage(update, ctx):
        await refuse(update, ctx)
        return
    action, args = chosen
    if action is SubscribeButton.REMOVE:
        await _unsubscribe_one(update, ctx, args)
        return
    chat_id = await _ensure(update, ctx)
    if not await _apply(ctx, chat_id, action, args):
        await expired(update, ctx)
        return
    await acknowledge(update)
    match action:
        case SubscribeButton.TOWNS:
            await edit(update, ctx.services.ui.subscriptions.towns_title, _towns_keyboard(ctx))
        case SubscribeButton.DONE:
            await edit(update, await _summary(ctx, chat_id), None)
        case _:
            await edit(update, *await _menu(update, ctx))


async def _apply(
    ctx: PufaContext, chat_id: int, action: SubscribeButton, args: tuple[str, ...]
) -> bool:
    """Applies one press; False for a forged or outdated one."""
    library = ctx.services.library
    async with ctx.services.db.session() as session:
        match action, args:
            case SubscribeButton.CATEGORY, (category,) if category in {
                c.id for c in library.categories
            }:
                await subs.toggle_category(session=session, chat_id=chat_id, category=category)
            case SubscribeButton.TOWN, ("none",):
                await subs.set_town(session=session, chat_id=chat_id, town=None)
            case SubscribeButton.TOWN, (position,) if (
                index(position, len(library.towns)) is not None
            ):
                town = library.towns[int(position)].town
                await subs.set_town(session=session, chat_id=chat_id, town=town)
            case SubscribeButton.CAMPAIGNS, ():
                mine = await subs.subscriptions_of(session=session, chat_id=chat_id)
                flag, value = subs.Flag.CAMPAIGNS, not mine.campaign_reminders
                await subs.set_flag(session=session, chat_id=chat_id, flag=flag, value=value)
            case SubscribeButton.TOWNS | SubscribeButton.HOME | SubscribeButton.DONE, ():
                pass
            case _:
                return False
    return True


async def _summary(ctx: PufaContext, chat_id: int) -> str:
    ui = ctx.services.ui.subscriptions
    async with ctx.services.db.session() as session:
        mine = await subs.subscriptions_of(session=session, chat_id=chat_id)
        volunteer = await session.get(Volunteer, chat_id)
    names = {c.id: c.name for c in ctx.services.library.categories}
    lines = [ui.summary_title]
    if mine.categories:
        topics = ctx.services.ui.list_separator.join(names.get(c, c) for c in mine.categories)
        lines.append(ui.summary_topics.format(topics=html.escape(topics)))
    if mine.town:
        lines.append(ui.summary_town.format(town=html.escape(mine.town)))
    if mine.any and mine.campaign_reminders:
        lines.append(ui.summary_campaigns)
    if volunteer is not None and volunteer.active:
        lines.append(ui.summary_volunteer_calls if mine.volunteer_calls else ui.summary_no_calls)
        lines.append(ui.summary_monthly if mine.monthly_reminder else ui.summary_no_monthly)
    if len(lines) == 1:
        return ui.summary_empty
    return "\n".join([*lines, "", ui.summary_footer])


async def on_mysubs(update: Update, ctx: PufaContext) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    await reply_html(update, await _summary(ctx, chat.id))


async def on_unsubscribe(update: Update, ctx: PufaContext) -> None:
    if not await may_manage(update, ctx):
        await refuse(update, ctx)
        return
    chat = update.effective_chat
    assert chat is not None
    text, markup = await _unsubscribe_menu(ctx, chat.id)
    await reply_html(update, text, markup)


async def _unsubscribe_menu(
    ctx: PufaContext, chat_id: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    ui = ctx.services.ui.subscriptions
    async with ctx.services.db.session() as session:
        mine = await subs.subscriptions_of(session=session, chat_id=chat_id)
        volunteer = await session.get(Volunteer, chat_id)
    names = {c.id: c.name for c in ctx.services.library.categories}
    rows = [
        [_remove(ui.remove.format(name=names.get(c, c)), Removal.CATEGORY, c)]
        for c in mine.categories
    ]
    if mine.town:
        rows.append([_remove(ui.remove.format(name=mine.town), Removal.TOWN)])
    if mine.any and mine.campaign_reminders:
        rows.append([_remove(ui.remove.format(name=ui.campaigns_name), Removal.CAMPAIGNS)])
    if volunteer is not None and volunteer.active:
        if mine.volunteer_calls:
            name = ui.volunteer_calls_name
            rows.append([_remove(ui.remove.format(name=name), Removal.VOLUNTEER_CALLS)])
        if mine.monthly_reminder:
            rows.append([_remove(ui.remove.format(name=ui.monthly_name), Removal.MONTHLY)])
    if not rows:
        return ui.nothing_to_remove, None
    rows.append([_remove(ui.remove_all_button, Removal.ALL)])
    return ui.unsubscribe_title, InlineKeyboardMarkup(rows)


def _remove(label: str, what: Removal, *args: str) -> InlineKeyboardButton:
    return _button(label, SubscribeButton.REMOVE, what, *args)


async def _unsubscribe_one(update: Update, ctx: PufaContext, args: tuple[str, ...]) -> None:
    chat = update.effective_chat
    assert chat is not None
    what = Removal(args[0]) if args and args[0] in Removal._value2member_map_ else None
    async with ctx.services.db.session() as session:
        match what, args[1:]:
            case Removal.CATEGORY, (category,):
                await subs.unsubscribe(
                    session=session, chat_id=chat.id, kind=subs.SubKind.CATEGORY, value=category
                )
            case Removal.TOWN, ():
                await subs.set_town(session=session, chat_id=chat.id, town=None)
            case Removal.CAMPAIGNS | Removal.VOLUNTEER_CALLS | Removal.MONTHLY, ():
                flag = _FLAG_OF[what]
                await subs.set_flag(session=session, chat_id=chat.id, flag=flag, value=False)
            case Removal.ALL, ():
                await _remove_everything(session, chat.id)
            case _:
                await expired(update, ctx)
                return
    await acknowledge(update, ctx.services.ui.subscriptions.removed)
    text, markup = await _unsubscribe_menu(ctx, chat.id)
    await edit(update, text, markup)


async def _remove_everything(session: AsyncSession, chat_id: int) -> None:
    await subs.unsubscribe_all(session=session, chat_id=chat_id)
    for flag in (subs.Flag.VOLUNTEER_CALLS, subs.Flag.MONTHLY):
        await subs.set_flag(session=session, chat_id=chat_id, flag=flag, value=False)
