"""Joining as a volunteer: an invite code (from /start join_<code> or /join CODE) opens the
registration chat, and the last answer stores the volunteer."""

import html

from telegram import ReplyKeyboardRemove, Update

from handlers.kit.context import PufaContext
from handlers.kit.conversation import Conversation, begin, tidy
from handlers.kit.menus import refresh_menu
from handlers.kit.replies import reply_html, user_id
from handlers.kit.roles import require_private
from handlers.volunteers.chat import CODE, FLOW, NAME, ORG, PHONE, PLACE, TOWN, show
from storage.volunteers import (
    InviteStatus,
    VolunteerProfile,
    check_invite,
    get_volunteer,
    register_volunteer,
)


async def on_join_link(update: Update, ctx: PufaContext) -> None:
    await _start(update, ctx, ctx.args[0].removeprefix("join_") if ctx.args else "")


async def on_join(update: Update, ctx: PufaContext) -> None:
    await _start(update, ctx, " ".join(ctx.args or []))


async def _start(update: Update, ctx: PufaContext, code: str) -> None:
    """A new registration (a new code or link while registering starts over)."""
    if not await require_private(update, ctx):
        return
    async with ctx.services.db.session() as session:
        volunteer = await get_volunteer(session=session, telegram_id=user_id(update))
    if volunteer is not None:
        await reply_html(update, ctx.services.ui.volunteers.already_volunteer)
        return
    chat = await begin(update, ctx, FLOW, CODE, {})
    if chat is None:
        return
    if not code.strip():
        await show(update, ctx, chat, CODE)
    elif not await _use_code(update, ctx, chat, code):
        await chat.end(update)


async def _use_code(update: Update, ctx: PufaContext, chat: Conversation, code: str) -> bool:
    """Checks the code: on success the next question, else an explanation (and False)."""
    texts = ctx.services.ui.volunteers
    async with ctx.services.db.session() as session:
        status, invite = await check_invite(session=session, code=code, now=ctx.services.now())
    if status is not InviteStatus.OK or invite is None:
        await reply_html(update, getattr(texts.invite_problems, status.value))
        return False
    chat.data = {"code": invite.code, TOWN: invite.town, ORG: invite.organisation}
    chat.data["fixed"] = [f for f in (TOWN, ORG) if chat.data[f]]
    await show(update, ctx, chat, NAME, texts.join_welcome)
    return True


async def on_code(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    """The code typed at the CODE step (a wrong one is explained and asked again)."""
    assert update.effective_message is not None
    await _use_code(update, ctx, chat, update.effective_message.text or "")


async def finish_registration(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    texts, data = ctx.services.ui.volunteers, chat.data
    profile = VolunteerProfile(
        name=data[NAME],
        town=data.get(TOWN, ""),
        place=data.get(PLACE, ""),
        organisation=data.get(ORG, ""),
        phone=data.get(PHONE, ""),
    )
    async with ctx.services.db.session() as session:
        status = await register_volunteer(
            session=session,
            telegram_id=chat.user_id,
            code=data["code"],
            profile=profile,
            now=ctx.services.now(),
        )
        await chat.end(update, session)
    await tidy(update, chat)
    if status is not InviteStatus.OK:
        problem = getattr(texts.invite_problems, status.value)
        await reply_html(update, problem, ReplyKeyboardRemove())
        return
    name, town = html.escape(profile.name), html.escape(profile.town)
    await reply_html(update, texts.registered.format(name=name, town=town), ReplyKeyboardRemove())
    await refresh_menu(ctx.bot, ctx.services, chat.user_id)
