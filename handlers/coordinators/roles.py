"""/promote and /demote: a coordinator's role given or taken, after a confirmation button.
PUFA_ADMIN_IDS stay coordinators whatever is pressed. A demoted coordinator's open
coordinator chats (a broadcast draft, an edit) end at once."""

import html
from enum import StrEnum

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from handlers.coordinators.common import audit, coordinator_here
from handlers.kit.callbacks import Kind, make, parse
from handlers.kit.context import PufaContext
from handlers.kit.replies import acknowledge, reply_html
from handlers.kit.role_change import announce_role, change_role
from handlers.kit.roles import is_coordinator, require_coordinator
from storage.volunteers import find_person

MAX_TELEGRAM_ID = 2**63 - 1


class RoleButton(StrEnum):
    """k:<action>:<telegram id>:<yes|no>"""

    PROMOTE = "promote"
    DEMOTE = "demote"


async def on_role_command(update: Update, ctx: PufaContext) -> None:
    message = update.effective_message
    command = (message.text or "").split()[0].lstrip("/").split("@")[0] if message else ""
    action = RoleButton.PROMOTE if command == "promote" else RoleButton.DEMOTE
    if not await coordinator_here(update, ctx, action):
        return
    texts = ctx.services.ui.volunteers
    await ctx.services.people_seen.flush()  # someone who wrote a moment ago counts as met
    async with ctx.services.db.session() as session:
        person = await find_person(session=session, ref=" ".join(ctx.args or []))
    if person is None:
        await reply_html(update, texts.person_unknown)
        return
    target, promote = person.telegram_id, action is RoleButton.PROMOTE
    if not promote and target in ctx.services.admin_ids:
        await reply_html(update, texts.demote_admin)
        return
    if promote == await is_coordinator(ctx.services, target):
        await reply_html(update, texts.already_coordinator if promote else texts.not_a_coordinator)
        return
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


def _role_button(label: str, action: RoleButton, target: int, answer: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        label, callback_data=make(Kind.COORDINATOR, action, target, answer)
    )


def _target(args: tuple[str, ...]) -> tuple[int, bool] | None:
    """(telegram id, confirmed) from the button's arguments, or None if forged."""
    if len(args) != 2 or args[1] not in {"yes", "no"}:
        return None
    target = args[0]
    if not (target.isascii() and target.isdigit()) or int(target) > MAX_TELEGRAM_ID:
        return None
    return int(target), args[1] == "yes"


async def on_role_confirmed(update: Update, ctx: PufaContext) -> None:
    parsed = parse(update.callback_query.data if update.callback_query else None)
    chosen = parsed.action(RoleButton) if parsed else None
    if not await require_coordinator(update, ctx, chosen[0] if chosen else "role"):
        return
    pressed = _target(chosen[1]) if chosen else None
    if chosen is None or pressed is None:
        await acknowledge(update, ctx.services.ui.stale_button, alert=True)
        return
    texts, (target, confirmed) = ctx.services.ui.volunteers, pressed
    await acknowledge(update)
    if not confirmed:
        await reply_html(update, texts.kept)
        return
    promote = chosen[0] is RoleButton.PROMOTE
    if not promote and target in ctx.services.admin_ids:
        await reply_html(update, texts.demote_admin)
        return
    known = await change_role(ctx.services, target, promote=promote)
    if not known:
        await reply_html(update, texts.person_unknown)
        return
    await audit(ctx, update, chosen[0], str(target))
    await reply_html(update, (texts.promoted if promote else texts.demoted).format(id=target))
    await announce_role(ctx.services, ctx.bot, target, promote=promote)
