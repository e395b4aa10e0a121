"""A desk's staff group that Telegram no longer reaches by the id desks.yaml gives: it became a
supergroup (a new chat id), or it removed the bot. Residents' messages to that desk would go
nowhere until the operator changes desks.yaml (the bot does not follow the new id on its own:
the desk's buttons and /tickets act only in the group desks.yaml names), so the new group, the
coordinators and the log are told, once, which desk to change and to what. A message
Telegram refused in every chat of its desk (new, or moved there by 转办) is told to the
coordinators too, with a button to move it to another desk. Only chat ids, desks' names and
a ticket's number, field and town are said, never what a resident wrote or who they are."""

import html
import logging

from telegram import InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import TelegramError

from content.desks import Desk
from handlers.kit.context import PufaContext, Services
from handlers.kit.delivery import Delivery
from handlers.kit.roles import coordinator_ids
from handlers.tickets.common import DeskAction, button, desks_of_group
from storage.tickets import StoredTicket

log = logging.getLogger(__name__)


def _names(services: Services, desks: list[Desk]) -> str:
    return html.escape(services.ui.list_separator.join(d.name for d in desks))


class DeskGroups:
    """Listens to `Services.hooks.chat_migrated` and `chat_left` for one bot (`told`: the
    migrations already told, as Telegram sends one service message to the old group and one
    to the new)."""

    def __init__(self) -> None:
        self.told: set[tuple[int, int]] = set()

    async def on_migrated(self, ctx: PufaContext, old: int, new: int) -> None:
        services = ctx.services
        desks = desks_of_group(services, old)
        if not desks or (old, new) in self.told:
            return
        self.told.add((old, new))
        for desk in desks:
            log.warning(
                "desk %s: its staff group %s became the supergroup %s; residents' messages "
                "cannot reach it until desks.yaml sets staff_chat_id: %s for it",
                desk.id, old, new, new,
            )  # fmt: skip
        text = services.ui.tickets.desk_group_migrated.format(
            desks=_names(services, desks), old=old, new=new
        )
        await _tell(ctx, [new, *await coordinator_ids(services)], text)

    async def on_left(self, ctx: PufaContext, chat_id: int) -> None:
        services = ctx.services
        desks = desks_of_group(services, chat_id)
        if not desks:
            return
        for desk in desks:
            log.warning(
                "desk %s: its staff group %s removed the bot; residents' messages cannot "
                "reach it until the bot is added back or desks.yaml gives it another staff "
                "group or staff",
                desk.id, chat_id,
            )  # fmt: skip
        text = services.ui.tickets.desk_group_left.format(
            desks=_names(services, desks), chat=chat_id
        )
        await _tell(ctx, await coordinator_ids(services), text)


async def tell_if_undelivered(
    ctx: PufaContext, ticket: StoredTicket, desk: Desk, sent: Delivery
) -> bool | None:
    """After the ticket was sent to `desk` (a new message, or 转办), how it went (`sent`):
    None when the desk got it or may have (or is a sample one, which nobody gets); else it
    did not, and the coordinators learn so (and may move it: handlers.tickets.moving): True
    once one of them was told, False when none could be."""
    if sent is not Delivery.REFUSED or desk.sample:
        return None
    services = ctx.services
    log.warning(
        "ticket %s did not reach any chat of desk %s: kept for a coordinator to move, or "
        "for the desk's /tickets once its staff chats are reachable",
        ticket.id, desk.id,
    )  # fmt: skip
    text = services.ui.tickets.desk_unreachable.format(
        id=ticket.id,
        desk=html.escape(desk.name),
        category=html.escape(services.library.category_name(ticket.category)),
        town=html.escape(ticket.town),
    )
    move = button(services.ui.tickets.transfer_gone_button, DeskAction.MOVE, ticket.id)
    told = await _tell(ctx, await coordinator_ids(services), text, InlineKeyboardMarkup([[move]]))
    return told > 0


async def _tell(
    ctx: PufaContext,
    chat_ids: list[int],
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> int:
    """Sends `text` to each chat once; how many got it."""
    told = 0
    for chat_id in dict.fromkeys(chat_ids):
        try:
            await ctx.bot.send_message(
                chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup
            )
        except TelegramError as exc:
            log.warning("could not tell chat %s about a desk's staff chats: %s", chat_id, exc)
        else:
            told += 1
    return told


def register(services: Services) -> None:
    groups = DeskGroups()
    services.hooks.chat_migrated.append(groups.on_migrated)
    services.hooks.chat_left.append(groups.on_left)
