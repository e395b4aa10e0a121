"""以案释法: a case card opened from a topic card, a question or the weekly push; /cases; the
weekly case subscription (一周一案, in a private chat)."""

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from content.case_library import Case
from content.loader import Library
from domain.cases import case_html
from handlers.kit.callbacks import Kind, make, parse
from handlers.kit.cases import CaseAction, case_button
from handlers.kit.context import PufaContext
from handlers.kit.conversation import expired
from handlers.kit.delivery import not_modified
from handlers.kit.replies import acknowledge, reply_html
from handlers.kit.roles import in_private
from storage.subscriptions import ensure_recipient, has_weekly_case, toggle_weekly_case


def subscription_button(library: Library, subscribed: bool) -> InlineKeyboardButton:
    texts = library.ui.engagement
    if subscribed:
        label, action = texts.case_unsubscribe_button, CaseAction.UNSUBSCRIBE
    else:
        label, action = texts.case_subscribe_button, CaseAction.SUBSCRIBE
    return InlineKeyboardButton(label, callback_data=make(Kind.CASE, action))


def case_keyboard(case: Case, library: Library, subscribed: bool | None) -> InlineKeyboardMarkup:
    """The topic cards the case illustrates, another case on the same topic, and (in a
    private chat, `subscribed` not None) the weekly case switch."""
    texts = library.ui.engagement
    rows = [
        [
            InlineKeyboardButton(
                texts.case_card_button.format(title=library.cards[card_id].title),
                callback_data=make(Kind.CARD, card_id),
            )
        ]
        for card_id in case.cards
        if card_id in library.cards
    ]
    siblings = [c for c in library.cases_for(case.cards[0]) if c.id != case.id]
    if siblings:
        rows.append([case_button(texts.case_next_button, siblings[0].id)])
    if subscribed is not None:
        rows.append([subscription_button(library, subscribed)])
    return InlineKeyboardMarkup(rows)


async def _subscribed(ctx: PufaContext, update: Update) -> bool | None:
    if not in_private(update) or update.effective_chat is None:
        return None
    async with ctx.services.db.session() as session:
        return await has_weekly_case(session=session, chat_id=update.effective_chat.id)


async def on_cases_command(update: Update, ctx: PufaContext) -> None:
    library = ctx.services.library
    subscribed = await _subscribed(ctx, update)
    markup = None
    if subscribed is not None:
        markup = InlineKeyboardMarkup([[subscription_button(library, subscribed)]])
    await reply_html(update, library.ui.engagement.cases_intro, markup)


async def on_case_button(update: Update, ctx: PufaContext) -> None:
    parsed = parse(update.callback_query.data if update.callback_query else None)
    chosen = parsed.action(CaseAction) if parsed else None
    library, ui = ctx.services.library, ctx.services.ui
    if chosen is None:
        await expired(update, ctx)
        return
    action, rest = chosen
    if action is CaseAction.SHOW:
        case = library.cases.get(rest[0]) if len(rest) == 1 else None
        if case is None:
            await expired(update, ctx)
            return
        await acknowledge(update)
        subscribed = await _subscribed(ctx, update)
        await reply_html(update, case_html(case, ui), case_keyboard(case, library, subscribed))
        return
    if rest:
        await expired(update, ctx)
        return
    await _switch(update, ctx, on=action is CaseAction.SUBSCRIBE)


async def _switch(update: Update, ctx: PufaContext, *, on: bool) -> None:
    """Subscribes or unsubscribes this private chat, then shows the switch the other way."""
    texts, chat, query = ctx.services.ui.engagement, update.effective_chat, update.callback_query
    if not in_private(update) or chat is None or query is None:
        await acknowledge(update, texts.case_groups_private, alert=True)
        return
    async with ctx.services.db.session() as session:
        if on:
            await ensure_recipient(session=session, chat_id=chat.id, now=ctx.services.now())
        await toggle_weekly_case(session=session, chat_id=chat.id, on=on)
    await acknowledge(update, texts.case_subscribed if on else texts.case_unsubscribed)
    markup = query.message.reply_markup if isinstance(query.message, Message) else None
    if markup is None:
        return
    switched = subscription_button(ctx.services.library, on)
    rows = [
        [switched if _is_switch(button) else button for button in row]
        for row in markup.inline_keyboard
    ]
    try:
        await query.edit_message_reply_markup(InlineKeyboardMarkup(rows))
    except BadRequest as exc:
        if not not_modified(exc):  # a double press
            raise


def _is_switch(button: InlineKeyboardButton) -> bool:
    parsed = parse(button.callback_data if isinstance(button.callback_data, str) else None)
    return (
        parsed is not None
        and parsed.kind == Kind.CASE
        and parsed.action(CaseAction) is not None
        and parsed.args[0] != CaseAction.SHOW
    )
