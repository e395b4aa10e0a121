"""Shared pieces of the guided chats whose drafts are rows (registration, /report,
/broadcast): who is talking, what a button carries, and the saved draft itself."""

from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.ext import ConversationHandler, filters

from content.ui_volunteers import VolunteerTexts
from handlers import callbacks
from handlers.context import PufaContext
from handlers.replies import acknowledge, reply_html
from storage.drafts import load_draft, save_draft
from storage.models import Volunteer
from storage.volunteers import get_volunteer

END = ConversationHandler.END
# What a step handler returns: the next step, END, or None to stay where the chat is.
State = str | int | None
# A typed answer (commands are left to the fallbacks).
TEXT = filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND


@dataclass
class Draft:
    user_id: int
    step: str
    data: dict[str, Any]


def volunteer_texts(ctx: PufaContext) -> VolunteerTexts:
    return ctx.services.ui.volunteers


async def registered_volunteer(update: Update, ctx: PufaContext) -> Volunteer | None:
    """The volunteer behind this update, or None after telling them they have not joined."""
    async with ctx.services.db.session() as session:
        volunteer = await get_volunteer(session=session, telegram_id=user_id(update))
    if volunteer is None:
        await reply_html(update, volunteer_texts(ctx).not_volunteer)
    return volunteer


def user_id(update: Update) -> int:
    """The person behind an update of a private guided chat (these never come from channels)."""
    assert update.effective_user is not None
    return update.effective_user.id


def callback_args(update: Update) -> tuple[str, ...]:
    """The validated arguments of a pressed button; () if forged or malformed."""
    parsed = callbacks.parse(update.callback_query.data if update.callback_query else None)
    return parsed.args if parsed is not None else ()


async def load(ctx: PufaContext, flow: str, telegram_id: int) -> Draft | None:
    async with ctx.services.db.session() as session:
        found = await load_draft(session=session, flow=flow, telegram_id=telegram_id)
    return Draft(telegram_id, *found) if found else None


async def save(ctx: PufaContext, flow: str, draft: Draft, step: str) -> str:
    """Store the draft at `step` first, so a restart resumes exactly there."""
    draft.step = step
    async with ctx.services.db.session() as session:
        await save_draft(
            session=session,
            flow=flow,
            telegram_id=draft.user_id,
            step=step,
            data=draft.data,
            now=ctx.services.now(),
        )
    return step


async def current(update: Update, ctx: PufaContext, flow: str, gone_text: str) -> Draft | None:
    """The sender's draft, or None after telling them it is gone (erased or timed out)."""
    draft = await load(ctx, flow, user_id(update))
    if draft is None:
        await acknowledge(update)
        await reply_html(update, gone_text)
    return draft
