"""The quiz bank (普法知识竞赛, `quiz.yaml`): questions a bot can send as Telegram quiz polls.

Lengths stay within Telegram's limits for polls: a question of at most 300 characters (we keep
200 so a number or prefix still fits), options of at most 100, an explanation of at most 200
characters with at most two line feeds.
"""

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator

from content.check_text import check_text, listed
from content.checks import (
    Found,
    Known,
    Strict,
    check_id,
    check_length,
    load_yaml,
    unknown,
    validate,
    where,
)
from content.problems import duplicates, unknown_category

QUESTION_LIMIT = 200
OPTION_LIMIT = 100  # Telegram: poll option text, 1-100 characters
EXPLANATION_LIMIT = 200  # Telegram: quiz explanation, 0-200 characters
EXPLANATION_LINE_FEEDS = 2  # Telegram: at most 2 line feeds in the explanation
MIN_OPTIONS, MAX_OPTIONS = 2, 6


class QuizQuestion(Strict):
    id: str
    kind: Literal["single", "multiple"]
    question: str
    options: list[str]
    answer: list[int]
    explanation: str
    card: str
    category: str
    campaigns: list[str] = Field(default_factory=list)
    difficulty: int

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        return check_id(value, "q-labor-001")

    @field_validator("question")
    @classmethod
    def _question(cls, value: str) -> str:
        return check_length(value, 4, QUESTION_LIMIT)

    @field_validator("options")
    @classmethod
    def _options(cls, options: list[str]) -> list[str]:
        options = [option.strip() for option in options]
        if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
            count = len(options)
            raise ValueError(
                check_text("quiz.option_count", count=count, low=MIN_OPTIONS, high=MAX_OPTIONS)
            )
        for number, option in enumerate(options, start=1):
            if not option:
                raise ValueError(check_text("quiz.empty_option", number=number))
            if len(option) > OPTION_LIMIT:
                length = len(option)
                raise ValueError(
                    check_text(
                        "quiz.long_option", number=number, length=length, limit=OPTION_LIMIT
                    )
                )
        repeated = duplicates(options)
        if repeated:
            raise ValueError(check_text("quiz.repeated_options", options=listed(repeated)))
        return options

    @field_validator("answer")
    @classmethod
    def _answer(cls, answer: list[int]) -> list[int]:
        if not answer:
            raise ValueError(check_text("quiz.no_answer"))
        if len(set(answer)) != len(answer):
            raise ValueError(check_text("quiz.repeated_answer"))
        return sorted(answer)

    @field_validator("explanation")
    @classmethod
    def _explanation(cls, value: str) -> str:
        if len(value) > EXPLANATION_LIMIT:
            raise ValueError(
                check_text("quiz.long_explanation", length=len(value), limit=EXPLANATION_LIMIT)
            )
        if value.count("\n") > EXPLANATION_LINE_FEEDS:
            raise ValueError(check_text("quiz.line_feeds", limit=EXPLANATION_LINE_FEEDS))
        return check_length(value, 4, EXPLANATION_LIMIT)

    @field_validator("campaigns")
    @classmethod
    def _campaigns(cls, campaigns: list[str]) -> list[str]:
        if len(set(campaigns)) != len(campaigns):
            raise ValueError(check_text("quiz.repeated_campaigns"))
        return campaigns

    @field_validator("difficulty")
    @classmethod
    def _difficulty(cls, value: int) -> int:
        if value not in (1, 2, 3):
            raise ValueError(check_text("quiz.difficulty"))
        return value

    @property
    def correct(self) -> list[str]:
        """The texts of the correct options."""
        return [self.options[i] for i in self.answer]


def answer_problems(question: QuizQuestion) -> list[str]:
    """The answer must point at existing options and fit the kind of question."""
    count = len(question.options)
    outside = [i for i in question.answer if not 0 <= i < count]
    if outside:
        shown = listed(outside)
        return [check_text("quiz.answer_outside", answers=shown, last=count - 1)]
    if question.kind == "single" and len(question.answer) != 1:
        return [check_text("quiz.single_answers")]
    if question.kind == "multiple" and len(question.answer) < 2:
        return [check_text("quiz.multiple_answers")]
    return []


def load_quiz(path: Path, known: Known, found: Found, notes: Found) -> list[QuizQuestion]:
    """Every question that validates (without quiz.yaml: none); each problem is recorded in
    `found`, each campaign missing from the calendar in `notes` (a warning: the question
    still works, it is just not picked for that campaign)."""
    if not path.exists():
        return []
    data = load_yaml(path, path.name, found)
    return [] if data is None else quiz_from_data(data, known, path.name, found, notes)


def quiz_from_data(
    data: Any, known: Known, name: str, found: Found, notes: Found
) -> list[QuizQuestion]:
    """The valid questions in parsed quiz.yaml data; problems and warnings recorded as in
    `load_quiz`. Never fails, whatever the data."""
    if not isinstance(data, list):
        found.append((name, "", check_text("quiz.not_a_list")))
        return []
    loaded: list[tuple[str, QuizQuestion]] = []
    for index, item in enumerate(data):
        label = where(index, item)
        question = validate(QuizQuestion, item, name, label, found)
        if question is not None:
            found.extend((name, f"{label}.answer", m) for m in answer_problems(question))
            found.extend(_references(question, known, name, label))
            notes.extend(
                (name, f"{label}.campaigns", check_text("common.no_campaign", campaign=campaign))
                for campaign in question.campaigns
                if unknown(campaign, known.campaigns)
            )
            loaded.append((label, question))
    _repeats(loaded, name, found)
    return [question for _, question in loaded]


def _references(question: QuizQuestion, known: Known, name: str, label: str) -> Found:
    found: Found = []
    if question.card not in known.cards:
        found.append((name, f"{label}.card", check_text("common.no_card", card=question.card)))
    if unknown(question.category, known.categories):
        message = unknown_category(question.category, known.categories or ())
        found.append((name, f"{label}.category", message))
    elif (card_category := known.card_categories.get(question.card)) not in (
        None,
        question.category,
    ):
        found.append(
            (
                name,
                f"{label}.category",
                check_text("quiz.card_category", card=question.card, category=card_category),
            )
        )
    return found


def _repeats(loaded: list[tuple[str, QuizQuestion]], name: str, found: Found) -> None:
    ids: set[str] = set()
    texts: dict[str, str] = {}
    for label, question in loaded:
        if question.id in ids:
            found.append((name, f"{label}.id", check_text("common.duplicate_id", id=question.id)))
        ids.add(question.id)
        if question.question in texts:
            other = texts[question.question]
            found.append(
                (name, f"{label}.question", check_text("quiz.same_question", other=other))
            )
        texts.setdefault(question.question, question.id)
