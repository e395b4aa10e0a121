"""Pieces shared by the coordinators' screens (/broadcast, /scheduled, /campaigns)."""

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from handlers.broadcast_render import BroadcastRenderer
from handlers.context import PufaContext
from handlers.replies import reply_html
from scheduler.messages import Sent
from scheduler.sender import TelegramSender
from scheduler.timeparse import Now, Once, When, WhenError, describe, describe_weekly, parse_when
from storage.models import Broadcast

MAX_ID = 2**31 - 1  # larger ids in button data are forged (and would overflow the database)


def parse_id(value: str) -> int | None:
    return int(value) if value.isdigit() and 0 < int(value) <= MAX_ID else None


async def read_when(update: Update, ctx: PufaContext, text: str) -> When | None:
    """The time typed, or None after explaining (in Chinese) what is wrong with it."""
    now = ctx.services.local_now()
    try:
        return parse_when(text, now)
    except WhenError as error:
        ui = ctx.services.ui.broadcasts
        problem = getattr(ui, f"when_{error.problem.value}")
        await reply_html(update, problem + "\n" + ui.when_examples)
        return None


def describe_when(ctx: PufaContext, when: When) -> str:
    ui = ctx.services.ui.broadcasts
    if isinstance(when, Now):
        return ui.when_now
    if isinstance(when, Once):
        return describe(when.at.astimezone(ctx.services.tz))
    return ui.when_weekly.format(slot=describe_weekly(when))


def renderer(ctx: PufaContext) -> BroadcastRenderer:
    return BroadcastRenderer(ctx.services.library)


async def send_preview(update: Update, ctx: PufaContext, row: Broadcast) -> bool:
    """Sends `row` to the coordinator exactly as recipients will get it."""
    chat = update.effective_chat
    assert chat is not None
    # The preview's unsubscribe button must not work: it carries the preview id, not row.id.
    shown = Broadcast.model_validate(row.model_dump() | {"id": None})
    outcome = await TelegramSender(ctx.bot, paced=False).send(chat.id, renderer(ctx).render(shown))
    if not isinstance(outcome, Sent):
        await reply_html(update, ctx.services.ui.broadcasts.preview_failed)
        return False
    return True


async def edit(update: Update, text: str, markup: InlineKeyboardMarkup | None) -> None:
    query = update.callback_query
    assert query is not None
    try:
        await query.edit_message_text(
            text, parse_mode=ParseMode.HTML, reply_markup=markup, disable_web_page_preview=True
        )
    except BadRequest as exc:
        if "not modified" not in exc.message:
            raise
