"""/leave (stop volunteering, reports kept) and /deleteme (erase the person, for anyone,
个人信息保护法), each behind a yes/no confirmation."""

from telegram import Update

from content.ui_volunteers import VolunteerTexts
from handlers.kit import confirm
from handlers.kit.callbacks import Kind, parse
from handlers.kit.context import PufaContext
from handlers.kit.conversation import expired, keyboard_gone
from handlers.kit.menus import refresh_menu
from handlers.kit.replies import reply_html, user_id
from handlers.kit.roles import require_private, require_volunteer
from handlers.volunteers.profile import VolunteerButton
from storage.models import Role
from storage.volunteers import Erasure, Holdings, erase_person, holdings, leave


async def on_leave(update: Update, ctx: PufaContext) -> None:
    if await require_private(update, ctx) and await require_volunteer(update, ctx):
        texts = ctx.services.ui.volunteers
        await confirm.ask(update, ctx, texts.leave_confirm, Kind.VOLUNTEER, VolunteerButton.LEAVE)


async def on_deleteme(update: Update, ctx: PufaContext) -> None:
    """Asks first, naming what the person has: a resident is not told of volunteer records,
    and is warned when staff have a message of theirs still to answer."""
    if not await require_private(update, ctx):
        return
    services = ctx.services
    await services.question_log.flush()  # what they asked a moment ago counts
    async with services.db.session() as session:
        held = await holdings(session=session, telegram_id=user_id(update))
    question = services.ui.volunteers.deleteme_confirm.format(
        items="\n".join(_held_lines(services.ui.volunteers, held))
    )
    await confirm.ask(update, ctx, question, Kind.VOLUNTEER, VolunteerButton.DELETE)


def _held_lines(texts: VolunteerTexts, held: Holdings) -> list[str]:
    lines = [
        texts.deleteme_questions.format(count=held.questions) if held.questions else "",
        texts.deleteme_tickets.format(count=held.tickets) if held.tickets else "",
        texts.deleteme_profile if held.has_profile else "",
        texts.deleteme_reports.format(count=held.reports) if held.reports else "",
        texts.deleteme_rest,
    ]
    if held.waiting_tickets:
        lines.append(texts.deleteme_waiting.format(count=held.waiting_tickets))
    return [line for line in lines if line]


def deleted_text(texts: VolunteerTexts, erased: Erasure, separator: str) -> str:
    """What /deleteme erased, naming only what there was (no "0 条"): questions and messages
    to staff, then, for a volunteer, the profile and the reports made anonymous."""
    counted = [
        texts.deleted_questions.format(count=erased.questions) if erased.questions else "",
        texts.deleted_tickets.format(count=erased.tickets) if erased.tickets else "",
    ]
    items = separator.join(item for item in counted if item)
    lines = [texts.deleted.format(items=items) if items else texts.deleted_rest]
    volunteer = [
        texts.deleted_volunteer if erased.had_profile else "",
        texts.deleted_reports.format(count=erased.reports_anonymised)
        if erased.reports_anonymised
        else "",
    ]
    if any(volunteer):
        lines.append("".join(volunteer))
    return "\n".join(lines)


async def on_confirmed(update: Update, ctx: PufaContext) -> None:
    """✅ or ❌ under /leave's or /deleteme's question: the first answer counts."""
    parsed = parse(update.callback_query.data if update.callback_query else None)
    chosen = parsed.action(VolunteerButton) if parsed else None
    texts = ctx.services.ui.volunteers
    if chosen is None or chosen[0] is VolunteerButton.FIELD:
        await expired(update, ctx)
        return
    if await confirm.answer(update, ctx, chosen[0], chosen[1]) is None:
        return
    person, services = user_id(update), ctx.services
    erased: Erasure | None = None
    if chosen[0] is VolunteerButton.LEAVE:
        async with services.db.session() as session:
            done = await leave(session=session, telegram_id=person, now=services.now())
        # a report half-way goes too
        shown = await services.chats.end_role(ctx.bot, person, Role.VOLUNTEER)
        text = texts.left if done else texts.not_volunteer
    else:
        # What waits to be written about them is written first, so it is erased too.
        await services.question_log.flush()
        await services.people_seen.flush()
        shown = await services.chats.end_all(ctx.bot, person)
        async with services.db.session() as session:
            erased = await erase_person(session=session, telegram_id=person)
        text = deleted_text(texts, erased, services.ui.list_separator)
    await refresh_menu(ctx.bot, services, person)
    await reply_html(update, text, keyboard_gone(shown))
    if erased is not None:
        # Told first: withdrawing copies from other chats may take a while, and what it
        # cannot do now is left to the features' periodic checks.
        for withdraw in services.hooks.person_erased:
            await withdraw(ctx, erased)
