"""The button that opens a message to duty staff (the tickets feature), for any feature to show:
under an answer's 没解决, the fallback, /help, the legal-aid pre-check, a village adviser."""

from telegram import InlineKeyboardButton

from content.ui import UiTexts
from handlers.kit.callbacks import Kind, make

OPEN = "new"  # dk:new[:<category id>]
TO_DESK = "desk"  # dk:desk:<desk id> (a village adviser's desk)


def leave_message_button(
    ui: UiTexts, *, category: str = "", desk_id: str = ""
) -> InlineKeyboardButton:
    """留言给工作人员, with the category (a card's or the pre-check's field) or the desk known."""
    if desk_id:
        data = make(Kind.DESK, TO_DESK, desk_id)
    else:
        data = make(Kind.DESK, OPEN, *([category] if category else []))
    return InlineKeyboardButton(ui.tickets.leave_button, callback_data=data)
