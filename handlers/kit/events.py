"""The button that makes the QR code of an activity report's event ("为这次活动生成二维码"),
shown by the reports feature (after 提交, in /myreports) and handled by the engagement
feature: `ev:qr:<report id>`."""

from enum import StrEnum

from telegram import InlineKeyboardButton

from handlers.kit.callbacks import Kind, make


class EventAction(StrEnum):
    REPORT_QR = "qr"


def report_qr_button(label: str, report_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        label, callback_data=make(Kind.EVENT, EventAction.REPORT_QR, report_id)
    )
