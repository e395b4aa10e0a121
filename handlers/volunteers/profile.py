"""/profile: a volunteer's own details, with a button per field that reopens the
registration chat for that one answer."""

import html
from datetime import date, tzinfo
from enum import StrEnum

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, ReplyKeyboardRemove, Update

from content.ui_volunteers import VolunteerTexts
from domain.recognition import stars_html
from handlers.kit.callbacks import Kind, make, parse
from handlers.kit.context import PufaContext, Services
from handlers.kit.conversation import Conversation, begin, expired, tidy
from handlers.kit.replies import acknowledge, reply_html, user_id
from handlers.kit.roles import require_private, require_volunteer
from handlers.volunteers.chat import FLOW, ORDER, PLACE, TOWN, show
from storage.models import Volunteer
from storage.reports import own_totals
from storage.volunteers import get_volunteer, update_profile


class VolunteerButton(StrEnum):
    FIELD = "field"  # v:field:<profile field>: correct it
    LEAVE = "leave"  # v:leave:<token>:<y|n>, /leave's question (handlers.kit.confirm)
    DELETE = "delete"  # v:delete:<token>:<y|n>, /deleteme's question


def button(label: str, action: VolunteerButton, *args: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=make(Kind.VOLUNTEER, action, *args))


def profile_html(volunteer: Volunteer, texts: VolunteerTexts, tz: tzinfo) -> str:
    values = {
        "name": volunteer.name,
        "town": volunteer.town,
        "place": volunteer.place or texts.none_value,
        "organisation": volunteer.organisation or texts.none_value,
        "phone": volunteer.phone or texts.none_value,
        "joined": volunteer.joined_at.astimezone(tz).date().isoformat(),
    }
    return texts.profile.format(**{k: html.escape(v) for k, v in values.items()})


def _profile_keyboard(texts: VolunteerTexts) -> InlineKeyboardMarkup:
    fields = [button(texts.profile_fields[f], VolunteerButton.FIELD, f) for f in ORDER]
    return InlineKeyboardMarkup([fields[:3], fields[3:]])


async def show_profile(update: Update, services: Services, volunteer: Volunteer) -> None:
    """The profile as /profile shows it, also after a field is corrected: the details, the
    星级 line from the hours recorded so far, a button per field."""
    texts = services.ui.volunteers
    async with services.db.session() as session:
        recorded = await own_totals(
            session=session,
            volunteer_id=volunteer.telegram_id,
            start=date.min,
            end=services.today(),
        )
    stars = stars_html(services.library.recognition, recorded.hours, services.ui)
    text = "\n\n".join(
        part for part in (profile_html(volunteer, texts, services.tz), stars) if part
    )
    await reply_html(update, text, _profile_keyboard(texts))


async def on_profile(update: Update, ctx: PufaContext) -> None:
    if not await require_private(update, ctx):
        return
    volunteer = await require_volunteer(update, ctx)
    if volunteer is not None:
        await show_profile(update, ctx.services, volunteer)


async def on_profile_field(update: Update, ctx: PufaContext) -> None:
    """A field button under /profile: the registration chat asks for that one answer."""
    parsed = parse(update.callback_query.data if update.callback_query else None)
    field = parsed.args[1] if parsed and len(parsed.args) == 2 else ""
    async with ctx.services.db.session() as session:
        volunteer = await get_volunteer(session=session, telegram_id=user_id(update))
    if volunteer is None or field not in ORDER:
        await expired(update, ctx)
        return
    await acknowledge(update)
    data = {"only": field, TOWN: volunteer.town}
    chat = await begin(update, ctx, FLOW, field, data)
    if chat is not None:
        await show(update, ctx, chat, field)


async def save_profile(update: Update, ctx: PufaContext, chat: Conversation, step: str) -> None:
    fields = [TOWN, PLACE] if chat.data["only"] == TOWN else [step]
    async with ctx.services.db.session() as session:
        for field in fields:
            await update_profile(
                session=session, telegram_id=chat.user_id, field=field, value=chat.data[field]
            )
        await chat.end(update, session)
        volunteer = await get_volunteer(session=session, telegram_id=chat.user_id)
    await tidy(update, chat)
    texts = ctx.services.ui.volunteers
    if volunteer is None:
        await reply_html(update, texts.not_volunteer, ReplyKeyboardRemove())
        return
    await reply_html(update, texts.profile_updated, ReplyKeyboardRemove())
    await show_profile(update, ctx.services, volunteer)
