"""The buttons of QR codes (`ev:` callbacks). "为这次活动生成二维码" is shown by the reports
feature (after 提交, in /myreports) and handled by the engagement feature: `ev:qr:<report id>`;
/myqr's pages are `ev:mine:<page>` and its 再发海报 `ev:again:<code>` (engagement only)."""

from enum import StrEnum

from telegram import InlineKeyboardButton

from handlers.kit.callbacks import Kind, make


class EventAction(StrEnum):
    REPORT_QR = "qr"
    MINE = "mine"
    AGAIN = "again"


def report_qr_button(label: str, report_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        label, callback_data=make(Kind.EVENT, EventAction.REPORT_QR, report_id)
    )
