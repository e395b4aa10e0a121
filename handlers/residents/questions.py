"""Residents' questions: answered with the best card (domain.answers), logged, with feedback."""

import logging
import re

from telegram import Update

from content.routing import clear_category
from content.small_talk import Talk
from domain.answers import answer, answer_html, card_html, log_entry, safety_cards
from handlers.kit.callbacks import parse
from handlers.kit.context import PufaContext
from handlers.kit.conversation import expired
from handlers.kit.replies import acknowledge, reply_html
from handlers.kit.tickets import group_link
from handlers.residents.keyboards import (
    card_keyboard,
    choices_keyboard,
    leave_first_keyboard,
    main_menu,
)
from storage.db import unavailable
from storage.questions import asked_card, mark_unsolved, record_choice, unsolved_before

REF = re.compile(r"[0-9a-f]{12}")  # a logged question's reference (domain.answers.log_entry)
log = logging.getLogger(__name__)


async def answer_question(update: Update, ctx: PufaContext, text: str, source: str) -> None:
    services, ui = ctx.services, ctx.services.ui
    link = group_link(update, ctx)  # in a group, 留言给工作人员 opens the private chat
    found = answer(services.index, text, safety=services.library.safety)
    if not found.question:
        await reply_html(update, ui.empty_question)
        return
    if found.wordless and not found.danger:  # not a question the bot failed: not logged
        await reply_html(update, ui.question_no_words)
        return
    talk = None if found.danger else services.index.small_talk.kind(found.question)
    if link and talk in (Talk.GREETING, Talk.THANKS, Talk.GOODBYE):  # "just send it to me"
        # fits only a private chat: a group's plain text gets no answer, so say how to ask
        lead = {Talk.THANKS: ui.small_talk_thanks_group, Talk.GOODBYE: ui.small_talk_goodbye_group}
        said = lead.get(talk)
        await reply_html(update, f"{said}\n{ui.group_hint}" if said else ui.group_hint)
        return
    if talk is not None:  # answered in kind: not a question, not logged
        menu = None
        if talk is Talk.GREETING:
            menu = main_menu(ui)
        elif talk is Talk.PERSON:
            menu = leave_first_keyboard(ui, category="", chat_link=link)
        await reply_html(update, getattr(ui, f"small_talk_{talk.value}"), menu)
        return
    if found.truncated and not found.danger:  # a danger's notice comes before anything else
        await reply_html(update, ui.question_too_long)
    user, chat = update.effective_user, update.effective_chat
    entry = log_entry(
        found,
        telegram_id=user.id if user else None,
        chat_type=chat.type if chat else "",
        source=source,
        now=services.now(),
    )
    services.question_log.add(entry)  # written a moment later: the answer needs no database
    result, index, library = found.result, services.index, services.library
    asks_for_case = index.asks_for_case(found.question)
    if found.danger:  # the notice, the cards that help, staff; no rating, no "换个说法"
        cards = safety_cards(found, library)
        cases = index.search_cases(found.question) if asks_for_case else []
        field = library.cards[cards[0].card_id].category if cards else ""
        markup = choices_keyboard(
            cards, ui, cases=cases, category=field, asked=entry.ref, chat_link=link
        )
        await reply_html(update, answer_html(found, library), markup)
        return
    # Cases (以案释法) when the question asks for one, or when no card answers it.
    wanted = found.card_id is None or asks_for_case
    cases = index.search_cases(found.question) if wanted else []
    if found.card_id is not None:
        card = library.cards[found.card_id]
        markup = card_keyboard(card, library, entry.ref, cases, chat_link=link)
    else:
        shown = result.choices if result.matched else result.suggestions
        field = clear_category(result, library.cards) or ""
        fallback = "" if result.matched else entry.ref
        markup = choices_keyboard(
            shown, ui, fallback, cases, category=field, asked=entry.ref, chat_link=link
        )
    await reply_html(update, answer_html(found, library), markup)


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
    """A card's button; one offered under a question (a suggestion or a choice) also carries
    the question's reference, and the asker's choice is recorded for the content-gaps page."""
    parsed = parse(update.callback_query.data if update.callback_query else None)
    library = ctx.services.library
    args = parsed.args if parsed and len(parsed.args) in (1, 2) else ("",)
    card = library.cards.get(args[0])
    if card is None:
        await acknowledge(update, ctx.services.ui.card_not_found, alert=True)
        return
    await acknowledge(update)
    markup = card_keyboard(card, library, chat_link=group_link(update, ctx))
    await reply_html(update, card_html(card, library), markup)
    user = update.effective_user
    if len(args) == 2 and REF.fullmatch(args[1]) and user is not None:
        await _record_choice(ctx, args[1], user.id, card.id)


async def _record_choice(ctx: PufaContext, ref: str, telegram_id: int, card_id: str) -> None:
    """Only the asker's own choice counts. The card is already shown: with the database
    unreachable the choice is let go (it only helps coordinators label questions)."""
    try:
        await ctx.services.question_log.flush()  # the question may still be waiting
        async with ctx.services.db.session() as session:
            await record_choice(session=session, ref=ref, telegram_id=telegram_id, card_id=card_id)
    except Exception as error:
        if not unavailable(error):
            raise
        log.warning("a card choice was not recorded: the database is unreachable")


async def on_unsolved(update: Update, ctx: PufaContext) -> None:
    parsed = parse(update.callback_query.data if update.callback_query else None)
    ui, user = ctx.services.ui, update.effective_user
    ref = parsed.args[0] if parsed and len(parsed.args) == 1 else ""
    if not REF.fullmatch(ref) or user is None:
        await expired(update, ctx)
        return
    await ctx.services.question_log.flush()  # the question may still be waiting to be written
    async with ctx.services.db.session() as session:
        recorded = await mark_unsolved(session=session, ref=ref, telegram_id=user.id)
        card_id = await asked_card(session=session, ref=ref)
        again = await unsolved_before(session=session, ref=ref)
    if recorded is None:
        await expired(update, ctx)
    elif not recorded:
        await acknowledge(update, ui.feedback_stale)
    else:
        await acknowledge(update)
        card = ctx.services.library.cards.get(card_id or "")
        category = card.category if card is not None else ""
        link = group_link(update, ctx)
        if again:  # a second card in a row did not help: staff, rather than another card
            markup = leave_first_keyboard(ui, category, chat_link=link)
            await reply_html(update, ui.feedback_again, markup)
        else:
            markup = choices_keyboard([], ui, category=category, chat_link=link)
            await reply_html(update, ui.feedback_thanks, markup)
