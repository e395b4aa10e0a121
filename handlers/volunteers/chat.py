"""The registration chat (joining with an invite, or correcting one /profile field): its steps,
each step's question, and what every step shares."""

from enum import StrEnum

from telegram import (
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)

from handlers.kit.context import PufaContext
from handlers.kit.conversation import Conversation, ask, ask_with_keyboard
from handlers.kit.replies import Markup, reply_html

FLOW = "register"
CODE, NAME, TOWN, PLACE, ORG, PHONE = "code", "name", "town", "place", "organisation", "phone"
ORDER = (NAME, TOWN, PLACE, ORG, PHONE)


class JoinButton(StrEnum):
    TOWN = "town"  # j:<token>:town:<index in towns.yaml>
    PLACE = "place"  # j:<token>:place:<index in the town's places>
    SKIP = "skip"  # j:<token>:skip


def _prompt(ctx: PufaContext, chat: Conversation, step: str) -> tuple[str, Markup]:
    """The question of every step but the phone's (`show`)."""
    texts, towns = ctx.services.ui.volunteers, ctx.services.library.towns
    if step == CODE:
        return texts.join_ask_code, None
    if step == NAME:
        return texts.join_ask_name, ReplyKeyboardRemove()
    if step == TOWN:
        buttons = [[chat.button(t.town, JoinButton.TOWN, i)] for i, t in enumerate(towns)]
        return texts.join_ask_town, InlineKeyboardMarkup(buttons) if buttons else None
    if step == PLACE:
        places = next((t.places for t in towns if t.town == chat.data.get(TOWN)), [])
        buttons = [[chat.button(p, JoinButton.PLACE, i)] for i, p in enumerate(places)]
        return texts.join_ask_place, InlineKeyboardMarkup(buttons) if buttons else None
    return texts.join_ask_organisation, _skip(ctx, chat)


def _skip(ctx: PufaContext, chat: Conversation) -> InlineKeyboardMarkup:
    label = ctx.services.ui.volunteers.skip_button
    return InlineKeyboardMarkup([[chat.button(label, JoinButton.SKIP)]])


def _phone_keyboard(ctx: PufaContext) -> ReplyKeyboardMarkup:
    share = KeyboardButton(ctx.services.ui.volunteers.share_phone_button, request_contact=True)
    return ReplyKeyboardMarkup([[share]], resize_keyboard=True, one_time_keyboard=True)


async def show(
    update: Update, ctx: PufaContext, chat: Conversation, step: str, intro: str = ""
) -> None:
    """Moves the chat to `step` (stored first, so a restart resumes there) and asks it (the
    question asked before loses its buttons: `ask`). The phone is asked with a reply keyboard
    (share my number) and a 跳过 button: two messages (`ask_with_keyboard`)."""
    await chat.goto(step)
    texts = ctx.services.ui.volunteers
    if step != PHONE:
        text, markup = _prompt(ctx, chat, step)
        await ask(update, chat, f"{intro}\n\n{text}" if intro else text, markup)
        return
    text = f"{intro}\n\n{texts.join_ask_phone}" if intro else texts.join_ask_phone
    await ask_with_keyboard(
        update, chat, (text, _phone_keyboard(ctx)), (texts.join_phone_optional, _skip(ctx, chat))
    )


async def on_wrong_input(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    await show(update, ctx, chat, chat.step, ctx.services.ui.volunteers.report_wrong_input)


def answered(chat: Conversation) -> int:
    """The answers given: a registration's, less those its invite fixed; a /profile
    correction's one, once past its step (a town, while its place is asked)."""
    if only := chat.data.get("only"):
        return int(chat.step != only)
    fixed = chat.data.get("fixed", [])
    return sum(1 for step in ORDER if chat.data.get(step) and step not in fixed)


async def resume(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    await show(update, ctx, chat, chat.step)


async def on_cancelled(update: Update, ctx: PufaContext, _chat: Conversation) -> None:
    await reply_html(update, ctx.services.ui.volunteers.join_cancelled, ReplyKeyboardRemove())
