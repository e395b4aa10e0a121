"""Joining as a volunteer: an invite code (from /start join_<code> or /join CODE) opens the
registration chat, and the last answer stores the volunteer."""

import html

from telegram import ReplyKeyboardRemove, Update

from handlers import guided
from handlers.context import PufaContext
from handlers.guided import END, Draft, State, volunteer_texts
from handlers.menus import refresh_menu
from handlers.replies import reply_html
from handlers.volunteer_chat import (
    CODE,
    FLOW,
    NAME,
    ORG,
    PHONE,
    PLACE,
    TOWN,
    current_draft,
    show,
)
from storage.drafts import delete_draft
from storage.volunteers import (
    InviteStatus,
    VolunteerProfile,
    check_invite,
    get_volunteer,
    register_volunteer,
)


async def on_join_link(update: Update, ctx: PufaContext) -> State:
    return await _start(update, ctx, ctx.args[0] if ctx.args else "")


async def on_join(update: Update, ctx: PufaContext) -> State:
    return await _start(update, ctx, " ".join(ctx.args or []))


async def _start(update: Update, ctx: PufaContext, code: str) -> State:
    texts = volunteer_texts(ctx)
    if update.effective_chat is None or update.effective_chat.type != "private":
        await reply_html(update, texts.private_only)
        return END
    async with ctx.services.db.session() as session:
        volunteer = await get_volunteer(session=session, telegram_id=guided.user_id(update))
    if volunteer is not None:
        await reply_html(update, texts.already_volunteer)
        return END
    draft = Draft(guided.user_id(update), CODE, {})
    if not code.strip():
        return await show(update, ctx, draft, CODE)
    return await _use_code(update, ctx, draft, code) or END


async def _use_code(update: Update, ctx: PufaContext, draft: Draft, code: str) -> State:
    """Check the code; on success the next question, else an explanation and None."""
    texts = volunteer_texts(ctx)
    async with ctx.services.db.session() as session:
        status, invite = await check_invite(session=session, code=code, now=ctx.services.now())
    if status is not InviteStatus.OK or invite is None:
        await reply_html(update, getattr(texts.invite_problems, status.value))
        return None
    draft.data = {"code": invite.code, TOWN: invite.town, ORG: invite.organisation}
    draft.data["fixed"] = [f for f in (TOWN, ORG) if draft.data[f]]
    return await show(update, ctx, draft, NAME, texts.join_welcome)


async def on_code(update: Update, ctx: PufaContext) -> State:
    draft = await current_draft(update, ctx)
    message = update.effective_message
    if draft is None or message is None or message.text is None:
        return END
    return await _use_code(update, ctx, draft, message.text) or CODE


async def finish_registration(update: Update, ctx: PufaContext, draft: Draft) -> State:
    texts, data = volunteer_texts(ctx), draft.data
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
            telegram_id=draft.user_id,
            code=data["code"],
            profile=profile,
            now=ctx.services.now(),
        )
        await delete_draft(session=session, flow=FLOW, telegram_id=draft.user_id)
    if status is not InviteStatus.OK:
        await reply_html(
            update, getattr(texts.invite_problems, status.value), ReplyKeyboardRemove()
        )
        return END
    name, town = html.escape(profile.name), html.escape(profile.town)
    await reply_html(update, texts.registered.format(name=name, town=town), ReplyKeyboardRemove())
    await refresh_menu(ctx.bot, ctx.services, draft.user_id)
    return END
