"""The quiz bank (content/quiz.yaml): the shipped questions, and one test per rule."""

from collections import Counter
from pathlib import Path

import pytest

from content.loader import CONTENT_DIR, Library, collect
from content.quiz import (
    EXPLANATION_LIMIT,
    EXPLANATION_LINE_FEEDS,
    MAX_OPTIONS,
    OPTION_LIMIT,
    QUESTION_LIMIT,
)
from tests.content.content_copy import Edit, copy_content, edit_entry, named, refused

SINGLE = "q-constitution-001"  # single answer [1], card constitution-day, category constitution
MULTIPLE = "q-constitution-007"  # multiple answers [0, 1, 3]
TELEGRAM_QUESTION_LIMIT = 300  # Telegram's own limits, which ours must stay within
TELEGRAM_OPTION_LIMIT = 100
TELEGRAM_EXPLANATION_LIMIT = 200


def test_our_limits_are_within_telegrams() -> None:
    assert QUESTION_LIMIT <= TELEGRAM_QUESTION_LIMIT
    assert OPTION_LIMIT <= TELEGRAM_OPTION_LIMIT
    assert EXPLANATION_LIMIT <= TELEGRAM_EXPLANATION_LIMIT and EXPLANATION_LINE_FEEDS <= 2


def test_shipped_quiz_covers_every_category_within_the_limits(library: Library) -> None:
    quiz = library.quiz
    assert len(quiz) >= 120
    per_category = Counter(q.category for q in quiz)
    assert set(per_category) == {c.id for c in library.categories}
    assert min(per_category.values()) >= 8
    assert len({q.id for q in quiz}) == len(quiz)
    assert len({q.question for q in quiz}) == len(quiz)
    campaigns = {c.id for c in library.campaigns}
    for q in quiz:
        assert len(q.question) <= QUESTION_LIMIT and len(q.explanation) <= EXPLANATION_LIMIT
        assert 2 <= len(q.options) <= MAX_OPTIONS
        assert all(len(option) <= OPTION_LIMIT for option in q.options)
        assert all(0 <= i < len(q.options) for i in q.answer)
        assert len(q.answer) == 1 if q.kind == "single" else len(q.answer) >= 2
        assert q.card in library.cards and library.cards[q.card].category == q.category
        assert set(q.campaigns) <= campaigns and q.difficulty in (1, 2, 3)
    assert len({c for q in quiz for c in q.campaigns}) >= 7  # most campaigns have questions


def test_well_known_facts_are_answered_as_published(library: Library) -> None:
    answers = {q.question: q.correct for q in library.quiz}
    assert answers["每年的国家宪法日是哪一天？"] == ["12月4日"]
    assert answers["公共法律服务热线的号码是？"] == ["12348"]
    assert answers["申请劳动仲裁的时效一般是多长？"] == ["1年"]
    assert answers["《法律援助法》从什么时候起施行？"] == ["2022年1月1日"]


def _break(tmp_path: Path, entry: str, old: str, new: str) -> list[tuple[str, str, str]]:
    problems = refused(tmp_path, Edit("quiz.yaml", old, new, entry=entry))
    return [(p.path, p.field, p.message) for p in problems]


LONG_QUESTION = "问" * (QUESTION_LIMIT + 1)
LONG_OPTION = "选" * (OPTION_LIMIT + 1)
LONG_EXPLANATION = "解" * (EXPLANATION_LIMIT + 1)
RULES = [
    # (what is broken, question, old text, new text, field, part of the message)
    ("answer out of range", SINGLE, "answer: [1]", "answer: [4]", "answer", "不存在"),
    ("two answers to a single", SINGLE, "answer: [1]", "answer: [1, 2]", "answer", "single"),
    ("one answer to a multiple", MULTIPLE, "answer: [0, 1, 3]", "answer: [0]", "answer", "至少"),
    ("no answer", SINGLE, "answer: [1]", "answer: []", "answer", "至少"),
    ("a repeated answer", SINGLE, "answer: [1]", "answer: [1, 1]", "answer", "重复"),
    (
        "question too long",
        SINGLE,
        "question: 每年",
        f"question: {LONG_QUESTION}",
        "question",
        "200",
    ),
    (
        "option too long",
        SINGLE,
        "options: [3月15日,",
        f"options: [{LONG_OPTION},",
        "options",
        "100",
    ),
    (
        "one option",
        SINGLE,
        "options: [3月15日, 12月4日, 4月15日, 6月26日]",
        "options: [12月4日]",
        "options",
        "2 到 6",
    ),
    (
        "eight options",
        SINGLE,
        "options: [3月15日,",
        "options: [甲, 乙, 丙, 丁, 3月15日,",
        "options",
        "2 到 6",
    ),
    ("a repeated option", SINGLE, "4月15日, 6月26日]", "4月15日, 4月15日]", "options", "重复"),
    (
        "explanation too long",
        SINGLE,
        "explanation: 现行宪法",
        f"explanation: {LONG_EXPLANATION}",
        "explanation",
        "200",
    ),
    (
        "too many line feeds",
        SINGLE,
        "explanation: 现行宪法于1982年12月4日通过，所以每年12月4日是国家宪法日。",
        'explanation: "一\\n二\\n三\\n四"',
        "explanation",
        "换行",
    ),
    (
        "unknown card",
        SINGLE,
        "card: constitution-day",
        "card: no-such-card",
        "card",
        "no-such-card",
    ),
    (
        "unknown category",
        SINGLE,
        "category: constitution",
        "category: nonsense",
        "category",
        "nonsense",
    ),
    (
        "category not the card's",
        SINGLE,
        "category: constitution",
        "category: labor",
        "category",
        "constitution-day",
    ),
    (
        "difficulty out of range",
        SINGLE,
        "difficulty: 1",
        "difficulty: 4",
        "difficulty",
        "1、2 或 3",
    ),
    ("unknown kind", SINGLE, "kind: single", "kind: both", "kind", "single"),
    ("bad id", SINGLE, f"id: {SINGLE}", "id: Q 1", "id", "小写字母"),
    ("unknown field", SINGLE, "difficulty: 1", "difficulty: 1\n  author: me", "author", "不认识"),
    ("missing field", SINGLE, "  card: constitution-day\n", "", "card", "缺少"),
]


@pytest.mark.parametrize(
    ("entry", "old", "new", "field", "message"),
    [rule[1:] for rule in RULES],
    ids=[rule[0] for rule in RULES],
)
def test_each_broken_rule_is_one_problem_of_that_question(
    tmp_path: Path, entry: str, old: str, new: str, field: str, message: str
) -> None:
    problems = _break(tmp_path, entry, old, new)
    assert len(problems) == 1, problems
    path, where, text = problems[0]
    assert path == "quiz.yaml" and where.endswith(field), where
    assert where.startswith(entry) or where.startswith("["), where
    assert message in text, text


def test_a_repeated_id_and_question_are_reported(tmp_path: Path) -> None:
    first, second = "q-constitution-002", "q-constitution-003"
    repeat = "question: 每年的国家宪法日是哪一天？"
    asked = "question: 现行宪法通过后，以“宪法修正案”的方式修改过几次？"
    problems = refused(
        tmp_path,
        Edit("quiz.yaml", "id: q-constitution-002", "id: q-constitution-001", entry=first),
        Edit("quiz.yaml", asked, repeat, entry=second),
    )
    assert [(p.path, p.field) for p in problems] == [
        ("quiz.yaml", "q-constitution-001.id"),
        ("quiz.yaml", "q-constitution-003.question"),
    ]


def test_a_broken_campaign_is_reported_once_not_by_its_questions(tmp_path: Path) -> None:
    anti_drug_day = Edit("campaigns.yaml", 'date: "06-26"', 'date: "02-30"')
    problems = refused(tmp_path, anti_drug_day)
    anti_drug = named(CONTENT_DIR / "campaigns.yaml", "- id: anti-drug-day")
    assert [(p.path, p.field) for p in problems] == [(anti_drug, "date")]


def test_a_card_with_an_unknown_category_does_not_spread_to_its_questions(tmp_path: Path) -> None:
    card = Edit("cards/constitution-day.md", "category: constitution", "category: nonsense")
    problems = refused(tmp_path, card)
    assert [(p.path, p.field) for p in problems] == [("cards/constitution-day.md", "category")]


def test_an_unknown_campaign_is_a_warning_with_file_and_field(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    quiz = content / "quiz.yaml"
    edit_entry(quiz, SINGLE, "constitution-week]", "no-week]")
    library, problems = collect(content)
    assert problems == [] and library is not None
    assert [(w.path, w.field) for w in library.warnings] == [("quiz.yaml", f"{SINGLE}.campaigns")]
    assert "no-week" in library.warnings[0].message


def test_an_empty_calendar_leaves_the_quiz_usable(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    (content / "campaigns.yaml").write_text("[]\n", encoding="utf-8")  # as the e2e tests do
    library, problems = collect(content)
    assert problems == [] and library is not None and library.quiz
    assert library.warnings
    assert {w.path for w in library.warnings} <= {"quiz.yaml", "indicators.yaml"}
    assert all(w.field.endswith(".campaigns") for w in library.warnings)


def test_a_quiz_that_is_not_a_list_is_one_problem(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    (content / "quiz.yaml").write_text("question: 这不是列表\n", encoding="utf-8")
    _, problems = collect(content)
    assert [(p.path, p.field) for p in problems] == [("quiz.yaml", "")]


def test_unreadable_quiz_is_one_problem(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    (content / "quiz.yaml").write_text("- id: [unclosed\n", encoding="utf-8")
    _, problems = collect(content)
    assert [(p.path, p.field) for p in problems] == [("quiz.yaml", "")]
    assert "YAML 格式有误" in problems[0].message


def test_without_quiz_yaml_the_library_has_no_questions(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    (content / "quiz.yaml").unlink()
    library, problems = collect(content)
    assert problems == [] and library is not None and library.quiz == []
