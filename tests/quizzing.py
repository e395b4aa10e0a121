"""Helpers the quiz tests share: which bank question a message shows, and its buttons."""

from content.loader import Library
from content.quiz import QuizQuestion
from local_api import SentMessage


def shown(library: Library, message: SentMessage) -> QuizQuestion:
    """The bank question whose text the message shows."""
    [question] = [q for q in library.quiz if q.question in message.content]
    return question


def option_data(message: SentMessage, index: int) -> str:
    """The callback data of the option button `index` (A is 0)."""
    letter = "ABCDEF"[index]
    [button] = [
        b
        for row in message.buttons()
        for b in row
        if b["text"].startswith((f"{letter}. ", f"☐ {letter}. ", f"☑ {letter}. "))
    ]
    return str(button["callback_data"])


def wrong_option(question: QuizQuestion) -> int:
    return next(i for i in range(len(question.options)) if i not in question.answer)
