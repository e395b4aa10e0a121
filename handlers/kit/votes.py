"""The 👍 / 👎 buttons residents' answers carry (made by the residents' feature, handled by
the engagement feature): `vo:<up|dn>:<q|c|e>:<ref>` for a logged question (its reference), a
card opened without a question, or an event's rating."""

from enum import StrEnum

from telegram import InlineKeyboardButton

from handlers.kit.callbacks import Kind, make


class Choice(StrEnum):
    UP = "up"
    DOWN = "dn"


class Subject(StrEnum):
    QUESTION = "q"
    CARD = "c"
    EVENT = "e"


def vote_buttons(
    subject: Subject, ref: str, up_label: str, down_label: str
) -> list[InlineKeyboardButton]:
    return [
        InlineKeyboardButton(up_label, callback_data=make(Kind.VOTE, Choice.UP, subject, ref)),
        InlineKeyboardButton(down_label, callback_data=make(Kind.VOTE, Choice.DOWN, subject, ref)),
    ]
