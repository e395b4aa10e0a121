"""Case cards as a second kind of search document: found by their own words, and the cards'
answers exactly as without them."""

import json
from pathlib import Path

from content.loader import Library
from content.search import SearchIndex

BENCH = Path(__file__).resolve().parents[2] / "bench"


def test_every_case_is_found_by_its_title(index: SearchIndex, library: Library) -> None:
    for case in library.cases.values():
        assert index.search_cases(case.title)[0].card_id == case.id, case.id


def test_asking_for_a_case_lowers_the_bar(index: SearchIndex) -> None:
    assert index.asks_for_case("有没有彩礼的案例") and not index.asks_for_case("彩礼要退吗")
    assert index.search_cases("案例") == []  # a cue alone matches nothing
    assert index.search_cases("今天天气怎么样的案例") == []


def test_the_case_cues_are_lexicon_yaml_s(library: Library) -> None:
    """A coordinator adds 以案说法 to `case_cues`: a question with it asks for a case."""
    question = "彩礼以案说法"
    assert not SearchIndex([], library.lexicon).asks_for_case(question)
    cues = [*library.lexicon.case_cues, "以案说法"]
    lexicon = library.lexicon.model_copy(update={"case_cues": cues})
    index = SearchIndex([], lexicon, cases=library.cases.values())
    assert index.asks_for_case(question)


def test_cases_leave_card_answers_unchanged(index: SearchIndex, library: Library) -> None:
    cards_only = SearchIndex(
        library.cards.values(), library.lexicon, outside=library.outside, asked=library.asked
    )
    lines = (BENCH / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    questions = [json.loads(line)["q"] for line in lines if line.strip()]
    assert len(questions) > 300
    for question in questions:
        assert index.search(question) == cards_only.search(question), question
