"""Properties of what parses free text in the case library and the quiz bank: case bodies,
case files, law citations and quiz.yaml data, for any text a coordinator might write."""

from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from content.case_library import CASE_BODY_LIMIT, CASE_SECTIONS, case_from_text, case_sections
from content.case_library import section_problems as body_problems
from content.checks import Found, Known, known_ids, law_names
from content.loader import CONTENT_DIR, Library
from content.quiz import quiz_from_data
from content.recognition import Recognition, StarLevel

TYPED = st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"], include_characters="\n")
TEXT = st.text(TYPED, max_size=200)
# Lines that are never headings (no ** at all) and hold no line break of any kind (Zl, Zp)
LINE_CHARS = st.characters(codec="utf-8", exclude_categories=["Cc", "Cs", "Zl", "Zp"])
PLAIN_LINE = st.text(LINE_CHARS, max_size=40)
PLAIN = st.lists(PLAIN_LINE, max_size=4).map("\n".join).filter(lambda s: "**" not in s)
TITLES = st.sampled_from([*CASE_SECTIONS, "法律依据", "背景"])


@pytest.fixture(scope="module")
def known(library: Library) -> Known:
    return known_ids(CONTENT_DIR, library.cards.values())


def _body(sections: list[tuple[str, str]]) -> str:
    return "\n".join(f"**{title}**\n{text}" for title, text in sections)


@settings(max_examples=300, deadline=None)
@given(body=TEXT)
def test_any_body_splits_and_is_judged_without_failing(body: str) -> None:
    sections = case_sections(body)
    assert all(s.title for s in sections[1:])  # only the first may be untitled lead text
    assert all(s.title.strip() == s.title and "*" not in s.title for s in sections)
    problems = body_problems(body)
    assert all(isinstance(p, str) and p for p in problems)
    if len(body) > CASE_BODY_LIMIT:
        assert any(str(CASE_BODY_LIMIT) in p for p in problems)


@settings(max_examples=300, deadline=None)
@given(sections=st.lists(st.tuples(TITLES, PLAIN), max_size=5))
def test_headings_and_texts_come_back_as_written(sections: list[tuple[str, str]]) -> None:
    parsed = case_sections(_body(sections))
    assert [(s.title, s.text) for s in parsed] == [(t, text.strip()) for t, text in sections]


@settings(max_examples=300, deadline=None)
@given(sections=st.lists(st.tuples(TITLES, PLAIN), max_size=5))
def test_a_body_passes_exactly_when_it_has_the_three_sections_in_order(
    sections: list[tuple[str, str]],
) -> None:
    body = _body(sections)
    well_formed = (
        [title for title, _ in sections] == list(CASE_SECTIONS)
        and all(text.strip() for _, text in sections)
        and len(body) <= CASE_BODY_LIMIT
    )
    assert (body_problems(body) == []) == well_formed


@settings(max_examples=200, deadline=None)
@given(text=TEXT, stem=st.from_regex(r"[a-z][a-z0-9-]{0,20}", fullmatch=True))
def test_any_case_file_text_is_loaded_or_reported_never_raises(
    known: Known, text: str, stem: str
) -> None:
    found: Found = []
    case = case_from_text(text, stem, known, found)
    assert case is not None or found
    assert all(path == f"cases/{stem}.md" and message for path, _, message in found)


@settings(max_examples=200, deadline=None)
@given(
    head=st.dictionaries(st.sampled_from(["id", "title", "cards", "law", "x"]), TEXT), body=TEXT
)
def test_any_front_matter_mapping_is_loaded_or_reported(
    known: Known, head: dict[str, str], body: str
) -> None:
    found: Found = []
    text = f"---\n{yaml.safe_dump(head, allow_unicode=True)}---\n{body}"
    case = case_from_text(text, "some-case", known, found)
    assert case is None and found  # required fields are always missing here


@settings(max_examples=300, deadline=None)
@given(text=TEXT)
def test_law_names_are_what_stands_between_the_book_title_marks(text: str) -> None:
    for name in law_names(text):
        assert name and "《" not in name and "》" not in name
        assert f"《{name}" in text


@given(
    names=st.lists(st.text(TYPED, min_size=1, max_size=10).filter(lambda s: s.strip()), max_size=4)
)
def test_cited_laws_are_found(names: list[str]) -> None:
    names = [n.replace("《", "").replace("》", "").strip() for n in names]
    names = [n for n in names if n]
    text = "、".join(f"《{n}》第一条" for n in names)
    assert law_names(text) == names


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 10) | TEXT,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(["id", "kind", "question", "options", "answer", "card", "category"]),
            children,
            max_size=7,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(data=JSON)
def test_any_quiz_data_is_loaded_or_reported_never_raises(known: Known, data: Any) -> None:
    found: Found = []
    notes: Found = []
    questions = quiz_from_data(data, known, "quiz.yaml", found, notes)
    if not isinstance(data, list) or len(questions) < len(data):
        assert found
    assert all(path == "quiz.yaml" and message for path, _, message in found + notes)


@given(
    hours=st.lists(st.integers(1, 5000), min_size=1, max_size=6, unique=True),
    a=st.floats(0, 6000),
    b=st.floats(0, 6000),
)
def test_star_level_never_falls_as_hours_grow(hours: list[int], a: float, b: float) -> None:
    thresholds = sorted(hours)
    recognition = Recognition(
        basis="按登记的服务时长计算星级。",
        levels=[
            StarLevel(stars=i + 1, hours=h, label=f"{i + 1}星") for i, h in enumerate(thresholds)
        ],
    )
    low, high = sorted((a, b))
    low_level, high_level = recognition.level_for(low), recognition.level_for(high)
    assert (low_level is None) == (low < thresholds[0])
    if low_level is not None:
        assert high_level is not None and high_level.stars >= low_level.stars
        assert low_level.hours <= low
