"""campaigns.yaml: a reminder's message that could say one of the campaign's days twice is
refused by the content check (its {when} may be the date itself: sent long before, or late)."""

from datetime import date, timedelta
from pathlib import Path

import pytest

from content.campaigns import render
from content.loader import CONTENT_DIR, Library, collect
from tests.content.content_copy import Edit, copy_content, edit_entry, named, refused

TWICE = (
    "活动的{}会写两次（{}；{{when}} 也可能就是日期）：每天只写一次，"
    "比如“{{when}}（{{start}}）开始，{{end}}结束”"
)


@pytest.mark.parametrize(
    ("entry", "old", "new", "field", "day", "placeholders"),
    [
        pytest.param(
            "food-safety-week",
            "{when}（{start}）开始，{end}结束。",
            "（{period}）{when}开始。",
            "message",
            "第一天",
            "{period}、{when}",
            id="period before when",
        ),
        pytest.param(
            "food-safety-week",
            "{when}（{start}）开始：欢迎",
            "{start}开始（{when}）：欢迎",
            "volunteer_message",
            "第一天",
            "{start}、{when}",
            id="start and when apart",
        ),
        pytest.param(
            "cybersecurity-week",
            "{when}（{start}）开始，{end}结束。",
            "{when}（{period}）开始，{end}结束。",
            "message",
            "最后一天",
            "{when}（{period}）、{end}",
            id="end in the period and again",
        ),
        pytest.param(
            "constitution-day",
            "📜 {when}（{period}）是",
            "📜 {when}（{period}，{start}）是",
            "message",
            "第一天",
            "{when}、{period}、{start}",
            id="one day said three ways",
        ),
    ],
)
def test_a_message_that_would_say_a_day_twice_is_refused(
    tmp_path: Path, entry: str, old: str, new: str, field: str, day: str, placeholders: str
) -> None:
    problems = refused(tmp_path, Edit("campaigns.yaml", old, new, entry=entry))
    assert [(p.path, p.field, p.message) for p in problems] == [
        (
            named(CONTENT_DIR / "campaigns.yaml", f"- id: {entry}"),
            field,
            TWICE.format(day, placeholders),
        )
    ]


def test_a_month_is_not_a_day(tmp_path: Path) -> None:
    """A month's {period} (5月) names no day: beside {when}（{start}） it says nothing twice."""
    with pytest.raises(AssertionError, match="accepted"):
        refused(
            tmp_path,
            Edit(
                "campaigns.yaml",
                "{when}（{start}）开始。",
                "{when}（{start}）开始，整个{period}都是。",
                entry="civil-code-month",
            ),
        )


def test_a_one_day_campaign_says_its_day_once(tmp_path: Path) -> None:
    """12·4国家宪法日 is one day: {start} written twice writes it twice."""
    problems = refused(
        tmp_path,
        Edit(
            "campaigns.yaml",
            "📜 {when}（{period}）是",
            "📜 {when}（{start}）是，{start}",
            entry="constitution-day",
        ),
    )
    assert [p.message for p in problems] == [TWICE.format("第一天", "{when}（{start}）、{start}")]


def test_a_one_day_movable_campaign_is_accepted_and_says_its_day_once(tmp_path: Path) -> None:
    """全国食品安全宣传周 of one day (days: 1) was refused: its "{when}（{start}）开始，{end}结束"
    would write the day twice. Its {end} is now said 当天 when the day is written already."""
    content = copy_content(tmp_path)
    edit_entry(content / "campaigns.yaml", "food-safety-week", "days: 7", "days: 1")
    library, problems = collect(content)
    assert problems == [] and library is not None
    [food] = [c for c in library.campaigns if c.id == "food-safety-week"]
    first, last = food.period(2027)
    assert first == last == date(2027, 9, 11)
    week_before = render(food.message, food, first, last, first - timedelta(days=7))
    assert "7 天后（9月11日）开始，当天结束。" in week_before
    long_before = render(food.message, food, first, last, date(2026, 12, 5))
    assert "2027年9月11日（周六）开始，当天结束。" in long_before


@pytest.mark.parametrize(
    ("template", "said"),
    [
        ("{end}结束", "9月11日结束"),  # nothing else says the day: {end} does
        ("{start}开始，{end}结束", "9月11日开始，当天结束"),
        ("（{period}）{end}结束", "（9月11日）当天结束"),
    ],
)
def test_a_one_day_end_is_its_date_only_when_nothing_else_says_it(
    library: Library, template: str, said: str
) -> None:
    [food] = [c for c in library.campaigns if c.id == "food-safety-week"]
    day = date(2027, 9, 11)
    assert render(template, food, day, day, day - timedelta(days=7)) == said
