"""The answers to the registration chat's questions (typed, a town or place button, skip, a
shared contact), whether joining or correcting one /profile field."""

import html
from collections.abc import Callable

from telegram import Update

from content.place_names import named
from content.report_input import (
    InputError,
    normalise,
    parse_name,
    parse_organisation,
    parse_phone,
    parse_place,
)
from handlers.kit.context import PufaContext
from handlers.kit.conversation import Conversation, OnMessage, picked, pressed
from handlers.kit.replies import reply_html
from handlers.volunteers.chat import NAME, ORDER, ORG, PHONE, PLACE, TOWN, show
from handlers.volunteers.join import finish_registration
from handlers.volunteers.profile import save_profile

PARSERS: dict[str, Callable[[str], str]] = {
    NAME: parse_name,
    PLACE: parse_place,
    ORG: parse_organisation,
    PHONE: parse_phone,
}


def typed(step: str) -> OnMessage:
    async def handle(update: Update, ctx: PufaContext, chat: Conversation) -> None:
        message = update.effective_message
        assert message is not None and message.text is not None
        try:
            value = PARSERS[step](message.text)
        except InputError as problem:
            await reply_html(update, ctx.services.ui.volunteers.explain(problem.problem))
            return
        await _answered(update, ctx, chat, step, value)

    return handle


async def on_town_text(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    """A typed town: the one listed town it names (as the adviser lookup reads typed towns),
    else the buttons again saying why; any town when no list is configured."""
    message = update.effective_message
    assert message is not None and message.text is not None
    towns = [t.town for t in ctx.services.library.towns]
    texts = ctx.services.ui.volunteers
    if not towns:
        try:
            value = parse_place(message.text)
        except InputError as problem:
            await reply_html(update, texts.explain(problem.problem))
            return
        await _answered(update, ctx, chat, TOWN, value)
        return
    matches = named(message.text, towns)
    if len(matches) == 1:
        await _answered(update, ctx, chat, TOWN, matches[0])
        return
    said = html.escape(normalise(message.text)[:30])
    why = texts.join_town_several if matches else texts.join_town_unknown
    await show(update, ctx, chat, TOWN, why.format(typed=said))


async def on_town(
    update: Update, ctx: PufaContext, chat: Conversation, args: tuple[str, ...]
) -> None:
    """A town button: its index into content/towns.yaml (0-based)."""
    town = await picked(update, ctx, args, ctx.services.library.towns)
    if town is not None:
        await _answered(update, ctx, chat, TOWN, town.town)


async def on_place(
    update: Update, ctx: PufaContext, chat: Conversation, args: tuple[str, ...]
) -> None:
    """A place button: its index into the chosen town's places."""
    towns = ctx.services.library.towns
    places = next((t.places for t in towns if t.town == chat.data.get(TOWN)), [])
    place = await picked(update, ctx, args, places)
    if place is not None:
        await _answered(update, ctx, chat, PLACE, place)


async def on_skip(
    update: Update, ctx: PufaContext, chat: Conversation, args: tuple[str, ...]
) -> None:
    """跳过 (the organisation, the phone); forged with arguments, it is an expired button."""
    if await pressed(update, ctx, args):
        await _answered(update, ctx, chat, chat.step, "")


async def on_contact(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    texts = ctx.services.ui.volunteers
    contact = update.effective_message.contact if update.effective_message else None
    if contact is None or contact.user_id != chat.user_id:
        await reply_html(update, texts.phone_not_own)
        return
    try:
        phone = parse_phone(contact.phone_number)
    except InputError as problem:
        await reply_html(update, texts.explain(problem.problem))
        return
    await _answered(update, ctx, chat, PHONE, phone)


async def _answered(
    update: Update, ctx: PufaContext, chat: Conversation, step: str, value: str
) -> None:
    chat.data[step] = value
    if chat.data.get("only"):
        if step == TOWN:  # places belong to a town: ask again
            await show(update, ctx, chat, PLACE)
        else:
            await save_profile(update, ctx, chat, step)
        return
    later = [s for s in ORDER[ORDER.index(step) + 1 :] if s not in chat.data.get("fixed", [])]
    if later:
        await show(update, ctx, chat, later[0])
    else:
        await finish_registration(update, ctx, chat)
