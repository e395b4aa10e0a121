"""/leave (stop volunteering, reports kept) and /deleteme (erase the person, for anyone,
个人信息保护法), each behind a yes/no confirmation."""

from telegram import InlineKeyboardMarkup, Update

from content.ui_volunteers import VolunteerTexts
from handlers.kit.callbacks import parse
from handlers.kit.context import PufaContext
from handlers.kit.menus import refresh_menu
from handlers.kit.replies import acknowledge, reply_html, user_id
from handlers.kit.roles import require_private, require_volunteer
from handlers.volunteers.profile import VolunteerButton, button
from storage.volunteers import Erasure, erase_person, leave


def _confirm(texts: VolunteerTexts, action: VolunteerButton) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[button(texts.confirm_yes, action, "yes"), button(texts.confirm_no, action, "no")]]
    )


async def on_leave(update: Update, ctx: PufaContext) -> None:
    if await require_private(update, ctx) and await require_volunteer(update, ctx):
        texts = ctx.services.ui.volunteers
        await reply_html(update, texts.leave_confirm, _confirm(texts, VolunteerButton.LEAVE))


async def on_deleteme(update: Update, ctx: PufaContext) -> None:
    if await require_private(update, ctx):
        texts = ctx.services.ui.volunteers
        await reply_html(update, texts.deleteme_confirm, _confirm(texts, VolunteerButton.DELETE))


async def on_confirmed(update: Update, ctx: PufaContext) -> None:
    parsed = parse(update.callback_query.data if update.callback_query else None)
    chosen = parsed.action(VolunteerButton) if parsed else None
    texts = ctx.services.ui.volunteers
    await acknowledge(update)
    if chosen is None or chosen[1] != ("yes",):
        await reply_html(update, texts.kept)
        return
    person, services = user_id(update), ctx.services
    erased: Erasure | None = None
    match chosen[0]:
        case VolunteerButton.LEAVE:
            async with services.db.session() as session:
                done = await leave(session=session, telegram_id=person, now=services.now())
            text = texts.left if done else texts.not_volunteer
        case VolunteerButton.DELETE:
            # What waits to be written about them is written first, so it is erased too.
            await services.question_log.flush()
            await services.people_seen.flush()
            await services.chats.end_all(person)
            async with services.db.session() as session:
                erased = await erase_person(session=session, telegram_id=person)
            text = texts.deleted.format(
                questions=erased.questions, reports=erased.reports_anonymised
            )
        case VolunteerButton.FIELD:  # answered by profile.on_profile_field
            return
    await refresh_menu(ctx.bot, services, person)
    await reply_html(update, text)
    if erased is not None:
        # Told first: withdrawing copies from other chats may take a while, and what it
        # cannot do now is left to the features' periodic checks.
        for withdraw in services.hooks.person_erased:
            await withdraw(ctx, erased)
