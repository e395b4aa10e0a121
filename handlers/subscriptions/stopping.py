"""Stopping messages without a menu: the one-tap unsubscribe button under every broadcast,
and Telegram's word that a user blocked (or unblocked) the bot; and a group that became a
supergroup, whose subscriptions follow its new chat id."""

from sqlmodel.ext.asyncio.session import AsyncSession
from telegram import ChatMember, ChatMemberUpdated, Update
from telegram.constants import ChatType

from handlers.kit.callbacks import PREVIEW_ID, number, parse
from handlers.kit.context import PufaContext
from handlers.kit.conversation import expired
from handlers.kit.replies import acknowledge
from handlers.subscriptions.group_admin import may_manage, refuse
from storage import subscriptions as subs
from storage.audience import Audience
from storage.broadcasts import get_broadcast


async def on_unsubscribe_button(update: Update, ctx: PufaContext) -> None:
    """The button under a broadcast: stop that kind of message for this chat, in one tap."""
    query = update.callback_query
    parsed = parse(query.data if query else None)
    ui = ctx.services.ui.subscriptions
    if parsed is not None and parsed.args == (str(PREVIEW_ID),):
        await acknowledge(update, ui.preview_button, alert=True)
        return
    broadcast_id = number(parsed.args[0]) if parsed and len(parsed.args) == 1 else None
    if broadcast_id is None:
        await expired(update, ctx)
        return
    if not await may_manage(update, ctx):
        await refuse(update, ctx)
        return
    chat = update.effective_chat
    assert chat is not None
    async with ctx.services.db.session() as session:
        broadcast = await get_broadcast(session=session, broadcast_id=broadcast_id)
        if broadcast is None:
            await expired(update, ctx)
            return
        audience = Audience(broadcast.audience)
        await _stop_kind(session, chat.id, audience, broadcast.audience_value)
        left = await subs.subscriptions_of(session=session, chat_id=chat.id)
    what = _kind_name(ctx, audience, broadcast.audience_value)
    told = ui.unsubscribed.format(what=what)
    if not left.any and left.campaign_reminders:  # they come with a subscription: gone too
        told = f"{told}\n{ui.campaigns_stopped_too}"
    await acknowledge(update, told, alert=True)


_FLAGS = {
    Audience.CATEGORIES: subs.Flag.CAMPAIGNS,
    Audience.VOLUNTEERS: subs.Flag.VOLUNTEER_CALLS,
    Audience.UNREPORTED: subs.Flag.MONTHLY,
}


async def _stop_kind(session: AsyncSession, chat_id: int, audience: Audience, value: str) -> None:
    """Removes the opt-in that made this chat receive a broadcast."""
    if audience is Audience.CATEGORY:
        kind = subs.SubKind.CATEGORY
        await subs.unsubscribe(session=session, chat_id=chat_id, kind=kind, value=value)
    elif audience is Audience.TOWN:
        await subs.set_town(session=session, chat_id=chat_id, town=None)
    elif audience is Audience.CASES:
        await subs.toggle_weekly_case(session=session, chat_id=chat_id, on=False)
    elif audience in _FLAGS:
        await subs.set_flag(session=session, chat_id=chat_id, flag=_FLAGS[audience], value=False)
    else:
        await subs.unsubscribe_all(session=session, chat_id=chat_id)


def _kind_name(ctx: PufaContext, audience: Audience, value: str) -> str:
    ui = ctx.services.ui.subscriptions
    if audience is Audience.CATEGORY:
        return next((c.name for c in ctx.services.library.categories if c.id == value), value)
    if audience is Audience.TOWN:
        return value
    if audience is Audience.CASES:
        return ctx.services.ui.engagement.audience_cases
    names = {
        Audience.CATEGORIES: ui.campaigns_name,
        Audience.VOLUNTEERS: ui.volunteer_calls_name,
        Audience.UNREPORTED: ui.monthly_name,
    }
    return names.get(audience, ui.all_name)


async def on_my_chat_member(update: Update, ctx: PufaContext) -> None:
    """Telegram tells us the user blocked (or unblocked) the bot, or a group removed it (the
    features that send to that group hear of it: `Services.hooks.chat_left`)."""
    change: ChatMemberUpdated | None = update.my_chat_member
    if change is None:
        return
    status = change.new_chat_member.status
    active = status in (ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER)
    async with ctx.services.db.session() as session:
        await subs.set_active(
            session=session,
            chat_id=change.chat.id,
            active=active,
            reason=f"my_chat_member: {status}",
        )
    if status in (ChatMember.LEFT, ChatMember.BANNED) and change.chat.type != ChatType.PRIVATE:
        for hook in ctx.services.hooks.chat_left:
            await hook(ctx, change.chat.id)


async def on_chat_migrated(update: Update, ctx: PufaContext) -> None:
    """Telegram's service message in the old group (migrate_to) or the new one (migrate_from);
    the features that send to the group by its id hear of it (`Services.hooks.chat_migrated`)."""
    message = update.effective_message
    if message is None:
        return
    if message.migrate_to_chat_id:
        old, new = message.chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id:
        old, new = message.migrate_from_chat_id, message.chat.id
    else:
        return
    async with ctx.services.db.session() as session:
        await subs.move_chat(
            session=session, old_chat_id=old, new_chat_id=new, now=ctx.services.now()
        )
    for hook in ctx.services.hooks.chat_migrated:
        await hook(ctx, old, new)
