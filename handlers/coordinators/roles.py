"""/promote and /demote: a coordinator's role given or taken, after a confirmation button.
PUFA_ADMIN_IDS stay coordinators whatever is pressed. A demoted coordinator's open
coordinator chats (a broadcast draft, an edit) end at once."""

import html
from enum import StrEnum

from telegram import Update

from handlers.coordinators.common import audit, coordinator_here
from handlers.kit import confirm
from handlers.kit.callbacks import Kind, parse
from handlers.kit.context import PufaContext
from handlers.kit.conversation import expired
from handlers.kit.menus import refresh_menu
from handlers.kit.replies import reply_html, user_id
from handlers.kit.role_change import announce_role, change_role
from handlers.kit.roles import is_coordinator, require_coordinator
from storage.volunteers import find_person

MAX_TELEGRAM_ID = 2**63 - 1


class RoleButton(StrEnum):
    """k:<action>:<token>:<y|n>:<telegram id>, the question's buttons (handlers.kit.confirm)"""

    PROMOTE = "promote"
    DEMOTE = "demote"


async def on_role_command(update: Update, ctx: PufaContext) -> None:
    message = update.effective_message
    command = (message.text or "").split()[0].lstrip("/").split("@")[0] if message else ""
    action = RoleButton.PROMOTE if command == "promote" else RoleButton.DEMOTE
    if not await coordinator_here(update, ctx, action):
        return
    texts = ctx.services.ui.volunteers
    if not ctx.args:
        promoting = action is RoleButton.PROMOTE
        await reply_html(update, texts.promote_usage if promoting else texts.demote_usage)
        return
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
    name = html.escape(person.name or str(target))
    await confirm.ask(
        update, ctx, question.format(name=name, id=target), Kind.COORDINATOR, action, target
    )


def _target(args: tuple[str, ...]) -> int | None:
    """The telegram id a question's button carries after its answer, or None if forged."""
    if len(args) != 3:
        return None
    target = args[2]
    if not (target.isascii() and target.isdigit()) or int(target) > MAX_TELEGRAM_ID:
        return None
    return int(target)


async def on_role_confirmed(update: Update, ctx: PufaContext) -> None:
    """✅ or ❌ under the question: the first answer counts."""
    parsed = parse(update.callback_query.data if update.callback_query else None)
    chosen = parsed.action(RoleButton) if parsed else None
    if not await require_coordinator(update, ctx, chosen[0] if chosen else "role"):
        return
    target = _target(chosen[1]) if chosen else None
    if chosen is None or target is None:
        await expired(update, ctx)
        return
    if await confirm.answer(update, ctx, chosen[0], chosen[1]) is None:
        return
    texts = ctx.services.ui.volunteers
    promote = chosen[0] is RoleButton.PROMOTE
    if not promote and target in ctx.services.admin_ids:
        await reply_html(update, texts.demote_admin)
        return
    known = await change_role(ctx.services, ctx.bot, target, promote=promote)
    if not known:
        await reply_html(update, texts.person_unknown)
        return
    await audit(ctx, update, chosen[0], str(target))
    async with ctx.services.db.session() as session:
        person = await find_person(session=session, ref=str(target))
    name = html.escape(person.name if person and person.name else str(target))
    done = texts.promoted if promote else texts.demoted
    await reply_html(update, done.format(name=name, id=target))
    if target == user_id(update):  # demoted themselves: the answer told them, in this chat
        await refresh_menu(ctx.bot, ctx.services, target)
    else:
        await announce_role(ctx.services, ctx.bot, target, promote=promote)
