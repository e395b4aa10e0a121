"""The button that opens a message to duty staff (the tickets feature), for any feature to show:
under an answer's 没解决, the fallback, /help, the legal-aid pre-check, a village adviser."""

from telegram import InlineKeyboardButton

from content.ui import UiTexts
from handlers.kit.callbacks import Kind, make, name_key

OPEN = "new"  # dk:new[:<category id>[:<town key>]]
TO_DESK = "desk"  # dk:desk:<desk id> (a village adviser's desk, a town's 兜底 desk)


def leave_message_button(
    ui: UiTexts, *, category: str = "", desk_id: str = "", town: str = ""
) -> InlineKeyboardButton:
    """留言给工作人员, with the category (a card's or the pre-check's field), and the town
    (the pre-check's), or the desk known."""
    if desk_id:
        data = make(Kind.DESK, TO_DESK, desk_id)
    else:
        assert category or not town, "a town goes with a category"
        known = [category, *([name_key(town)] if town else [])] if category else []
        data = make(Kind.DESK, OPEN, *known)
    return InlineKeyboardButton(ui.tickets.leave_button, callback_data=data)
