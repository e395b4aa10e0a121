"""The certificate's body broken into lines at phrase boundaries: a number stays with its
unit, a date with the word before it, and no line is wider than the image holds."""

import warnings
from datetime import date

import pytest

from content.loader import Library
from documents.certificate import WRAP, certificate_png, width, wrap
from documents.charts import find_cjk_font
from domain.recognition import certificate_text
from storage.models import Certificate


def _body(library: Library, name: str, activities: int, hours: float) -> str:
    certificate = Certificate(
        code="X",
        name=name,
        start=date(2026, 1, 1),
        end=date(2026, 12, 5),
        activities=activities,
        hours=hours,
    )
    return certificate_text(certificate, library.ui)[1]


def test_the_body_breaks_between_phrases(library: Library) -> None:
    lines = wrap(_body(library, "示例志愿者·王", 10, 15.5))
    assert lines == [
        "示例志愿者·王 于 2026-01-01 至 2026-12-05",
        "参加普法志愿服务 10 次，登记服务时长 15.5 小时。",
    ]


def test_a_long_name_and_big_numbers_still_keep_units(library: Library) -> None:
    lines = wrap(_body(library, "示例" * 14, 128, 1234.5))
    assert all(width(line) <= 2 * WRAP for line in lines), lines
    assert any("128 次" in line for line in lines) and any("1234.5 小时" in line for line in lines)
    assert not any(line.endswith(("于", "至")) for line in lines), lines


def test_the_code_line_is_in_chinese_only(library: Library) -> None:
    """The code line says 验证码 and the code, no English beside it."""
    certificate = Certificate(
        code="ABCDEFGHJKLM", name="王", start=date(2026, 1, 1), end=date(2026, 1, 2)
    )
    line = certificate_text(certificate, library.ui)[3]
    assert line == "验证码：ABCD-EFGH-JKLM"


def test_a_name_stored_with_an_emoji_is_printed_without_it(library: Library) -> None:
    """A name stored before emoji were refused: what the font has no glyph for is left out
    (matplotlib warns "Glyph … missing from font(s)" when it would draw a box)."""
    if find_cjk_font() is None:
        pytest.skip("no CJK font: the certificate is in pinyin")
    title, body, footer, code = certificate_text(
        Certificate(code="X", name="张小明😀", start=date(2026, 1, 1), end=date(2026, 12, 5)),
        library.ui,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        png = certificate_png(title, body, footer, code)
    assert png.startswith(b"\x89PNG")
