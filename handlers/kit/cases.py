"""Buttons that open a case card (made by the residents' and broadcasts' features, handled by
the engagement feature): `cs:show:<case id>`; and the weekly case subscription toggle."""

from enum import StrEnum

from telegram import InlineKeyboardButton

from handlers.kit.callbacks import Kind, make


class CaseAction(StrEnum):
    SHOW = "show"
    SUBSCRIBE = "sub"
    UNSUBSCRIBE = "unsub"


def case_button(label: str, case_id: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=make(Kind.CASE, CaseAction.SHOW, case_id))
