"""/dashboard: a one-time link that signs a coordinator in to the web dashboard. Sent only in
a private chat (anyone holding the link could open the session); the token is stored hashed."""

import html
from datetime import timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from handlers.coordinators.common import actor, audit, coordinator_here
from handlers.kit.context import PufaContext
from handlers.kit.replies import reply_html
from storage.dashboard import create_login

LOGIN_PATH = "/dashboard/login"


async def on_dashboard(update: Update, ctx: PufaContext) -> None:
    if not await coordinator_here(update, ctx, "dashboard"):
        return
    services, telegram_id = ctx.services, actor(update)
    assert telegram_id is not None
    settings, texts = services.dashboard, services.ui.dashboard
    if settings.public_url is None:  # no address a browser can open: no link made
        await reply_html(update, texts.no_address)
        return
    async with services.db.session() as session:
        token = await create_login(
            session=session,
            telegram_id=telegram_id,
            valid_for=timedelta(minutes=settings.link_minutes),
            now=services.now(),
        )
    await audit(ctx, update, "dashboard.link")
    url = f"{settings.public_url}{LOGIN_PATH}?token={token}"
    text = texts.link.format(url=html.escape(url), minutes=settings.link_minutes)
    markup = None
    if url.startswith("https://"):  # Telegram refuses buttons to http or local addresses
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(texts.open_button, url=url)]])
    await reply_html(update, text, markup)
