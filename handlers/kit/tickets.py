"""The button that opens a message to duty staff (the tickets feature), for any feature to show:
under an answer's 没解决, the fallback, /help, the legal-aid pre-check, a village adviser. In a
group it is a link to the private chat, which opens the message there (`?start=msg…`): nobody
should tell a group about their own case."""

from telegram import InlineKeyboardButton, Update

from content.ui import UiTexts
from handlers.kit.callbacks import Kind, make, name_key
from handlers.kit.context import PufaContext
from handlers.kit.roles import in_private

OPEN = "new"  # dk:new[:<category id>[:<town key>]]
TO_DESK = "desk"  # dk:desk:<desk id> (a village adviser's desk, a town's 兜底 desk)
LINK = "msg"  # ?start=msg, msg_c_<category id> or msg_d_<desk id>
CATEGORY_LINK, DESK_LINK = "c", "d"


def leave_message_button(
    ui: UiTexts, *, category: str = "", desk_id: str = "", town: str = "", chat_link: str = ""
) -> InlineKeyboardButton:
    """留言给工作人员, with the category (a card's or the pre-check's field), and the town
    (the pre-check's), or the desk known; with `chat_link` (in a group: `group_link`), a link
    to the private chat that opens it there."""
    label = ui.tickets.leave_button
    if chat_link:
        return InlineKeyboardButton(label, url=leave_message_link(chat_link, category, desk_id))
    if desk_id:
        data = make(Kind.DESK, TO_DESK, desk_id)
    else:
        assert category or not town, "a town goes with a category"
        known = [category, *([name_key(town)] if town else [])] if category else []
        data = make(Kind.DESK, OPEN, *known)
    return InlineKeyboardButton(label, callback_data=data)


def leave_message_link(chat_link: str, category: str = "", desk_id: str = "") -> str:
    """The private chat's link that opens a message to staff (with the category or desk);
    `chat_link`: its start link without a payload (`Services.start_link`)."""
    payload = LINK
    if desk_id:
        payload = f"{LINK}_{DESK_LINK}_{desk_id}"
    elif category:
        payload = f"{LINK}_{CATEGORY_LINK}_{category}"
    return chat_link + payload


def leave_message_payload(payload: str) -> tuple[str, str] | None:
    """(category, desk id) of a `/start msg…` payload (either may be empty), None if it is
    none."""
    head, _, rest = payload.partition("_")
    if head != LINK:
        return None
    kind, _, value = rest.partition("_")
    if not rest:
        return "", ""
    if kind == CATEGORY_LINK and value:
        return value, ""
    if kind == DESK_LINK and value:
        return "", value
    return None


def group_link(update: Update, ctx: PufaContext) -> str:
    """Where 留言给工作人员 must be a link (a group): the private chat's start link without a
    payload; else ""."""
    return "" if in_private(update) else ctx.services.start_link(ctx.bot.username)
