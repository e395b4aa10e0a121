"""The weekly chart renders as PNG, with a CJK font when there is one and pinyin otherwise;
its weeks are named by their days, and every name fits in the picture without touching
another (the PNG's and the dashboard's SVG's)."""

import itertools
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from documents.charts import ascii_label, find_cjk_font, weekly_chart, weekly_figure
from documents.svg import NARROWEST, WIDE_FROM, WeekName, weekly_columns
from documents.weeks import week_label

WEEKLY = {
    date(2026, 1, 5) + timedelta(days=7 * i): {"constitution": i % 3, "anti_fraud": 1}
    for i in range(10)
}
LABELS = {"constitution": "宪法宣传", "anti_fraud": "反诈宣传"}


def test_without_a_cjk_font_labels_are_pinyin_and_no_glyph_is_missing() -> None:
    png = weekly_chart(WEEKLY, LABELS, "每周活动次数", use_system_fonts=False)
    assert png.startswith(b"\x89PNG") and len(png) > 5000
    assert ascii_label("宪法宣传 🎉") == "xian fa xuan chuan"
    assert ascii_label("🎉") == "?"


def test_with_a_cjk_font_chinese_renders() -> None:
    if find_cjk_font() is None:
        pytest.skip("no CJK font installed (e.g. apt-get install fonts-noto-cjk)")
    png = weekly_chart(WEEKLY, LABELS, "每周活动次数")
    assert png.startswith(b"\x89PNG")


def test_a_missing_font_file_falls_back_to_pinyin(tmp_path: Path) -> None:
    assert find_cjk_font(tmp_path / "nope.ttf") is None
    png = weekly_chart({}, LABELS, "空", font=tmp_path / "nope.ttf")
    assert png.startswith(b"\x89PNG")


def test_a_week_is_named_by_its_days_within_the_period() -> None:
    monday = date(2026, 11, 30)
    assert week_label(monday) == "11/30–12/6"
    assert week_label(monday, first=date(2026, 12, 1)) == "12/1–12/6"
    assert week_label(date(2026, 12, 28), last=date(2026, 12, 31)) == "12/28–12/31"
    assert week_label(monday, last=monday) == "11/30"


def _year(first: date, last: date) -> dict[date, dict[str, int]]:
    monday = first - timedelta(days=first.weekday())
    weeks = {}
    while monday <= last:
        weeks[monday] = {"constitution": monday.day % 4, "anti_fraud": 1}
        monday += timedelta(days=7)
    return weeks


PERIODS = [
    (date(2026, 12, 1), date(2026, 12, 31)),  # a month: every week named
    (date(2026, 1, 1), date(2026, 3, 10)),  # the dashboard's year so far
    (date(2025, 1, 1), date(2025, 12, 31)),  # a whole year
]


@pytest.mark.parametrize(("first", "last"), PERIODS)
def test_the_png_names_fit_side_by_side(first: date, last: date) -> None:
    weekly = _year(first, last)
    figure = weekly_figure(weekly, LABELS, "每周活动次数", first=first, last=last)
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    [axes] = figure.axes
    ticks = [t for t in axes.get_xticklabels() if t.get_text()]
    names = [t.get_text() for t in ticks]
    weeks = sorted(weekly)
    assert names[-1] == week_label(weeks[-1], first, last)  # the latest week is named
    assert names[0].startswith(f"{first.month}/{first.day}") or len(weeks) > 8
    assert all("–" in name or "/" in name for name in names)
    boxes = sorted((t.get_window_extent(renderer) for t in ticks), key=lambda b: b.x0)
    picture = figure.bbox
    for box in boxes:
        assert picture.x0 <= box.x0 and box.x1 <= picture.x1, (box, picture)
        assert picture.y0 <= box.y0 and box.y1 <= picture.y1, (box, picture)
    for left, right in itertools.pairwise(boxes):
        assert left.x1 < right.x0, (left, right)


@pytest.mark.parametrize("width", [NARROWEST, 390, WIDE_FROM, 1136, 1900])
@pytest.mark.parametrize(("first", "last"), PERIODS)
def test_the_svg_names_fit_inside_and_apart_at_every_width(
    first: date, last: date, width: int
) -> None:
    """One drawing for every page width, its positions in per cent: the names shown at a
    width (wide-only ones from WIDE_FROM) fit inside and apart by the widths they reserve
    (the browser test measures the real ones); the latest week is always named."""
    weekly = _year(first, last)
    svg = weekly_columns(weekly, LABELS, title="每周", first=first, last=last)
    assert 'width="100%"' in svg and "viewBox" not in svg and svg.count("<svg") == 1
    named = re.findall(
        r'<text x="([\d.]+)%" y="\d+" text-anchor="(\w+)" class="week( wide-only)?">([^<]+)<', svg
    )
    names = [WeekName(text, float(at) / 100, anchor, not wide) for at, anchor, wide, text in named]
    assert names[-1].text == week_label(max(weekly), first, last) and names[-1].always
    shown = [name for name in names if name.always or width >= WIDE_FROM]
    spans = [name.span(width) for name in shown]
    assert all(left >= 0 and right <= width for left, right in spans), spans
    assert all(a[1] < b[0] for a, b in itertools.pairwise(spans)), spans
    if width >= WIDE_FROM and len(weekly) <= 10:
        assert len(shown) == len(weekly)  # a PC's page names every week of ten
