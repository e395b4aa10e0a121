"""Pieces the coordinators' broadcast screens share (/broadcast, /scheduled, /campaigns):
reading a time as people write it, saying it back, and an exact preview."""

from telegram import Update

from handlers.broadcasts.render import BroadcastRenderer
from handlers.kit.context import PufaContext
from handlers.kit.replies import reply_html
from scheduler.messages import Sent
from scheduler.sender import TelegramSender
from scheduler.timeparse import (
    When,
    WhenError,
    parse_when,
)
from storage.models import Broadcast


async def read_when(update: Update, ctx: PufaContext, text: str) -> When | None:
    """The time typed, or None after explaining (in Chinese) what is wrong with it."""
    try:
        return parse_when(text, ctx.services.local_now())
    except WhenError as error:
        ui = ctx.services.ui.broadcasts
        problem = getattr(ui, f"when_{error.problem.value}")
        await reply_html(update, problem + "\n" + ctx.services.when_examples())
        return None


def renderer(ctx: PufaContext) -> BroadcastRenderer:
    return BroadcastRenderer(ctx.services.library)


async def send_preview(update: Update, ctx: PufaContext, row: Broadcast) -> bool:
    """Sends `row` to the coordinator exactly as recipients will get it."""
    chat = update.effective_chat
    assert chat is not None
    # The preview's unsubscribe button must not work: it carries the preview id, not row.id.
    shown = Broadcast.model_validate(row.model_dump() | {"id": None})
    sender, message = TelegramSender(ctx.bot, paced=False), renderer(ctx).render(shown)
    outcome = await sender.send(chat.id, message)
    if isinstance(outcome, Sent) and message.then is not None:
        outcome = await sender.send(chat.id, message.then)
    if not isinstance(outcome, Sent):
        await reply_html(update, ctx.services.ui.broadcasts.preview_failed)
        return False
    return True
