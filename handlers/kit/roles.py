"""Server-side role checks. Coordinators are PUFA_ADMIN_IDS plus people promoted in the bot."""

import logging

from telegram import Update

from handlers.context import PufaContext, Services
from handlers.replies import acknowledge, reply_html
from storage.audit import record
from storage.models import Role
from storage.people import get_role

log = logging.getLogger(__name__)


async def is_coordinator(services: Services, telegram_id: int) -> bool:
    if telegram_id in services.admin_ids:
        return True
    async with services.db.session() as session:
        return await get_role(session=session, telegram_id=telegram_id) is Role.COORDINATOR


async def require_coordinator(update: Update, ctx: PufaContext, action: str) -> bool:
    """True for coordinators; anyone else gets a polite refusal and the attempt is audited."""
    user = update.effective_user
    if user is not None and await is_coordinator(ctx.services, user.id):
        return True
    log.warning("refused %s for user %s", action, user.id if user else None)
    async with ctx.services.db.session() as session:
        await record(
            session=session, actor_id=user.id if user else None, action=action, allowed=False
        )
    await acknowledge(update, ctx.services.ui.not_allowed, alert=True)
    if update.callback_query is None:
        await reply_html(update, ctx.services.ui.not_allowed)
    return False
