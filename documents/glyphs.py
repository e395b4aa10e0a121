"""What the documents' CJK font can print: a character it has no glyph for (an emoji: no
colour-emoji font is installed, and matplotlib draws none) is left out of a poster or a
certificate rather than printed as an empty box; `undrawable` names what is left out, so the
maker of a poster can be told."""

import re
from functools import cache
from pathlib import Path

from documents.charts import ascii_label, find_cjk_font


def printable(text: str, font_file: Path | None) -> str:
    """`text` as a document draws it: without what `font_file` cannot draw, or in pinyin
    when there is no CJK font (documents.charts.ascii_label)."""
    return drawable(text, font_file) if font_file is not None else ascii_label(text)


@cache
def _codepoints(font_file: Path) -> frozenset[int]:
    """The characters `font_file` has a glyph for (its first face, as matplotlib uses)."""
    from fontTools.ttLib import TTFont

    with TTFont(font_file, fontNumber=0, lazy=True) as font:
        return frozenset(font.getBestCmap())


def undrawable(text: str, *, font: Path | None = None) -> str:
    """What `drawable` leaves out of `text` with the documents' CJK font, each once, in order;
    "" without a CJK font (a document is then in pinyin, see documents.charts.ascii_label)."""
    font_file = find_cjk_font(font)
    if font_file is None:
        return ""
    dropped = (unit for unit in _UNIT.findall(text) if not _known(unit, font_file))
    return "".join(dict.fromkeys(dropped))


def drawable(text: str, font_file: Path) -> str:
    """`text` without the characters `font_file` cannot draw, an emoji sequence (👮‍♀️: joined
    with U+200D, with a variation selector or a skin tone) left out whole; spaces left
    around them tidied."""
    kept = "".join(unit for unit in _UNIT.findall(text) if _known(unit, font_file))
    return text if kept == text else re.sub(r" {2,}", " ", kept).strip()


# A character with what may belong to it: variation selectors, skin tones, joined characters
_UNIT = re.compile(r".(?:[\ufe0e\ufe0f\U0001f3fb-\U0001f3ff]|\u200d.)*", re.S)


def _known(unit: str, font_file: Path) -> bool:
    known = _codepoints(font_file)
    return all(ch.isspace() or ord(ch) in known for ch in unit)
