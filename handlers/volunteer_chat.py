"""What every step of the registration chat (flow "register": joining, or correcting one
/profile field) shares: the steps, each step's question, and leaving the chat."""

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)

from handlers import callbacks, guided
from handlers.context import PufaContext
from handlers.guided import END, Draft, State, volunteer_texts
from handlers.replies import Markup, reply_html
from storage.drafts import delete_draft

FLOW = "register"
CODE, NAME, TOWN, PLACE, ORG, PHONE = "code", "name", "town", "place", "organisation", "phone"
ORDER = (NAME, TOWN, PLACE, ORG, PHONE)


def button(label: str, *args: str | int) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=callbacks.make(callbacks.VOLUNTEER, *args))


def _prompt(step: str, draft: Draft, ctx: PufaContext) -> tuple[str, Markup]:
    texts, towns = volunteer_texts(ctx), ctx.services.library.towns
    skip = InlineKeyboardMarkup([[button(texts.skip_button, "skip", step)]])
    if step == CODE:
        return texts.join_ask_code, None
    if step == NAME:
        return texts.join_ask_name, ReplyKeyboardRemove()
    if step == TOWN:
        buttons = [[button(t.town, "town", i)] for i, t in enumerate(towns)]
        return texts.join_ask_town, InlineKeyboardMarkup(buttons) if buttons else None
    if step == PLACE:
        places = next((t.places for t in towns if t.town == draft.data.get(TOWN)), [])
        buttons = [[button(p, "place", i)] for i, p in enumerate(places)]
        return texts.join_ask_place, InlineKeyboardMarkup(buttons) if buttons else None
    if step == ORG:
        return texts.join_ask_organisation, skip
    share = KeyboardButton(texts.share_phone_button, request_contact=True)
    return texts.join_ask_phone, ReplyKeyboardMarkup(
        [[share]], resize_keyboard=True, one_time_keyboard=True
    )


async def show(update: Update, ctx: PufaContext, draft: Draft, step: str, intro: str = "") -> str:
    await guided.save(ctx, FLOW, draft, step)
    text, markup = _prompt(step, draft, ctx)
    await reply_html(update, f"{intro}\n\n{text}" if intro else text, markup)
    if step == PHONE:  # a reply keyboard (share my number) and a skip button need two messages
        texts = volunteer_texts(ctx)
        skip = InlineKeyboardMarkup([[button(texts.skip_button, "skip", PHONE)]])
        await reply_html(update, texts.join_phone_optional, skip)
    return step


async def current_draft(update: Update, ctx: PufaContext) -> Draft | None:
    return await guided.current(update, ctx, FLOW, volunteer_texts(ctx).join_none)


async def on_wrong_input(update: Update, ctx: PufaContext) -> State:
    draft = await current_draft(update, ctx)
    if draft is None:
        return END
    return await show(update, ctx, draft, draft.step, volunteer_texts(ctx).report_wrong_input)


async def on_cancel(update: Update, ctx: PufaContext) -> State:
    async with ctx.services.db.session() as session:
        await delete_draft(session=session, flow=FLOW, telegram_id=guided.user_id(update))
    await reply_html(update, volunteer_texts(ctx).join_cancelled, ReplyKeyboardRemove())
    return END


async def on_timeout(update: object, ctx: PufaContext) -> None:
    if isinstance(update, Update) and update.effective_user is not None:
        async with ctx.services.db.session() as session:
            await delete_draft(session=session, flow=FLOW, telegram_id=update.effective_user.id)
