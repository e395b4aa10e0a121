"""Server-side role checks, at every step: coordinators are PUFA_ADMIN_IDS plus people
promoted in the bot; volunteers are registered, active volunteers. Personal data and codes are
shown only in a private chat."""

import logging

from telegram import Update
from telegram.constants import ChatType

from handlers.kit.context import PufaContext, Services
from handlers.kit.replies import Markup, acknowledge, reply_html, user_id
from storage.audit import record
from storage.models import Role, Volunteer
from storage.people import get_role
from storage.volunteers import get_volunteer, promoted_coordinators

log = logging.getLogger(__name__)


async def is_coordinator(services: Services, telegram_id: int) -> bool:
    """`holds_role` for a coordinator, as most quiet checks are."""
    return await holds_role(services, telegram_id, Role.COORDINATOR)


async def coordinator_ids(services: Services) -> list[int]:
    """Everyone who is a coordinator now: PUFA_ADMIN_IDS and those promoted in the bot."""
    async with services.db.session() as session:
        promoted = await promoted_coordinators(session=session)
    return sorted(services.admin_ids | set(promoted))


async def role_of(services: Services, telegram_id: int) -> Role:
    if await holds_role(services, telegram_id, Role.COORDINATOR):
        return Role.COORDINATOR
    if await holds_role(services, telegram_id, Role.VOLUNTEER):
        return Role.VOLUNTEER
    return Role.RESIDENT


async def holds_role(services: Services, telegram_id: int, role: Role) -> bool:
    """Whether the person has `role` now, telling no one: the one decision every check here
    makes (a coordinator is not a volunteer unless registered as one; everyone is a
    resident)."""
    if role is Role.COORDINATOR:
        if telegram_id in services.admin_ids:
            return True
        async with services.db.session() as session:
            return await get_role(session=session, telegram_id=telegram_id) is Role.COORDINATOR
    if role is Role.VOLUNTEER:
        return await _volunteer(services, telegram_id) is not None
    return True


async def require_role(
    update: Update, ctx: PufaContext, role: Role, action: str, markup: Markup = None
) -> bool:
    """True if the person has `role` now; anyone else is told, and a coordinator's `action`
    refused is logged and audited (a volunteer's is neither: `action` then goes unused).
    `markup` goes with a typed command's refusal (a guided chat's, taking its reply keyboard
    down)."""
    user = update.effective_user
    if user is not None and await holds_role(ctx.services, user.id, role):
        return True
    if role is not Role.COORDINATOR:
        await _tell_how_to_join(update, ctx, markup)
        return False
    log.warning("refused %s for user %s", action, user.id if user else None)
    async with ctx.services.db.session() as session:
        await record(
            session=session,
            actor_id=user.id if user else None,
            action=action,
            allowed=False,
            now=ctx.services.now(),
        )
    await _refuse(update, ctx.services.ui.not_allowed, markup)
    return False


async def require_coordinator(update: Update, ctx: PufaContext, action: str) -> bool:
    """`require_role` for a coordinator's action, as most checks are."""
    return await require_role(update, ctx, Role.COORDINATOR, action)


async def require_volunteer(update: Update, ctx: PufaContext) -> Volunteer | None:
    """The registered volunteer behind this update (read once: /certificate and /profile show
    it), or None after telling them how to join."""
    volunteer = await _volunteer(ctx.services, user_id(update))
    if volunteer is None:
        await _tell_how_to_join(update, ctx)
    return volunteer


def in_private(update: Update) -> bool:
    """Whether the update comes from a private chat with the bot."""
    chat = update.effective_chat
    return chat is not None and chat.type == ChatType.PRIVATE


async def own_chat_only(update: Update, ctx: PufaContext) -> bool:
    """True for a button pressed in the presser's own private chat with the bot. A guided
    chat's buttons and a resident's message's carry their answers there; on a copy forwarded
    into a group (or anyone else's chat) a press is refused with an alert, and nothing is
    done or said where the copy is (the next question, a prompt, a thanks)."""
    chat, user = update.effective_chat, update.effective_user
    if (
        chat is not None
        and user is not None
        and chat.type == ChatType.PRIVATE
        and chat.id == user.id
    ):
        return True
    await acknowledge(update, ctx.services.ui.own_chat_button_only, alert=True)
    return False


async def require_private(update: Update, ctx: PufaContext) -> bool:
    """True in a private chat; elsewhere a short note to use the private chat (what follows
    would show personal data or codes to the whole group)."""
    if in_private(update):
        return True
    await _refuse(update, ctx.services.ui.volunteers.private_only)
    return False


async def require_volunteer_or_coordinator(update: Update, ctx: PufaContext) -> Role | None:
    """The role of who does volunteers' work (a QR code, a poster): a volunteer or a
    coordinator; anyone else gets None after being told how to join."""
    role = await role_of(ctx.services, user_id(update))
    if role is not Role.RESIDENT:
        return role
    await _tell_how_to_join(update, ctx)
    return None


async def _tell_how_to_join(update: Update, ctx: PufaContext, markup: Markup = None) -> None:
    """The refusal of a volunteer's step to someone who is not one."""
    await _refuse(update, ctx.services.ui.volunteers.not_volunteer, markup)


async def _refuse(update: Update, text: str, markup: Markup = None) -> None:
    """An alert for a pressed button, a reply (with `markup`) for a typed command."""
    await acknowledge(update, text, alert=True)
    if update.callback_query is None:
        await reply_html(update, text, markup)


async def _volunteer(services: Services, telegram_id: int) -> Volunteer | None:
    async with services.db.session() as session:
        return await get_volunteer(session=session, telegram_id=telegram_id)
