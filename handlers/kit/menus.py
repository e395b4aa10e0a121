"""The command menu each person sees: residents the default one; volunteers and coordinators
a menu set for their own chat, updated when they register, leave, or change role."""

import html
import logging

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from content.ui import BotCommands, UiTexts
from handlers.kit.context import Services
from handlers.kit.roles import role_of
from storage.models import Role

log = logging.getLogger(__name__)

# Every menu ends with these: leaving what one is doing, one's data, help.
LAST = ("cancel", "deleteme", "help")
RESIDENT = (
    "start",
    "topics",
    "legalaid",
    "hotlines",
    "adviser",
    "subscribe",
    "cases",
    "quiz",
    *LAST,
)
VOLUNTEER = (
    "start",
    "report",
    "myreports",
    "profile",
    "qr",
    "myqr",
    "certificate",
    "topics",
    "legalaid",
    "hotlines",
    "adviser",
    "subscribe",
    "cases",
    "quiz",
    "contest",
    *LAST,
)
COORDINATOR = (
    *VOLUNTEER[: -len(LAST)],
    "invite",
    "stats",
    "export",
    "broadcast",
    "scheduled",
    "campaigns",
    "dashboard",
    "verify",
    *LAST,
)
MENUS = {Role.RESIDENT: RESIDENT, Role.VOLUNTEER: VOLUNTEER, Role.COORDINATOR: COORDINATOR}


def help_commands(role: Role, ui: UiTexts) -> str:
    """The /help list of `role`'s commands (its menu, then a line of the others), as HTML."""
    lines = [f"/{name} {html.escape(getattr(ui.commands, name))}" for name in MENUS[role]]
    more = {
        Role.RESIDENT: ui.chat.help_more_resident,
        Role.VOLUNTEER: ui.chat.help_more_volunteer,
        Role.COORDINATOR: ui.chat.help_more_coordinator,
    }[role]
    return "\n".join([*lines, more])


def commands_for(role: Role, texts: BotCommands) -> list[BotCommand]:
    return [BotCommand(name, getattr(texts, name)) for name in MENUS[role]]


async def set_default_menu(bot: Bot, texts: BotCommands) -> None:
    try:
        await bot.set_my_commands(commands_for(Role.RESIDENT, texts))
    except TelegramError as exc:
        log.warning("setMyCommands failed, continuing without a command menu: %s", exc)


async def refresh_menu(bot: Bot, services: Services, telegram_id: int) -> None:
    """Give this person the menu of their current role (a failure only costs the menu)."""
    role = await role_of(services, telegram_id)
    scope = BotCommandScopeChat(telegram_id)
    try:
        if role is Role.RESIDENT:
            await bot.delete_my_commands(scope=scope)
        else:
            await bot.set_my_commands(commands_for(role, services.ui.commands), scope=scope)
    except TelegramError as exc:
        log.warning("could not set the command menu of %s: %s", telegram_id, exc)
