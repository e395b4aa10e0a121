"""Questions no card is for (content/outside.yaml): a question worded like one of them gets
the fallback, unless it is worded more like a card's own question or the legal evidence for
a card is strong; the file is checked like the rest of the content and keys the index cache."""

from pathlib import Path

from content.index_cache import content_key
from content.loader import Library, collect
from content.search import SearchIndex
from tests.content.content_copy import Edit, copy_content, edit, refused

EVERYDAY = "孩子上幼儿园要准备啥"


def test_a_question_worded_like_an_outside_one_falls_back(index: SearchIndex) -> None:
    without = index.held_out(outside=[], asked=[])
    assert without.search(EVERYDAY).matched  # it shares 孩子/学校 words with a card
    learnt = index.held_out(outside=["孩子上幼儿园要准备什么"])
    assert not learnt.search(EVERYDAY).matched


def test_the_shipped_list_is_used_by_the_index(library: Library, index: SearchIndex) -> None:
    assert library.outside
    assert not index.search(EVERYDAY).matched


def test_a_cards_own_question_wins_over_the_same_words_listed_outside(
    index: SearchIndex,
) -> None:
    alias = "老百姓能告政府吗"
    best = index.held_out(outside=[alias]).search(alias).best
    assert index.held_out(outside=[alias]).search(alias).matched
    assert best is not None and best.card_id == "admin-litigation"


def test_strong_legal_evidence_outweighs_the_wording(index: SearchIndex) -> None:
    learnt = index.held_out(outside=["手机屏幕碎了去哪修"])
    result = learnt.search("手机屏幕碎了，被骗了钱怎么办")
    assert result.matched and result.best is not None
    assert result.best.card_id == "fraud-what-to-do"


def test_repeats_are_refused(tmp_path: Path) -> None:
    twice = "questions:\n- 怎么腌咸菜\n- 怎么腌咸菜\n"
    problems = refused(tmp_path, Edit("outside.yaml", "questions:\n", twice))
    assert any(p.path == "outside.yaml" and "怎么腌咸菜" in p.message for p in problems)


def test_a_cards_own_title_listed_outside_is_a_note_not_an_error(tmp_path: Path) -> None:
    """The card wins anyway; the dashboard must still be able to add such a question to a
    card as an alias."""
    content = copy_content(tmp_path)
    edit(content / "outside.yaml", "questions:\n", "questions:\n- 被骗了钱怎么办？\n")
    library, problems = collect(content)
    assert not problems and library is not None
    [note] = [w for w in library.warnings if w.path == "outside.yaml"]
    assert note.field == "questions[0]" and "fraud-what-to-do" in note.message


def test_without_the_file_no_question_is_listed(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    (content / "outside.yaml").unlink()
    library, problems = collect(content)
    assert not problems and library is not None and library.outside == []


def test_the_list_is_part_of_the_index_cache_key(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    before = content_key(content)
    edit(content / "outside.yaml", "questions:\n", "questions:\n- 怎么腌咸菜\n")
    assert content_key(content) != before
