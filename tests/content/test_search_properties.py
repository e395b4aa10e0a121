"""Properties of the search index for any text a user can type."""

from hypothesis import given, settings
from hypothesis import strategies as st

from content.loader import Library
from content.search import SearchIndex

TYPED = st.characters(codec="utf-8", exclude_categories=["Cc"], include_characters="\n")
# Real vocabulary mixed with noise, so the index also sees texts that do match cards.
WORDS = st.sampled_from(["离婚", "工资", "借钱", "律师", "12348", "房子", "孩子", "宪法", "被骗"])
QUESTIONS = st.lists(st.one_of(WORDS, st.text(TYPED, max_size=20)), max_size=12).map("".join)


@settings(max_examples=200, deadline=None)
@given(text=QUESTIONS, limit=st.integers(1, 10))
def test_search_returns_distinct_cards_best_first(
    index: SearchIndex, library: Library, text: str, limit: int
) -> None:
    result = index.search(text, limit=limit)
    ids = [c.card_id for c in result.candidates]
    scores = [c.score for c in result.candidates]
    assert len(ids) <= limit and len(set(ids)) == len(ids) and set(ids) <= set(library.cards)
    assert scores == sorted(scores, reverse=True)
    assert all(c.title == library.cards[c.card_id].title for c in result.candidates)
    if result.ambiguous:
        assert result.matched and len(result.candidates) >= 2
    assert not (result.matched and result.suggestions)
    assert {c.card_id for c in result.alternatives} <= set(ids[1:])


@settings(max_examples=100, deadline=None)
@given(text=QUESTIONS)
def test_search_depends_only_on_the_text(index: SearchIndex, text: str) -> None:
    assert index.search(text) == index.search(text)
