"""Legal-aid pre-check (`legal_aid.yaml`): a short guided chat driven by data.

The file holds `questions` (each with options) and `rules` tried in order. A rule names, per
question, the options it accepts (`when`). Given the answers so far, the first rule that no
answer contradicts decides: if every question it names is answered, it gives the outcome; if
not, the chat asks the first of its unanswered questions (in the order of `questions`). So a
short path (家庭暴力 → likely yes) never asks about income. The checker walks every path
through the chat and reports any that reaches no rule, rules no path reaches and questions no
path asks.
"""

import re
from collections.abc import Iterator, Mapping, Set
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Literal, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from content.check_text import check_text
from content.models import CARD_ID_PATTERN, Source
from content.problems import Problem, duplicates, load_one

Result = Literal["likely_yes", "likely_no", "depends"]
RESULTS: tuple[Result, ...] = get_args(Result)
SAMPLE_MARK = "示例"
PROMISE_WORD = "承诺"  # of the 个人诚信承诺, which `promise` explains


class _Strict(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True
    )


def _id_shape(value: str) -> str:
    if not CARD_ID_PATTERN.match(value.replace("_", "-")):
        raise ValueError(check_text("common.key"))
    return value


Id = Annotated[str, Field(max_length=40), AfterValidator(_id_shape)]
_FOLD = re.compile(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])")


def _unfold(value: str) -> str:
    """YAML's folded text (>-) joins lines with a space, which Chinese does not use."""
    return _FOLD.sub("", value)


Prose = Annotated[str, AfterValidator(_unfold)]


class Option(_Strict):
    id: Id
    text: str = Field(min_length=2, max_length=40)  # a button label


class Question(_Strict):
    id: Id
    text: str = Field(min_length=4, max_length=200)
    options: list[Option] = Field(min_length=2, max_length=16)

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)


class Rule(_Strict):
    id: Id
    when: dict[str, list[str]] = Field(default_factory=dict)  # question id -> accepted options
    outcome: Result
    reason: Prose = Field(min_length=6, max_length=400)
    article: str = Field(min_length=4, max_length=100)
    bring: list[str] = Field(default_factory=list)
    hardship_note: bool = False  # show `promise` and the local hardship standard with it
    safety: str | None = None  # a kind of safety.yaml: its notice, numbers and card go with it


class Article(_Strict):
    """What one article of the law says, as the law lists it (reference text for the bot)."""

    article: str = Field(min_length=4, max_length=60)
    summary: Prose = Field(min_length=4, max_length=300)
    items: list[str] = Field(default_factory=list)


class HardshipStandard(_Strict):
    """The province's economic-hardship standard, in words; a coordinator edits it."""

    note: Prose = Field(min_length=10, max_length=400)
    sample: bool


class LegalAidCriteria(_Strict):
    law: str = Field(min_length=4)
    in_force: date
    decision_days: int = Field(ge=1, le=30)  # 《法律援助法》第四十三条: 7
    sources: list[Source] = Field(min_length=1)  # the seed plans this draws on
    articles: dict[str, Article] = Field(min_length=1)
    promise: Prose = Field(min_length=10, max_length=600)  # 经济困难承诺制 / 个人诚信承诺
    hardship_standard: HardshipStandard
    disclaimer: Prose = Field(min_length=10, max_length=400)
    questions: list[Question] = Field(min_length=1)
    rules: list[Rule] = Field(min_length=1)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


@dataclass(frozen=True)
class Outcome:
    rule: str
    result: Result
    reason: str
    article: str
    bring: tuple[str, ...]
    disclaimer: str
    hardship_note: str  # the local standard when the rule asks for it, else ""
    safety: str | None = None  # the safety.yaml kind whose notice goes with the outcome


class NeedsAnswer(ValueError):
    """The answers so far do not decide yet; `question` is the one to ask next."""

    def __init__(self, question: Question) -> None:
        super().__init__(f"还需要回答: {question.id}")
        self.question = question


def evaluate(criteria: LegalAidCriteria, answers: Mapping[str, str]) -> Outcome:
    """The outcome of a complete set of answers (question id -> option id).

    Raises ValueError for an unknown question or option, NeedsAnswer when a question that
    decides is unanswered, LookupError when no rule applies (the checker prevents that)."""
    _check_answers(criteria, answers)
    decided = _decide(criteria, answers)
    if isinstance(decided, Question):
        raise NeedsAnswer(decided)
    if decided is None:
        raise LookupError("没有规则适用于这些回答")
    return Outcome(
        rule=decided.id,
        result=decided.outcome,
        reason=decided.reason,
        article=decided.article,
        bring=tuple(decided.bring),
        disclaimer=criteria.disclaimer,
        hardship_note=criteria.hardship_standard.note if decided.hardship_note else "",
        safety=decided.safety,
    )


def next_question(criteria: LegalAidCriteria, answers: Mapping[str, str]) -> Question | None:
    """The question to ask next, or None once the answers decide (call `evaluate`)."""
    _check_answers(criteria, answers)
    decided = _decide(criteria, answers)
    return decided if isinstance(decided, Question) else None


def chat_paths(criteria: LegalAidCriteria) -> Iterator[tuple[dict[str, str], Rule | None]]:
    """Every way through the chat: the answers given and the rule reached (None: no rule)."""
    pending: list[dict[str, str]] = [{}]
    while pending:
        answers = pending.pop()
        decided = _decide(criteria, answers)
        if isinstance(decided, Question):
            pending.extend({**answers, decided.id: o.id} for o in reversed(decided.options))
        else:
            yield answers, decided


def _decide(criteria: LegalAidCriteria, answers: Mapping[str, str]) -> Rule | Question | None:
    order = {q.id: i for i, q in enumerate(criteria.questions)}
    for rule in criteria.rules:
        if any(q in answers and answers[q] not in accepted for q, accepted in rule.when.items()):
            continue
        unanswered = sorted((q for q in rule.when if q not in answers), key=order.__getitem__)
        if not unanswered:
            return rule
        question = criteria.question(unanswered[0])
        assert question is not None  # check_criteria refuses unknown questions
        return question
    return None


def _check_answers(criteria: LegalAidCriteria, answers: Mapping[str, str]) -> None:
    for question_id, option_id in answers.items():
        question = criteria.question(question_id)
        if question is None:
            raise ValueError(f"没有问题 '{question_id}'")
        if question.option(option_id) is None:
            raise ValueError(f"问题 '{question_id}' 没有选项 '{option_id}'")


def check_criteria(
    criteria: LegalAidCriteria,
    name: str,
    seeds: set[str] | None = None,
    safety: Set[str] | None = None,
) -> list[Problem]:
    """Ids unique, rules naming real questions, options and safety kinds, every path reaching
    a rule."""
    found = [
        Problem(name, "sources", check_text("common.no_seed", seed=source.seed))
        for source in criteria.sources
        if seeds is not None and source.seed not in seeds
    ]
    found += [
        Problem(
            name, f"rules.{rule.id}.safety", check_text("legal_aid.no_safety", kind=rule.safety)
        )
        for rule in criteria.rules
        if rule.safety is not None and safety is not None and rule.safety not in safety
    ]
    if not any(f"{criteria.decision_days}{unit}" in criteria.disclaimer for unit in "日天"):
        found.append(
            Problem(
                name,
                "disclaimer",
                check_text("legal_aid.decision_days", days=criteria.decision_days),
            )
        )
    if "参考" not in criteria.disclaimer:
        found.append(Problem(name, "disclaimer", check_text("legal_aid.for_reference")))
    found += [
        Problem(name, "questions", check_text("legal_aid.duplicate_question", id=qid))
        for qid in duplicates([q.id for q in criteria.questions])
    ]
    for question in criteria.questions:
        found += [
            Problem(
                name,
                f"questions.{question.id}.options",
                check_text("legal_aid.duplicate_option", id=oid),
            )
            for oid in duplicates([o.id for o in question.options])
        ]
    found += [
        Problem(name, "rules", check_text("legal_aid.duplicate_rule", id=rid))
        for rid in duplicates([r.id for r in criteria.rules])
    ]
    for rule in criteria.rules:
        found += _rule_references(criteria, rule, f"rules.{rule.id}.when", name)
    found += [  # the result shows `promise` right after: said once
        Problem(name, f"rules.{rule.id}.reason", check_text("legal_aid.promise_twice"))
        for rule in criteria.rules
        if rule.hardship_note and PROMISE_WORD in rule.reason
    ]
    standard = criteria.hardship_standard
    if standard.sample and SAMPLE_MARK not in standard.note:
        found.append(Problem(name, "hardship_standard.note", check_text("common.sample_note")))
    if found:
        return found  # walking the chat needs sound references
    return found + _walk(criteria, name)


def _rule_references(
    criteria: LegalAidCriteria, rule: Rule, where: str, name: str
) -> list[Problem]:
    found: list[Problem] = []
    for question_id, accepted in rule.when.items():
        question = criteria.question(question_id)
        if question is None:
            found.append(
                Problem(name, where, check_text("legal_aid.no_question", question=question_id))
            )
            continue
        if not accepted:
            found.append(
                Problem(name, f"{where}.{question_id}", check_text("legal_aid.no_options"))
            )
        found += [
            Problem(
                name,
                f"{where}.{question_id}",
                check_text("legal_aid.no_option", question=question_id, option=o),
            )
            for o in accepted
            if question.option(o) is None
        ]
    return found


def _walk(criteria: LegalAidCriteria, name: str) -> list[Problem]:
    found: list[Problem] = []
    reached: set[str] = set()
    asked: set[str] = set()
    for answers, rule in chat_paths(criteria):
        asked.update(answers)
        if rule is None:
            given = "，".join(f"{q}={o}" for q, o in answers.items())
            given = given or check_text("legal_aid.no_answers")
            found.append(Problem(name, "rules", check_text("legal_aid.no_rule", answers=given)))
        else:
            reached.add(rule.id)
    found += [
        Problem(name, f"rules.{r.id}", check_text("legal_aid.rule_unreached"))
        for r in criteria.rules
        if r.id not in reached
    ]
    found += [
        Problem(name, f"questions.{q.id}", check_text("legal_aid.question_unused"))
        for q in criteria.questions
        if q.id not in asked
    ]
    return found


def load_legal_aid(
    path: Path, *, seeds: set[str], safety: Set[str] | None, problems: list[Problem]
) -> LegalAidCriteria | None:
    """The criteria of `path` (None when the file is absent or broken), with its problems;
    `safety` holds the kinds of safety.yaml (None: unreadable, so not checked)."""
    if not path.exists():
        return None
    criteria = load_one(path, LegalAidCriteria, problems)
    if criteria is None:
        return None
    found = check_criteria(criteria, path.name, seeds, safety)
    problems.extend(found)
    return None if found else criteria
