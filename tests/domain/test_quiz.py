"""The quiz's plain logic: marking against the clock, ticks, typed numbers, the draw, and a
leaderboard that shows first names only, escaped."""

import random
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from content.loader import Library
from domain.quiz import (
    board_html,
    bounded_number,
    draw,
    find_campaign,
    mark,
    picked,
    toggle,
)
from storage.quiz import Board, Entry, TownLine
from tests.clock import QUIET


def test_an_answer_after_the_time_scores_nothing(library: Library) -> None:
    question = next(q for q in library.quiz if q.kind == "single")
    limit = timedelta(seconds=30)
    on_time = mark(
        question, question.answer, asked_at=QUIET, now=QUIET + timedelta(seconds=29), limit=limit
    )
    late = mark(
        question, question.answer, asked_at=QUIET, now=QUIET + timedelta(seconds=31), limit=limit
    )
    assert (on_time.points, on_time.late, on_time.elapsed_ms) == (1, False, 29_000)
    assert (late.correct, late.points, late.late, late.elapsed_ms) == (True, 0, True, 30_000)
    # A clock running backwards (a restored backup) never gives negative time.
    early = mark(
        question, question.answer, asked_at=QUIET, now=QUIET - timedelta(seconds=5), limit=limit
    )
    assert early.elapsed_ms == 0


def test_a_multiple_choice_needs_exactly_the_right_options(library: Library) -> None:
    question = next(q for q in library.quiz if q.kind == "multiple")
    marked = mark(question, question.answer[:1], asked_at=QUIET, now=QUIET, limit=None)
    assert not marked.correct
    assert mark(question, question.answer, asked_at=QUIET, now=QUIET, limit=None).points == 1
    ticks = ""
    for option in question.answer:
        ticks = toggle(ticks, option, len(question.options))
    assert picked(ticks, len(question.options)) == question.answer
    assert picked(toggle(ticks, question.answer[0], 4), 4) == question.answer[1:]
    assert picked("9,x,１,-1,0", 4) == [0]


@given(st.text(max_size=30))
def test_typed_numbers_are_ascii_digits_within_bounds(text: str) -> None:
    value = bounded_number(text, 3, 20)
    assert value is None or 3 <= value <= 20


def test_typed_numbers() -> None:
    assert bounded_number(" 10 ", 3, 20) == 10
    assert bounded_number("１０", 3, 20) == 10  # full-width digits, as IMEs type them
    assert [bounded_number(t, 3, 20) for t in ("2", "21", "十", "1e1", "٣", "🔟", "")] == [
        None
    ] * 7


def test_the_draw_takes_the_campaigns_questions_first(library: Library) -> None:
    tagged = {q.id for q in library.quiz if "constitution-week" in q.campaigns}
    ids = draw(library.quiz, 10, random.Random(1), campaign="constitution-week", single_only=True)
    assert len(set(ids)) == 10 and set(ids) <= tagged
    singles = {q.id for q in library.quiz if q.kind == "single"}
    assert set(draw(library.quiz, 200, random.Random(2), single_only=True)) == singles
    assert draw([], 5, random.Random(3)) == []


def test_campaigns_are_found_by_id_name_or_short_name(library: Library) -> None:
    for text in ("constitution-week", "宪法宣传周", " 宪法周 "):
        found = find_campaign(library.campaigns, text)
        assert found is not None and found.id == "constitution-week"
    assert find_campaign(library.campaigns, "春节") is None


def test_the_board_shows_first_names_escaped_and_towns_by_average(library: Library) -> None:
    board = Board(
        3,
        [Entry("<b>阿明</b>", "东镇", 3, 12_345), Entry("", "", 1, 1_000)],
        [TownLine("东镇", 1, 3), TownLine("西镇", 2, 2), TownLine("", 0, 0)],
    )
    text = board_html(library.ui.quiz, "宪法 & 竞赛", board, 3, unknown_town="乡镇不详")
    assert "&lt;b&gt;阿明&lt;/b&gt;" in text and "宪法 &amp; 竞赛" in text
    assert "12.3 秒" in text and library.ui.quiz.someone in text
    assert text.index("东镇：1 人参加，平均 3.0 分") < text.index("西镇：2 人参加，平均 1.0 分")
    empty = board_html(library.ui.quiz, "竞赛", Board(0, [], []), 3, unknown_town="乡镇不详")
    assert library.ui.quiz.board_empty in empty
