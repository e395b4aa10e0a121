"""The files beside the cards that build on them: the case library, the quiz bank, the
evaluation indicators and the volunteer star levels. All are optional."""

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from content.case_library import Case, load_cases
from content.checks import Found, known_ids
from content.indicators import Indicator, load_indicators
from content.models import Card
from content.quiz import QuizQuestion, load_quiz
from content.recognition import Recognition, load_recognition


@dataclass(frozen=True)
class Extras:
    cases: list[Case]
    quiz: list[QuizQuestion]
    indicators: list[Indicator]
    recognition: Recognition | None


def load_extras(content_dir: Path, cards: Iterable[Card]) -> tuple[Extras, Found, Found]:
    """Everything that loads, the problems found and the warnings, each as
    (path, field, message). A campaign tag that is not in the calendar is only a warning: a
    district may drop a campaign (or run with an empty calendar) without editing the quiz."""
    found: Found = []
    notes: Found = []
    known = known_ids(content_dir, cards)
    extras = Extras(
        cases=load_cases(content_dir / "cases", known, found),
        quiz=load_quiz(content_dir / "quiz.yaml", known, found, notes),
        indicators=load_indicators(content_dir / "indicators.yaml", known, found, notes),
        recognition=load_recognition(content_dir / "recognition.yaml", found),
    )
    return extras, found, notes
