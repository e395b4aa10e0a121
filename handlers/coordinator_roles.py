"""/promote and /demote: a coordinator's role given or taken, after a confirmation button.
PUFA_ADMIN_IDS stay coordinators whatever is pressed."""

import contextlib
import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError

from handlers import callbacks
from handlers.context import PufaContext
from handlers.coordinator_common import audit
from handlers.guided import volunteer_texts
from handlers.menus import refresh_menu
from handlers.replies import acknowledge, reply_html
from handlers.roles import is_coordinator, require_coordinator
from storage.volunteers import find_person, set_coordinator


async def on_role_command(update: Update, ctx: PufaContext) -> None:
    message = update.effective_message
    command = (message.text or "").split()[0].lstrip("/").split("@")[0] if message else ""
    promote = command == "promote"
    if not await require_coordinator(update, ctx, command):
        return
    texts = volunteer_texts(ctx)
    async with ctx.services.db.session() as session:
        person = await find_person(session=session, ref=" ".join(ctx.args or []))
    if person is None:
        await reply_html(update, texts.person_unknown)
        return
    target = person.telegram_id
    if not promote and target in ctx.services.admin_ids:
        await reply_html(update, texts.demote_admin)
        return
    if promote == await is_coordinator(ctx.services, target):
        await reply_html(update, texts.already_coordinator if promote else texts.not_a_coordinator)
        return
    action = "promote" if promote else "demote"
    question = texts.promote_confirm if promote else texts.demote_confirm
    keyboard = InlineKeyboardMarkup(
        [
            [
                _role_button(texts.confirm_yes, action, target, "yes"),
                _role_button(texts.confirm_no, action, target, "no"),
            ]
        ]
    )
    name = html.escape(person.name or str(target))
    await reply_html(update, question.format(name=name, id=target), keyboard)


def _role_button(label: str, action: str, target: int, answer: str) -> InlineKeyboardButton:
    data = callbacks.make(callbacks.COORDINATOR, action, target, answer)
    return InlineKeyboardButton(label, callback_data=data)


async def on_role_confirmed(update: Update, ctx: PufaContext) -> None:
    parsed = callbacks.parse(update.callback_query.data if update.callback_query else None)
    args = parsed.args if parsed is not None else ()
    action = args[0] if args and args[0] in {"promote", "demote"} else "role"
    if not await require_coordinator(update, ctx, action):
        return
    texts = volunteer_texts(ctx)
    if len(args) != 3 or action == "role" or not args[1].isdigit() or args[2] not in {"yes", "no"}:
        await acknowledge(update, ctx.services.ui.stale_button, alert=True)
        return
    await acknowledge(update)
    if args[2] == "no":
        await reply_html(update, texts.kept)
        return
    target, promote = int(args[1]), action == "promote"
    if not promote and target in ctx.services.admin_ids:
        await reply_html(update, texts.demote_admin)
        return
    async with ctx.services.db.session() as session:
        known = await set_coordinator(session=session, telegram_id=target, promote=promote)
    if not known:
        await reply_html(update, texts.person_unknown)
        return
    await audit(ctx, update, action, str(target))
    await reply_html(update, (texts.promoted if promote else texts.demoted).format(id=target))
    await refresh_menu(ctx.bot, ctx.services, target)
    # They may never have opened a private chat with the bot.
    with contextlib.suppress(TelegramError):
        await ctx.bot.send_message(
            target, texts.you_are_promoted if promote else texts.you_are_demoted
        )
