"""Volunteers: registration with an invite (/start join_<code>, /join CODE), /profile with
corrections, /leave, and /deleteme for anyone (个人信息保护法).

Registration is a restart-safe guided chat like /report (flow "register", handlers.drafts).
"""

import html
from collections.abc import Callable, Coroutine
from datetime import datetime, timedelta
from typing import Any

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from content.report_input import (
    InputError,
    parse_name,
    parse_organisation,
    parse_phone,
    parse_place,
)
from content.ui_volunteers import VolunteerTexts
from handlers import callbacks, guided
from handlers.context import PufaApp, PufaContext
from handlers.drafts import conversation
from handlers.guided import Draft
from handlers.menus import refresh_menu
from handlers.replies import Markup, acknowledge, reply_html
from handlers.report_view import explain
from storage.drafts import delete_draft
from storage.models import Volunteer
from storage.volunteers import (
    InviteStatus,
    VolunteerProfile,
    check_invite,
    erase_person,
    get_volunteer,
    leave,
    register_volunteer,
    update_profile,
)

FLOW = "register"
END = ConversationHandler.END
CODE, NAME, TOWN, PLACE, ORG, PHONE = "code", "name", "town", "place", "organisation", "phone"
ORDER = (NAME, TOWN, PLACE, ORG, PHONE)
TEXT = filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND
PARSERS: dict[str, Callable[[str], str]] = {
    NAME: parse_name,
    PLACE: parse_place,
    ORG: parse_organisation,
    PHONE: parse_phone,
}
State = str | int | None


def _texts(ctx: PufaContext) -> VolunteerTexts:
    return ctx.services.ui.volunteers


def button(label: str, *args: str | int) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=callbacks.make(callbacks.VOLUNTEER, *args))


def _prompt(step: str, draft: Draft, ctx: PufaContext) -> tuple[str, Markup]:
    texts, towns = _texts(ctx), ctx.services.library.towns
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
        skip = InlineKeyboardMarkup([[button(_texts(ctx).skip_button, "skip", PHONE)]])
        await reply_html(update, _texts(ctx).join_phone_optional, skip)
    return step


async def _current(update: Update, ctx: PufaContext) -> Draft | None:
    return await guided.current(update, ctx, FLOW, _texts(ctx).join_none)


# --- joining -------------------------------------------------------------------------------


async def on_join_link(update: Update, ctx: PufaContext) -> State:
    return await _start(update, ctx, ctx.args[0] if ctx.args else "")


async def on_join(update: Update, ctx: PufaContext) -> State:
    return await _start(update, ctx, " ".join(ctx.args or []))


async def _start(update: Update, ctx: PufaContext, code: str) -> State:
    texts = _texts(ctx)
    if update.effective_chat is None or update.effective_chat.type != "private":
        await reply_html(update, texts.private_only)
        return END
    async with ctx.services.db.session() as session:
        volunteer = await get_volunteer(session=session, telegram_id=guided.user_id(update))
    if volunteer is not None:
        await reply_html(update, texts.already_volunteer)
        return END
    draft = Draft(guided.user_id(update), CODE, {})
    if not code.strip():
        return await show(update, ctx, draft, CODE)
    return await _use_code(update, ctx, draft, code) or END


async def _use_code(update: Update, ctx: PufaContext, draft: Draft, code: str) -> State:
    """Check the code; on success the next question, else an explanation and None."""
    texts = _texts(ctx)
    async with ctx.services.db.session() as session:
        status, invite = await check_invite(session=session, code=code)
    if status is not InviteStatus.OK or invite is None:
        await reply_html(update, getattr(texts.invite_problems, status.value))
        return None
    draft.data = {"code": invite.code, TOWN: invite.town, ORG: invite.organisation}
    draft.data["fixed"] = [f for f in (TOWN, ORG) if draft.data[f]]
    return await show(update, ctx, draft, NAME, texts.join_welcome)


async def on_code(update: Update, ctx: PufaContext) -> State:
    draft = await _current(update, ctx)
    message = update.effective_message
    if draft is None or message is None or message.text is None:
        return END
    return await _use_code(update, ctx, draft, message.text) or CODE


# --- the steps -----------------------------------------------------------------------------


def _typed(step: str) -> Callable[[Update, PufaContext], Coroutine[Any, Any, State]]:
    async def handle(update: Update, ctx: PufaContext) -> State:
        message = update.effective_message
        assert message is not None and message.text is not None
        try:
            value = PARSERS[step](message.text)
        except InputError as problem:
            await reply_html(update, explain(_texts(ctx), problem.problem, 0))
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
        await reply_html(update, explain(_texts(ctx), problem.problem, 0))
        return TOWN
    return await _answered(update, ctx, TOWN, value)


async def on_choice(update: Update, ctx: PufaContext) -> State:
    """A town or place button: the index into content/towns.yaml."""
    args, towns = guided.callback_args(update), ctx.services.library.towns
    draft = await _current(update, ctx)
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
    draft = await _current(update, ctx)
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
        await reply_html(update, _texts(ctx).phone_not_own)
        return PHONE
    try:
        phone = parse_phone(contact.phone_number)
    except InputError as problem:
        await reply_html(update, explain(_texts(ctx), problem.problem, 0))
        return PHONE
    return await _answered(update, ctx, PHONE, phone)


async def _answered(update: Update, ctx: PufaContext, step: str, value: str) -> State:
    draft = await _current(update, ctx)
    if draft is None:
        return END
    draft.data[step] = value
    if draft.data.get("only"):
        if step == TOWN:  # places belong to a town: ask again
            return await show(update, ctx, draft, PLACE)
        return await _save_profile(update, ctx, draft, step)
    later = [s for s in ORDER[ORDER.index(step) + 1 :] if s not in draft.data.get("fixed", [])]
    if later:
        return await show(update, ctx, draft, later[0])
    return await _register(update, ctx, draft)


async def _register(update: Update, ctx: PufaContext, draft: Draft) -> State:
    texts, data = _texts(ctx), draft.data
    profile = VolunteerProfile(
        name=data[NAME],
        town=data.get(TOWN, ""),
        place=data.get(PLACE, ""),
        organisation=data.get(ORG, ""),
        phone=data.get(PHONE, ""),
    )
    async with ctx.services.db.session() as session:
        status = await register_volunteer(
            session=session, telegram_id=draft.user_id, code=data["code"], profile=profile
        )
        await delete_draft(session=session, flow=FLOW, telegram_id=draft.user_id)
    if status is not InviteStatus.OK:
        await reply_html(
            update, getattr(texts.invite_problems, status.value), ReplyKeyboardRemove()
        )
        return END
    name, town = html.escape(profile.name), html.escape(profile.town)
    await reply_html(update, texts.registered.format(name=name, town=town), ReplyKeyboardRemove())
    await refresh_menu(ctx.bot, ctx.services, draft.user_id)
    return END


# --- /profile, corrections -----------------------------------------------------------------


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
    texts = _texts(ctx)
    async with ctx.services.db.session() as session:
        volunteer = await get_volunteer(session=session, telegram_id=guided.user_id(update))
    if volunteer is None:
        await reply_html(update, texts.not_volunteer)
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


async def _save_profile(update: Update, ctx: PufaContext, draft: Draft, step: str) -> State:
    fields = [TOWN, PLACE] if draft.data["only"] == TOWN else [step]
    async with ctx.services.db.session() as session:
        for field in fields:
            await update_profile(
                session=session, telegram_id=draft.user_id, field=field, value=draft.data[field]
            )
        await delete_draft(session=session, flow=FLOW, telegram_id=draft.user_id)
        volunteer = await get_volunteer(session=session, telegram_id=draft.user_id)
    texts = _texts(ctx)
    if volunteer is None:
        await reply_html(update, texts.not_volunteer, ReplyKeyboardRemove())
        return END
    await reply_html(update, texts.profile_updated, ReplyKeyboardRemove())
    await reply_html(update, profile_html(volunteer, texts), _profile_keyboard(texts))
    return END


# --- leaving the conversation --------------------------------------------------------------


async def on_wrong_input(update: Update, ctx: PufaContext) -> State:
    draft = await _current(update, ctx)
    if draft is None:
        return END
    return await show(update, ctx, draft, draft.step, _texts(ctx).report_wrong_input)


async def on_cancel(update: Update, ctx: PufaContext) -> State:
    async with ctx.services.db.session() as session:
        await delete_draft(session=session, flow=FLOW, telegram_id=guided.user_id(update))
    await reply_html(update, _texts(ctx).join_cancelled, ReplyKeyboardRemove())
    return END


async def on_timeout(update: object, ctx: PufaContext) -> None:
    if isinstance(update, Update) and update.effective_user is not None:
        async with ctx.services.db.session() as session:
            await delete_draft(session=session, flow=FLOW, telegram_id=update.effective_user.id)


# --- /leave and /deleteme ------------------------------------------------------------------


def _confirm(texts: VolunteerTexts, action: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[button(texts.confirm_yes, action, "yes"), button(texts.confirm_no, action, "no")]]
    )


async def on_leave(update: Update, ctx: PufaContext) -> None:
    texts = _texts(ctx)
    async with ctx.services.db.session() as session:
        volunteer = await get_volunteer(session=session, telegram_id=guided.user_id(update))
    if volunteer is None:
        await reply_html(update, texts.not_volunteer)
        return
    await reply_html(update, texts.leave_confirm, _confirm(texts, "leave"))


async def on_deleteme(update: Update, ctx: PufaContext) -> None:
    texts = _texts(ctx)
    await reply_html(update, texts.deleteme_confirm, _confirm(texts, "delete"))


async def on_confirmed(update: Update, ctx: PufaContext) -> None:
    args, texts = guided.callback_args(update), _texts(ctx)
    await acknowledge(update)
    if len(args) != 2 or args[1] != "yes":
        await reply_html(update, texts.kept)
        return
    user_id = guided.user_id(update)
    async with ctx.services.db.session() as session:
        if args[0] == "leave":
            done = await leave(
                session=session, telegram_id=user_id, now=datetime.now(ctx.services.tz)
            )
            text = texts.left if done else texts.not_volunteer
        else:
            erased = await erase_person(session=session, telegram_id=user_id)
            text = texts.deleted.format(
                questions=erased.questions, reports=erased.reports_anonymised
            )
    if args[0] == "delete":
        ctx.services.last_touch.pop(user_id, None)
    await refresh_menu(ctx.bot, ctx.services, user_id)
    await reply_html(update, text)


def build(timeout: timedelta) -> ConversationHandler[PufaContext]:
    def on(action: str, callback: Any) -> CallbackQueryHandler[PufaContext, State]:
        return CallbackQueryHandler(
            callback, pattern=callbacks.pattern(callbacks.VOLUNTEER, action)
        )

    return conversation(
        name=FLOW,
        entry_points=[
            CommandHandler("start", on_join_link, filters.Regex(r"^/start join_")),
            CommandHandler("join", on_join),
            on("field", on_profile_field),
        ],
        states={
            CODE: [MessageHandler(TEXT, on_code)],
            NAME: [MessageHandler(TEXT, _typed(NAME))],
            TOWN: [MessageHandler(TEXT, on_town_text)],
            PLACE: [MessageHandler(TEXT, _typed(PLACE))],
            ORG: [MessageHandler(TEXT, _typed(ORG))],
            PHONE: [
                MessageHandler(TEXT, _typed(PHONE)),
                MessageHandler(filters.CONTACT, on_contact),
            ],
            ConversationHandler.TIMEOUT: [TypeHandler(Update, on_timeout)],
        },
        fallbacks=[
            CommandHandler("cancel", on_cancel),
            # Buttons check the draft's step themselves, so an old keyboard does no harm.
            on(TOWN, on_choice),
            on(PLACE, on_choice),
            on("skip", on_skip),
            MessageHandler(filters.UpdateType.MESSAGE & ~filters.COMMAND, on_wrong_input),
        ],
        conversation_timeout=timeout,
        allow_reentry=True,  # a new code or link while registering starts over
    )


def register(app: PufaApp) -> None:
    """Before start: `/start join_<code>` opens the registration, other payloads do not."""
    timeout = timedelta(minutes=app.bot_data["services"].volunteering.timeout_minutes)

    def confirmed(action: str) -> CallbackQueryHandler[PufaContext, None]:
        return CallbackQueryHandler(
            on_confirmed, pattern=callbacks.pattern(callbacks.VOLUNTEER, action)
        )

    app.add_handlers(
        [
            build(timeout),
            CommandHandler("profile", on_profile),
            CommandHandler("leave", on_leave),
            CommandHandler("deleteme", on_deleteme),
            confirmed("leave"),
            confirmed("delete"),
        ]
    )
