"""Runs before every other handler: remembers who we talk to and throttles floods."""

import time

from telegram import Update
from telegram.ext import ApplicationHandlerStop, TypeHandler

from handlers.context import PufaApp, PufaContext
from handlers.replies import reply_html
from handlers.throttle import BUTTON_COST
from storage.people import touch_person

GUARD_GROUP = -1
# Write `last_seen` at most this often per person, not on every update.
TOUCH_INTERVAL_SECONDS = 600


async def guard(update: Update, ctx: PufaContext) -> None:
    user = update.effective_user
    if user is None or user.is_bot:
        return
    await _remember(update, ctx)
    if update.message is not None:
        cost = 1.0
    elif update.callback_query is not None:
        cost = BUTTON_COST
    else:
        return
    if not ctx.services.throttle.allow(user.id, cost):
        if (
            update.message is not None
            and update.effective_chat
            and (
                update.effective_chat.type == "private"
                and ctx.services.throttle.should_warn(user.id)
            )
        ):
            await reply_html(update, ctx.services.ui.too_fast)
        elif update.callback_query is not None:
            await update.callback_query.answer(ctx.services.ui.too_fast)
        raise ApplicationHandlerStop


async def _remember(update: Update, ctx: PufaContext) -> None:
    user = update.effective_user
    assert user is not None
    touched = ctx.services.last_touch
    now = time.monotonic()
    if now - touched.get(user.id, -TOUCH_INTERVAL_SECONDS) < TOUCH_INTERVAL_SECONDS:
        return
    async with ctx.services.db.session() as session:
        await touch_person(
            session=session,
            telegram_id=user.id,
            name=user.full_name,
            username=user.username,
            now=ctx.services.now(),
        )
    touched[user.id] = now


def register(app: PufaApp) -> None:
    app.add_handler(TypeHandler(Update, guard), group=GUARD_GROUP)
