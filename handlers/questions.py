"""Residents' questions: search the cards, answer with the best one, log everything."""

import re

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from handlers import callbacks
from handlers.context import PufaApp, PufaContext
from handlers.render import card_html, card_keyboard, choices_keyboard, no_match_html
from handlers.replies import acknowledge, reply_html
from storage.questions import LoggedAnswer, log_question, mark_unsolved

MAX_QUESTION_CHARS = 500
# question_log.id is a 32-bit INTEGER on PostgreSQL (SQLite allows 64 bits).
MAX_QUESTION_ID = 2**31 - 1


async def answer_question(update: Update, ctx: PufaContext, text: str, source: str) -> None:
    services, ui = ctx.services, ctx.services.ui
    question = text.strip()
    if not question:
        await reply_html(update, ui.empty_question)
        return
    if len(question) > MAX_QUESTION_CHARS:
        await reply_html(update, ui.question_too_long)
        question = question[:MAX_QUESTION_CHARS]
    result = services.index.search(question)
    best = result.best
    user, chat = update.effective_user, update.effective_chat
    async with services.db.session() as session:
        question_id = await log_question(
            session=session,
            answer=LoggedAnswer(
                telegram_id=user.id if user else None,
                chat_type=chat.type if chat else "",
                source=source,
                text=question,
                card_id=best.card_id if best and result.matched else None,
                score=best.score if best else 0.0,
                matched=result.matched,
                ambiguous=result.ambiguous,
            ),
            now=services.now(),
        )
    if best is None or not result.matched:
        text = no_match_html(question, ui, with_suggestions=bool(result.suggestions))
        await reply_html(update, text, choices_keyboard(result.suggestions, ui))
    elif result.ambiguous:
        await reply_html(update, ui.ambiguous_intro, choices_keyboard(result.choices, ui))
    else:
        card = services.library.cards[best.card_id]
        await reply_html(
            update, card_html(card, ui), card_keyboard(card, services.library, question_id)
        )


async def on_private_text(update: Update, ctx: PufaContext) -> None:
    if update.effective_message and update.effective_message.text is not None:
        await answer_question(update, ctx, update.effective_message.text, "text")


async def on_group_mention(update: Update, ctx: PufaContext) -> None:
    message = update.effective_message
    if message is None or message.text is None:
        return
    mention = re.compile(rf"@{re.escape(ctx.bot.username)}\b", re.IGNORECASE)
    replied = message.reply_to_message
    to_bot = (
        replied is not None
        and replied.from_user is not None
        and replied.from_user.id == ctx.bot.id
    )
    if not mention.search(message.text) and not to_bot:
        return
    question = mention.sub(" ", message.text)
    if question.strip():
        await answer_question(update, ctx, question, "group")
    else:
        await reply_html(update, ctx.services.ui.group_hint)


async def on_ask_command(update: Update, ctx: PufaContext) -> None:
    text = " ".join(ctx.args or [])
    if not text.strip():
        await reply_html(update, ctx.services.ui.group_hint)
        return
    await answer_question(update, ctx, text, "command")


async def on_card_button(update: Update, ctx: PufaContext) -> None:
    query = callbacks.parse(update.callback_query.data if update.callback_query else None)
    library = ctx.services.library
    card = library.cards.get(query.args[0]) if query and len(query.args) == 1 else None
    if card is None:
        await acknowledge(update, ctx.services.ui.card_not_found, alert=True)
        return
    await acknowledge(update)
    await reply_html(update, card_html(card, library.ui), card_keyboard(card, library))


async def on_unsolved(update: Update, ctx: PufaContext) -> None:
    query = callbacks.parse(update.callback_query.data if update.callback_query else None)
    ui, user = ctx.services.ui, update.effective_user
    question_id = _question_id(query.args) if query else None
    if question_id is None or user is None:
        await acknowledge(update, ui.stale_button, alert=True)
        return
    async with ctx.services.db.session() as session:
        recorded = await mark_unsolved(
            session=session, question_id=question_id, telegram_id=user.id
        )
    if recorded is None:
        await acknowledge(update, ui.stale_button, alert=True)
    elif not recorded:
        await acknowledge(update, ui.feedback_stale)
    else:
        await acknowledge(update)
        await reply_html(update, ui.feedback_thanks, choices_keyboard([], ui))


def _question_id(args: tuple[str, ...]) -> int | None:
    """A question id from button data; a forged huge number would overflow the database."""
    if len(args) != 1 or not args[0].isdigit() or int(args[0]) > MAX_QUESTION_ID:
        return None
    return int(args[0])


def register(app: PufaApp) -> None:
    private_text = filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE
    addressed = (
        filters.TEXT & filters.ChatType.GROUPS & (filters.Entity("mention") | filters.REPLY)
    )
    app.add_handlers(
        [
            CommandHandler("ask", on_ask_command),
            MessageHandler(private_text, on_private_text),
            MessageHandler(addressed, on_group_mention),
            CallbackQueryHandler(on_card_button, pattern=callbacks.pattern(callbacks.CARD)),
            CallbackQueryHandler(on_unsolved, pattern=callbacks.pattern(callbacks.FEEDBACK)),
        ]
    )
