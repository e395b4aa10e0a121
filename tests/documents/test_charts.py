"""The weekly chart renders as PNG, with a CJK font when there is one and pinyin otherwise."""

from datetime import date, timedelta
from pathlib import Path

import pytest

from documents.charts import ascii_label, find_cjk_font, weekly_chart

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
