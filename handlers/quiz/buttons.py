"""The quiz's buttons, q:<action>:<args>. Answer buttons carry the attempt (or group round),
the question's position and the attempt's random token: a press is checked against the
stored attempt, so a forged, replayed or someone else's press changes nothing."""

from enum import StrEnum

from handlers.kit import callbacks
from handlers.kit.callbacks import Kind

MAX_POSITION = 50
TOKEN_LENGTH = 8


class QuizButton(StrEnum):
    ANSWER = "a"  # :<attempt id>:<position>:<token>:<option> (ticks it, if multiple choice)
    SUBMIT = "s"  # :<attempt id>:<position>:<token>: a multiple choice's ticks
    JOIN = "j"  # :<contest id>: one's own attempt, in a private chat
    ROUND = "g"  # :<contest id>: a volunteer starts a round in their group
    GROUP_ANSWER = "r"  # :<round id>:<position>:<token>:<option>
    NEXT = "n"  # :<round id>:<position>:<token>: the volunteer moves the round on
    EXPORT = "x"  # :<contest id>:<xlsx|csv>
    NEW = "new"  # a coordinator creates a contest


def make(action: QuizButton, *args: str | int) -> str:
    return callbacks.make(Kind.QUIZ, action, *args)


def token_ok(value: str) -> bool:
    return len(value) == TOKEN_LENGTH and all(c in "0123456789abcdef" for c in value)


def press(args: tuple[str, ...]) -> tuple[int, int, str, tuple[str, ...]] | None:
    """(attempt or round id, position, token, the rest) from an answer button, else None."""
    if len(args) < 3:
        return None
    number = callbacks.number(args[0])
    position = callbacks.index(args[1], MAX_POSITION)
    if number is None or position is None or not token_ok(args[2]):
        return None
    return number, position, args[2], args[3:]
