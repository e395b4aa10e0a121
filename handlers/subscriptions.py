"""/subscribe, /mysubs, /unsubscribe and the one-tap unsubscribe button under broadcasts.

Opt-in only. In a group, only its administrators (as Telegram tells us, asked on every
action) may change what the group receives.
"""

import html
import logging

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, CommandHandler

from handlers import callbacks, stopping
from handlers.context import PufaApp, PufaContext
from handlers.group_admin import may_manage, refuse
from handlers.replies import acknowledge, reply_html
from storage import subscriptions as subs
from storage.models import Volunteer

log = logging.getLogger(__name__)


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
    rows += [[_button(town, "towns")], [_button(camp, "camp")], [_button(ui.done_button, "done")]]
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
            "cat",
            c.id,
        )
        for c in ctx.services.library.categories
    ]
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]


def _button(label: str, *args: str | int) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=callbacks.make(callbacks.SUBSCRIBE, *args))


def _towns_keyboard(ctx: PufaContext) -> InlineKeyboardMarkup:
    ui = ctx.services.ui.subscriptions
    rows = [[_button(t.town, "town", i)] for i, t in enumerate(ctx.services.library.towns)]
    rows.append([_button(ui.no_town_button, "town", "none"), _button(ui.back_button, "home")])
    return InlineKeyboardMarkup(rows)


async def on_subscribe_button(update: Update, ctx: PufaContext) -> None:
    query = update.callback_query
    parsed = callbacks.parse(query.data if query else None)
    args = parsed.args if parsed else ()
    if query is None or query.message is None or not args:
        await acknowledge(update, ctx.services.ui.stale_button, alert=True)
        return
    if not await may_manage(update, ctx):
        await refuse(update, ctx)
        return
    if args[0] == "un":
        await _unsubscribe_one(update, ctx, args[1:])
        return
    chat_id = await _ensure(update, ctx)
    if not await _apply(ctx, chat_id, args):
        await acknowledge(update, ctx.services.ui.stale_button, alert=True)
        return
    await acknowledge(update)
    if args == ("towns",):
        await _edit(update, ctx.services.ui.subscriptions.towns_title, _towns_keyboard(ctx))
    elif args == ("done",):
        await _edit(update, await _summary(ctx, chat_id), None)
    else:
        await _edit(update, *await _menu(update, ctx))


async def _apply(ctx: PufaContext, chat_id: int, args: tuple[str, ...]) -> bool:
    """Applies one press; False for a forged or outdated one."""
    library = ctx.services.library
    async with ctx.services.db.session() as session:
        if args[0] == "cat" and len(args) == 2 and args[1] in {c.id for c in library.categories}:
            await subs.toggle_category(session=session, chat_id=chat_id, category=args[1])
        elif args[0] == "town" and len(args) == 2:
            if args[1] == "none":
                await subs.set_town(session=session, chat_id=chat_id, town=None)
            elif args[1].isdigit() and int(args[1]) < len(library.towns):
                town = library.towns[int(args[1])].town
                await subs.set_town(session=session, chat_id=chat_id, town=town)
            else:
                return False
        elif args == ("camp",):
            mine = await subs.subscriptions_of(session=session, chat_id=chat_id)
            flag, value = subs.Flag.CAMPAIGNS, not mine.campaign_reminders
            await subs.set_flag(session=session, chat_id=chat_id, flag=flag, value=value)
        elif args not in (("towns",), ("home",), ("done",)):
            return False
    return True


async def _edit(update: Update, text: str, markup: InlineKeyboardMarkup | None) -> None:
    query = update.callback_query
    assert query is not None
    try:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
    except BadRequest as exc:
        if "not modified" not in exc.message:  # a double press shows the same thing again
            raise


async def _summary(ctx: PufaContext, chat_id: int) -> str:
    ui = ctx.services.ui.subscriptions
    async with ctx.services.db.session() as session:
        mine = await subs.subscriptions_of(session=session, chat_id=chat_id)
        volunteer = await session.get(Volunteer, chat_id)
    names = {c.id: c.name for c in ctx.services.library.categories}
    lines = [ui.summary_title]
    if mine.categories:
        topics = "、".join(names.get(c, c) for c in mine.categories)
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
        [_button(ui.remove.format(name=names.get(c, c)), "un", "cat", c)] for c in mine.categories
    ]
    if mine.town:
        rows.append([_button(ui.remove.format(name=mine.town), "un", "town")])
    if mine.any and mine.campaign_reminders:
        rows.append([_button(ui.remove.format(name=ui.campaigns_name), "un", "camp")])
    if volunteer is not None and volunteer.active:
        if mine.volunteer_calls:
            rows.append([_button(ui.remove.format(name=ui.volunteer_calls_name), "un", "vol")])
        if mine.monthly_reminder:
            rows.append([_button(ui.remove.format(name=ui.monthly_name), "un", "month")])
    if not rows:
        return ui.nothing_to_remove, None
    rows.append([_button(ui.remove_all_button, "un", "all")])
    return ui.unsubscribe_title, InlineKeyboardMarkup(rows)


async def _unsubscribe_one(update: Update, ctx: PufaContext, args: tuple[str, ...]) -> None:
    chat = update.effective_chat
    assert chat is not None
    async with ctx.services.db.session() as session:
        if args[:1] == ("cat",) and len(args) == 2:
            await subs.unsubscribe(
                session=session, chat_id=chat.id, kind=subs.SubKind.CATEGORY, value=args[1]
            )
        elif args == ("town",):
            await subs.set_town(session=session, chat_id=chat.id, town=None)
        elif args in (("camp",), ("vol",), ("month",)):
            flag = {"camp": subs.Flag.CAMPAIGNS, "vol": subs.Flag.VOLUNTEER_CALLS}.get(
                args[0], subs.Flag.MONTHLY
            )
            await subs.set_flag(session=session, chat_id=chat.id, flag=flag, value=False)
        elif args == ("all",):
            await _remove_everything(session, chat.id)
        else:
            await acknowledge(update, ctx.services.ui.stale_button, alert=True)
            return
    await acknowledge(update, ctx.services.ui.subscriptions.removed)
    text, markup = await _unsubscribe_menu(ctx, chat.id)
    await _edit(update, text, markup)


async def _remove_everything(session: AsyncSession, chat_id: int) -> None:
    await subs.unsubscribe_all(session=session, chat_id=chat_id)
    for flag in (subs.Flag.VOLUNTEER_CALLS, subs.Flag.MONTHLY):
        await subs.set_flag(session=session, chat_id=chat_id, flag=flag, value=False)


def register(app: PufaApp) -> None:
    app.add_handlers(
        [
            CommandHandler("subscribe", on_subscribe),
            CommandHandler("mysubs", on_mysubs),
            CommandHandler("unsubscribe", on_unsubscribe),
            CallbackQueryHandler(
                on_subscribe_button, pattern=callbacks.pattern(callbacks.SUBSCRIBE)
            ),
            *stopping.HANDLERS,
        ]
    )
