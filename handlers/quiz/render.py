"""How a question looks (its text and buttons) and how it reads once answered."""

import html
from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from content.loader import Library
from content.quiz import QuizQuestion
from content.ui_quiz import QuizTexts
from domain.quiz import picked
from handlers.kit import callbacks
from handlers.kit.callbacks import Kind
from handlers.quiz.buttons import QuizButton, make
from scheduler.timeparse import describe

LETTERS = "ABCDEF"


def question_html(
    ui: QuizTexts, question: QuizQuestion, n: int, total: int, seconds: int | None
) -> str:
    kind = ui.single if question.kind == "single" else ui.multiple
    timer = ui.timer.format(seconds=seconds) if seconds else ""
    options = [
        ui.option.format(letter=LETTERS[i], text=html.escape(o))
        for i, o in enumerate(question.options)
    ]
    head = ui.question.format(
        n=n, total=total, kind=kind, timer=timer, question=html.escape(question.question)
    )
    return "\n".join([head, "", *options])


def answer_rows(
    ui: QuizTexts,
    question: QuizQuestion,
    action: QuizButton,
    ids: tuple[int, int, str],
    ticks: str = "",
) -> list[list[InlineKeyboardButton]]:
    """One button per option (its letter and text); a multiple choice shows its ticks and
    a 提交 button."""
    chosen = picked(ticks, len(question.options))
    rows = []
    for i, option in enumerate(question.options):
        form = ui.option
        if question.kind == "multiple":
            form = ui.ticked if i in chosen else ui.unticked
        label = form.format(letter=LETTERS[i], text=option)
        rows.append([InlineKeyboardButton(label, callback_data=make(action, *ids, i))])
    if question.kind == "multiple":
        rows.append(
            [InlineKeyboardButton(ui.submit_button, callback_data=make(QuizButton.SUBMIT, *ids))]
        )
    return rows


def letters(options: list[int]) -> str:
    return "".join(LETTERS[i] for i in options)


def answered_html(
    ui: QuizTexts,
    question: QuizQuestion,
    n: int,
    total: int,
    *,
    chosen: list[int],
    correct: bool,
    late_seconds: int | None,
) -> str:
    """The question once answered: the verdict, the right answer, the explanation."""
    verdict = ui.right if correct else ui.wrong.format(answer=letters(question.answer))
    lines = [question_html(ui, question, n, total, None), "", f"→ {letters(chosen)}  {verdict}"]
    if late_seconds is not None:
        lines.append(ui.late.format(seconds=late_seconds))
    lines.append(ui.explanation.format(text=html.escape(question.explanation)))
    return "\n".join(lines)


def card_keyboard(library: Library, question: QuizQuestion) -> InlineKeyboardMarkup | None:
    card = library.cards.get(question.card)
    if card is None:
        return None
    label = library.ui.quiz.card_button.format(title=card.title)
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=callbacks.make(Kind.CARD, card.id))]]
    )


def when(moment: datetime, tz: ZoneInfo) -> str:
    """A moment as the bot writes it, in the deployment's zone."""
    return describe(moment.astimezone(tz))
