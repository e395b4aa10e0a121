"""Property tests for what the residents' help renders from data a coordinator edits or
imports (pre-check outcomes, advisers, hotlines) and from any question."""

from hypothesis import given, settings
from hypothesis import strategies as st

from content.legal_aid import chat_paths, evaluate
from content.loader import Library
from content.search import SearchIndex
from domain.answers import answer, answer_html
from handlers.residents.advisers import adviser_html
from handlers.residents.hotlines import card_hotlines_html, hotlines_html
from handlers.residents.precheck import outcome_html
from storage.models import ServicePoint, VillageAdviser
from tests.handlers.test_properties import AUTHOR_TEXT, assert_valid_telegram_html

FIELD = AUTHOR_TEXT.filter(lambda t: 1 <= len(t.strip()) <= 50)


def test_every_precheck_outcome_renders_valid_html(library: Library) -> None:
    criteria = library.legal_aid
    assert criteria is not None
    points = [(ServicePoint(**p.model_dump()), 1.5) for p in library.directory[:3]]
    for answers, rule in chat_paths(criteria):
        outcome = evaluate(criteria, answers)
        assert rule is not None and outcome.rule == rule.id
        for shown in (points, []):
            text = assert_valid_telegram_html(outcome_html(outcome, library, shown))
            assert "12348" in text and "参考" in text


def test_the_hotline_lists_render_valid_html(library: Library) -> None:
    text = assert_valid_telegram_html(hotlines_html(library))
    assert all(h.number in text for h in library.hotlines)
    for card_id in library.cards:
        assert_valid_telegram_html(card_hotlines_html(library, card_id))


@settings(max_examples=150, deadline=None)
@given(name=FIELD, office=AUTHOR_TEXT, duty=AUTHOR_TEXT, contact=FIELD, sample=st.booleans())
def test_any_imported_adviser_renders_valid_html(
    library: Library, name: str, office: str, duty: str, contact: str, sample: bool
) -> None:
    adviser = VillageAdviser(
        town="<镇>",
        village="&村",
        name=name,
        office=office,
        duty=duty,
        contact=contact,
        sample=sample,
    )
    text = assert_valid_telegram_html(adviser_html(adviser, library))
    assert "<镇>&村" in text and name in text and contact in text
    assert (library.ui.residents.adviser_sample in text) is sample


@settings(max_examples=150, deadline=None)
@given(question=st.text(st.characters(codec="utf-8"), max_size=200))
def test_any_question_gets_a_valid_answer_with_or_without_numbers(
    library: Library, index: SearchIndex, question: str
) -> None:
    found = answer(index, question, safety=library.safety)
    assert_valid_telegram_html(answer_html(found, library))
