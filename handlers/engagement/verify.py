"""/verify CODE: a coordinator checks a volunteer's certificate of hours in the chat (the
same answer as the dashboard's 核验证书 page and `pufa verify`); audited."""

import html

from telegram import Update

from domain.recognition import verify_certificate
from handlers.kit.context import PufaContext
from handlers.kit.replies import reply_html, user_id
from handlers.kit.roles import require_coordinator, require_private
from storage.audit import record


async def on_verify(update: Update, ctx: PufaContext) -> None:
    if not await require_private(update, ctx):
        return
    if not await require_coordinator(update, ctx, "verify"):
        return
    services = ctx.services
    typed = " ".join(ctx.args or [])
    if not typed.strip():
        await reply_html(update, services.ui.engagement.verify_usage)
        return
    async with services.db.session() as session:
        verdict = await verify_certificate(
            session=session, typed=typed, ui=services.ui, tz=services.tz
        )
        await record(
            session=session,
            actor_id=user_id(update),
            action="verify",
            target=verdict.code,
            detail=f"genuine={verdict.genuine}",
            now=services.now(),
        )
    await reply_html(update, html.escape(verdict.text))
