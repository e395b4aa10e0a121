"""The answers to the registration chat's questions (typed, a town or place button, skip, a
shared contact), whether joining or correcting one /profile field."""

from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update

from content.report_input import (
    InputError,
    parse_name,
    parse_organisation,
    parse_phone,
    parse_place,
)
from handlers import guided
from handlers.context import PufaContext
from handlers.guided import END, State, volunteer_texts
from handlers.replies import acknowledge, reply_html
from handlers.report_view import explain
from handlers.volunteer_chat import (
    NAME,
    ORDER,
    ORG,
    PHONE,
    PLACE,
    TOWN,
    current_draft,
    on_wrong_input,
    show,
)
from handlers.volunteer_join import finish_registration
from handlers.volunteer_profile import save_profile

PARSERS: dict[str, Callable[[str], str]] = {
    NAME: parse_name,
    PLACE: parse_place,
    ORG: parse_organisation,
    PHONE: parse_phone,
}


def typed(step: str) -> Callable[[Update, PufaContext], Coroutine[Any, Any, State]]:
    async def handle(update: Update, ctx: PufaContext) -> State:
        message = update.effective_message
        assert message is not None and message.text is not None
        try:
            value = PARSERS[step](message.text)
        except InputError as problem:
            await reply_html(update, explain(volunteer_texts(ctx), problem.problem, 0))
            return step
        return await _answered(update, ctx, step, value)

    return handle


async def on_town_text(update: Update, ctx: PufaContext) -> State:
    """Typing a town works when no list is configured, or when it names a listed town."""
    message = update.effective_message
    assert message is not None and message.text is not None
    towns = [t.town for t in ctx.services.library.towns]
    text = message.text.strip()
    if towns and text not in towns:
        return await on_wrong_input(update, ctx)
    try:
        value = text if towns else parse_place(text)
    except InputError as problem:
        await reply_html(update, explain(volunteer_texts(ctx), problem.problem, 0))
        return TOWN
    return await _answered(update, ctx, TOWN, value)


async def on_choice(update: Update, ctx: PufaContext) -> State:
    """A town or place button: the index into content/towns.yaml."""
    args, towns = guided.callback_args(update), ctx.services.library.towns
    draft = await current_draft(update, ctx)
    if draft is None:
        return END
    index = int(args[1]) if len(args) == 2 and args[1].isdigit() else -1
    if args[:1] == (TOWN,) and draft.step == TOWN and 0 <= index < len(towns):
        await acknowledge(update)
        return await _answered(update, ctx, TOWN, towns[index].town)
    places = next((t.places for t in towns if t.town == draft.data.get(TOWN)), [])
    if args[:1] == (PLACE,) and draft.step == PLACE and 0 <= index < len(places):
        await acknowledge(update)
        return await _answered(update, ctx, PLACE, places[index])
    await acknowledge(update, ctx.services.ui.stale_button)
    return None


async def on_skip(update: Update, ctx: PufaContext) -> State:
    args = guided.callback_args(update)
    draft = await current_draft(update, ctx)
    if draft is None:
        return END
    if len(args) != 2 or args[1] != draft.step or args[1] not in {ORG, PHONE}:
        await acknowledge(update, ctx.services.ui.stale_button)
        return None
    await acknowledge(update)
    return await _answered(update, ctx, args[1], "")


async def on_contact(update: Update, ctx: PufaContext) -> State:
    contact = update.effective_message.contact if update.effective_message else None
    if contact is None or contact.user_id != guided.user_id(update):
        await reply_html(update, volunteer_texts(ctx).phone_not_own)
        return PHONE
    try:
        phone = parse_phone(contact.phone_number)
    except InputError as problem:
        await reply_html(update, explain(volunteer_texts(ctx), problem.problem, 0))
        return PHONE
    return await _answered(update, ctx, PHONE, phone)


async def _answered(update: Update, ctx: PufaContext, step: str, value: str) -> State:
    draft = await current_draft(update, ctx)
    if draft is None:
        return END
    draft.data[step] = value
    if draft.data.get("only"):
        if step == TOWN:  # places belong to a town: ask again
            return await show(update, ctx, draft, PLACE)
        return await save_profile(update, ctx, draft, step)
    later = [s for s in ORDER[ORDER.index(step) + 1 :] if s not in draft.data.get("fixed", [])]
    if later:
        return await show(update, ctx, draft, later[0])
    return await finish_registration(update, ctx, draft)
