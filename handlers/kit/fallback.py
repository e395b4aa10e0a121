"""Last-resort replies: unknown commands, stickers/voice/photos, stale or forged buttons."""

from telegram import Update
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from handlers.kit.context import PufaApplication, PufaContext
from handlers.kit.conversation import expired
from handlers.kit.replies import reply_html

# Text meant as a command that Telegram did not mark as one (a command is at most 64 ASCII
# letters, digits and _): "/不存在", a bare "/", "/" and 5,000 letters. Never a question.
COMMAND_LIKE = filters.Regex(r"^\s*/")


async def on_unknown_command(update: Update, ctx: PufaContext) -> None:
    await reply_html(update, ctx.services.ui.unknown_command)


async def on_non_text(update: Update, ctx: PufaContext) -> None:
    await reply_html(update, ctx.services.ui.non_text)


async def on_stale_button(update: Update, ctx: PufaContext) -> None:
    await expired(update, ctx)


def register(app: PufaApplication) -> None:
    """Registered after every feature: these catch what nothing else did."""
    private = filters.ChatType.PRIVATE
    app.add_handlers(
        [
            MessageHandler(private & (filters.COMMAND | COMMAND_LIKE), on_unknown_command),
            MessageHandler(private & ~filters.TEXT & ~filters.StatusUpdate.ALL, on_non_text),
            CallbackQueryHandler(on_stale_button),
        ]
    )
