"""The printable QR poster: A4 at 150 dpi for a short and a very long title and place line, every
word inside the picture and clear of the code, typed words drawn as they are (no mathtext),
and the code's pixels module for module what qrcode makes of the link (no QR decoder in the
venv: the matrix is compared instead). Its words come from
the catalogue and hotlines.yaml, never a volunteer's name."""

import io
import itertools
import warnings
from dataclasses import replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.transforms import Bbox
from PIL import Image

from content.loader import Library, collect
from documents.charts import find_cjk_font
from documents.poster import (
    HEIGHT_PX,
    WIDTH_PX,
    PosterWords,
    code_box,
    code_matrix,
    poster_figure,
    poster_png,
    undrawable,
)
from domain.posters import MAX_PLACE, off_poster, poster_place, poster_words, public_words
from tests.content.content_copy import copy_content, edit

LINK = "https://t.me/pufa_demo_bot?start=ev_abcdefgh12345678"
SHORT = "东山村普法讲座"
PAGE = Bbox.from_bounds(0, 0, WIDTH_PX, HEIGHT_PX)
LONG = "关于农村土地承包经营权流转、宅基地和婚姻家庭纠纷的法律常识讲座与现场答疑，" * 3
PLACE = "东山镇司法所 · 普法志愿服务"
LONG_PLACE = "示例县东山镇人民政府司法所与东山村村民委员会普法志愿服务队联合"[:MAX_PLACE]


def assert_code_reads(png: bytes, link: str) -> None:
    """The poster's code area, sampled at each module's centre, is qrcode's matrix of `link`."""
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("L"))
    matrix = code_matrix(link)
    left, top, _side, module = code_box(link)
    centre = module // 2
    seen = [
        [
            pixels[top + r * module + centre, left + c * module + centre] < 128
            for c in range(len(row))
        ]
        for r, row in enumerate(matrix)
    ]
    assert seen == matrix


@pytest.mark.parametrize(
    ("title", "place"), [(SHORT, ""), (LONG, ""), (SHORT, PLACE), (LONG, LONG_PLACE)]
)
def test_the_poster_is_a4_and_every_word_fits(library: Library, title: str, place: str) -> None:
    words = poster_words(
        library,
        title,
        town="示例县城关镇",
        day=date(2026, 3, 12),
        place=place,
    )
    png = poster_png(words, LINK)
    assert Image.open(io.BytesIO(png)).size == (WIDTH_PX, HEIGHT_PX)
    assert_code_reads(png, LINK)
    figure = poster_figure(words, LINK)
    renderer = FigureCanvasAgg(figure).get_renderer()
    left, top, side, _module = code_box(LINK)
    code = Bbox.from_bounds(left, HEIGHT_PX - top - side, side, side)
    texts = [t for t in figure.axes[0].texts if t.get_text()]
    boxes = [t.get_window_extent(renderer) for t in texts]
    assert len(boxes) == (6 if place else 5)
    if place:  # the longest place the chat and the CLI take: whole, on at most two lines
        [line] = [t.get_text() for t in texts if t.get_text().replace("\n", "") == place]
        assert line.count("\n") <= 1
    for box in boxes:
        assert PAGE.containsx(box.x0) and PAGE.containsx(box.x1), box
        assert PAGE.containsy(box.y0) and PAGE.containsy(box.y1), box
        assert not box.overlaps(code), box
    for one, other in itertools.pairwise(boxes):
        assert not one.overlaps(other), (one, other)


def test_the_words_come_from_the_catalogue_and_the_hotlines(library: Library) -> None:
    texts = library.ui.engagement
    event = poster_words(library, SHORT, town="示例县城关镇", day=date(2026, 3, 12))
    assert event.invitation == texts.poster_invitation
    assert event.when == "活动日期：2026年3月12日"
    assert event.hotline == "有法律问题，拨打 12348 公共法律服务热线"
    assert event.organiser == "示例县城关镇 普法志愿者"
    card = poster_words(library, "拖欠工资怎么办")
    assert (card.when, card.organiser) == ("", texts.poster_organiser_default)
    no_hotlines = replace(library, hotlines=[])  # no hotlines.yaml: no number
    assert poster_words(no_hotlines, SHORT).hotline == ""


def test_a_place_is_length_limited_and_drawn_as_typed(library: Library) -> None:
    assert poster_place("  东山镇司法所\t·  普法志愿服务 ") == "东山镇司法所 · 普法志愿服务"
    assert poster_place("长" * MAX_PLACE) == "长" * MAX_PLACE
    for bad in ("长" * (MAX_PLACE + 1), "", " · ", "123"):
        assert poster_place(bad) is None, bad
    odd = "$x^2$ 村 $\\alpha$"  # mathtext, were it parsed
    words = poster_words(library, odd, place=odd)
    figure = poster_figure(words, LINK)
    renderer = FigureCanvasAgg(figure).get_renderer()
    shown = [t for t in figure.axes[0].texts if t.get_text() == odd]
    assert len(shown) == 2  # the title and the place, as typed
    for text in shown:
        assert not text.get_parse_math() and text.get_window_extent(renderer).width > 0
    # A place longer than two lines (not from the chat or the CLI) is cut with … to fit.
    words = PosterWords(SHORT, "扫一扫", place=LONG)
    lines = [t.get_text() for t in poster_figure(words, LINK).axes[0].texts]
    [place] = [t for t in lines if t.startswith(LONG[:10])]
    assert place.count("\n") == 1 and place.endswith("…")


def test_without_a_cjk_font_the_poster_is_pinyin_and_still_fits(tmp_path: Path) -> None:
    words = PosterWords(LONG, "扫一扫，问法律问题", hotline="拨打 12348", organiser="普法志愿者")
    png = poster_png(words, LINK, font=tmp_path / "nope.ttf")
    assert Image.open(io.BytesIO(png)).size == (WIDTH_PX, HEIGHT_PX)
    assert_code_reads(png, LINK)
    figure = poster_figure(words, LINK, font=tmp_path / "nope.ttf")
    renderer = FigureCanvasAgg(figure).get_renderer()
    for text in figure.axes[0].texts:
        box = text.get_window_extent(renderer)
        assert PAGE.containsx(box.x0) and PAGE.containsx(box.x1), box
        assert PAGE.containsy(box.y0) and PAGE.containsy(box.y1), box


def test_characters_the_font_cannot_draw_are_left_out_not_boxed(library: Library) -> None:
    """Emoji in a title or a place (no colour-emoji font is installed): every character on the
    poster has a glyph in its font, measured on its cmap and by matplotlib drawing it without
    a missing-glyph warning; `undrawable` names what was left out."""
    font = find_cjk_font()
    if font is None:
        pytest.skip("no CJK font: the poster is in pinyin (see the test below)")
    from fontTools.ttLib import TTFont

    with TTFont(font, fontNumber=0, lazy=True) as opened:
        glyphs = set(opened.getBestCmap())
    title, place = "🎉 城关广场反诈宣传 ✨👮‍♀️", "东山镇司法所 🏛️"
    assert undrawable(title + place) == "🎉✨👮\u200d♀\ufe0f🏛\ufe0f"  # whole sequences
    words = poster_words(library, title, place=place)
    figure = poster_figure(words, LINK)
    shown = [t.get_text() for t in figure.axes[0].texts]
    assert "城关广场反诈宣传" in shown and "东山镇司法所" in shown, shown
    assert all(ord(ch) in glyphs for text in shown for ch in text if not ch.isspace())
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font(s)"
        png = poster_png(words, LINK)
    assert_code_reads(png, LINK)
    assert undrawable("东山村普法讲座｜东山镇司法所 · 普法") == ""


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ("城关广场反诈宣传 电话13812345678", "城关广场反诈宣传"),
        ("东山镇司法所（值班电话：0931-8123456）", "东山镇司法所"),
        ("咨询 手机 138 1234 5678 张三", "咨询 张三"),
        ("普法讲座，联系电话:13812345678，欢迎参加", "普法讲座，欢迎参加"),
        ("东山村普法讲座", "东山村普法讲座"),
    ],
)
def test_a_masked_number_is_left_off_the_poster_with_its_label(
    library: Library, typed: str, printed: str
) -> None:
    """A number typed in a title or a place is stored masked; the poster prints neither the
    asterisks nor the 电话 or 手机 before them."""
    words = poster_words(library, public_words(typed), place=public_words(typed))
    assert words.title == words.place == printed
    assert "*" not in off_poster(public_words(typed), library.typed_words.number_labels)


def test_a_number_label_added_to_typed_words_is_left_off_too(tmp_path: Path) -> None:
    """The words that announce a number are typed_words.yaml's number_labels: one added
    there (QQ) goes off the poster with its number, as 电话 does."""
    typed = public_words("东山村普法讲座 QQ13812345678")
    content = copy_content(tmp_path)
    before = collect(content)[0]
    assert before is not None and poster_words(before, typed).title == "东山村普法讲座 QQ"
    edit(content / "typed_words.yaml", "微信, tel]", "微信, tel, qq]")
    after, problems = collect(content)
    assert after is not None, problems
    assert poster_words(after, typed).title == "东山村普法讲座"
