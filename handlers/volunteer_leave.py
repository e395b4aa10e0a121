"""/leave (stop volunteering, reports kept) and /deleteme (erase the person, for anyone,
个人信息保护法), each behind a yes/no confirmation."""

from telegram import InlineKeyboardMarkup, Update

from content.ui_volunteers import VolunteerTexts
from handlers import guided
from handlers.context import PufaContext
from handlers.guided import volunteer_texts
from handlers.menus import refresh_menu
from handlers.replies import acknowledge, reply_html
from handlers.volunteer_chat import button
from storage.volunteers import erase_person, leave


def _confirm(texts: VolunteerTexts, action: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[button(texts.confirm_yes, action, "yes"), button(texts.confirm_no, action, "no")]]
    )


async def on_leave(update: Update, ctx: PufaContext) -> None:
    texts = volunteer_texts(ctx)
    if await guided.registered_volunteer(update, ctx) is None:
        return
    await reply_html(update, texts.leave_confirm, _confirm(texts, "leave"))


async def on_deleteme(update: Update, ctx: PufaContext) -> None:
    texts = volunteer_texts(ctx)
    await reply_html(update, texts.deleteme_confirm, _confirm(texts, "delete"))


async def on_confirmed(update: Update, ctx: PufaContext) -> None:
    args, texts = guided.callback_args(update), volunteer_texts(ctx)
    await acknowledge(update)
    if len(args) != 2 or args[1] != "yes":
        await reply_html(update, texts.kept)
        return
    user_id = guided.user_id(update)
    async with ctx.services.db.session() as session:
        if args[0] == "leave":
            done = await leave(session=session, telegram_id=user_id, now=ctx.services.now())
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
