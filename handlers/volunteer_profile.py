"""/profile: a volunteer's own details, with a button per field that reopens the
registration chat for that one answer."""

import html

from telegram import InlineKeyboardMarkup, ReplyKeyboardRemove, Update

from content.ui_volunteers import VolunteerTexts
from handlers import guided
from handlers.context import PufaContext
from handlers.guided import END, Draft, State, volunteer_texts
from handlers.replies import acknowledge, reply_html
from handlers.volunteer_chat import FLOW, ORDER, PLACE, TOWN, button, show
from storage.drafts import delete_draft
from storage.models import Volunteer
from storage.volunteers import get_volunteer, update_profile


def profile_html(volunteer: Volunteer, texts: VolunteerTexts) -> str:
    values = {
        "name": volunteer.name,
        "town": volunteer.town,
        "place": volunteer.place or texts.none_value,
        "organisation": volunteer.organisation or texts.none_value,
        "phone": volunteer.phone or texts.none_value,
        "joined": volunteer.joined_at.date().isoformat(),
    }
    return texts.profile.format(**{k: html.escape(v) for k, v in values.items()})


def _profile_keyboard(texts: VolunteerTexts) -> InlineKeyboardMarkup:
    fields = [button(texts.profile_fields[f], "field", f) for f in ORDER]
    return InlineKeyboardMarkup([fields[:3], fields[3:]])


async def on_profile(update: Update, ctx: PufaContext) -> None:
    texts = volunteer_texts(ctx)
    volunteer = await guided.registered_volunteer(update, ctx)
    if volunteer is None:
        return
    await reply_html(update, profile_html(volunteer, texts), _profile_keyboard(texts))


async def on_profile_field(update: Update, ctx: PufaContext) -> State:
    args = guided.callback_args(update)
    async with ctx.services.db.session() as session:
        volunteer = await get_volunteer(session=session, telegram_id=guided.user_id(update))
    if volunteer is None or len(args) != 2 or args[1] not in ORDER:
        await acknowledge(update, ctx.services.ui.stale_button, alert=True)
        return END
    await acknowledge(update)
    draft = Draft(guided.user_id(update), args[1], {"only": args[1], TOWN: volunteer.town})
    return await show(update, ctx, draft, args[1])


async def save_profile(update: Update, ctx: PufaContext, draft: Draft, step: str) -> State:
    fields = [TOWN, PLACE] if draft.data["only"] == TOWN else [step]
    async with ctx.services.db.session() as session:
        for field in fields:
            await update_profile(
                session=session, telegram_id=draft.user_id, field=field, value=draft.data[field]
            )
        await delete_draft(session=session, flow=FLOW, telegram_id=draft.user_id)
        volunteer = await get_volunteer(session=session, telegram_id=draft.user_id)
    texts = volunteer_texts(ctx)
    if volunteer is None:
        await reply_html(update, texts.not_volunteer, ReplyKeyboardRemove())
        return END
    await reply_html(update, texts.profile_updated, ReplyKeyboardRemove())
    await reply_html(update, profile_html(volunteer, texts), _profile_keyboard(texts))
    return END
