"""Giving or taking the coordinator role, the same from the chat (/promote, /demote) and the
dashboard: the role is stored (a demotion also ends their dashboard sessions), a demoted
coordinator's open coordinator chats end, their command menu changes and they are told."""

import contextlib

from telegram import Bot
from telegram.error import TelegramError

from handlers.kit.context import Services
from handlers.kit.menus import refresh_menu
from storage.models import Role
from storage.volunteers import set_coordinator


async def change_role(services: Services, bot: Bot, target: int, *, promote: bool) -> bool:
    """False if the bot has never met `target` (nothing changes). The caller checks that a
    PUFA_ADMIN_IDS coordinator is not demoted, audits the action, answers, then calls
    `announce_role`. A demotion ends their coordinators' chats, whose questions lose their
    buttons (no such chat puts up a reply keyboard: what one would leave is not taken
    down)."""
    async with services.db.session() as session:
        known = await set_coordinator(session=session, telegram_id=target, promote=promote)
    if not known:
        return False
    if not promote:
        await services.chats.end_role(bot, target, Role.COORDINATOR)
    return True


async def announce_role(services: Services, bot: Bot, target: int, *, promote: bool) -> None:
    """After `change_role` (and the answer to whoever changed it): their menu, and a word."""
    await refresh_menu(bot, services, target)
    texts = services.ui.volunteers
    # They may never have opened a private chat with the bot.
    with contextlib.suppress(TelegramError):
        await bot.send_message(
            target, texts.you_are_promoted if promote else texts.you_are_demoted
        )
