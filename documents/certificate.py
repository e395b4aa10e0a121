"""A volunteer's certificate of recorded service hours as a PNG (matplotlib, like the charts:
a CJK font when one is found, else the Chinese spelled in pinyin)."""

import io
import re
import unicodedata
from pathlib import Path

from documents.charts import find_cjk_font
from documents.glyphs import printable

WIDTH, HEIGHT = 8.0, 5.6  # inches, at 150 dpi
WRAP = 26  # Chinese characters a body line holds (twice as many digits or letters)
NUMBER = re.compile(r"[\d.]+")


def width(text: str) -> int:
    """Columns `text` takes: 2 for a Chinese (wide) character, 1 for a digit or a letter."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def phrases(text: str) -> list[str]:
    """`text` cut where a line may break: at spaces and after Chinese punctuation, but a
    number stays with its unit ("10 次") and a one-character word with what follows
    ("于 2026-01-01")."""
    words = [w for w in re.split(r"\s+|(?<=[，。；、])", text) if w]
    kept: list[str] = []
    for word in words:
        if kept and (NUMBER.fullmatch(kept[-1]) or (len(kept[-1]) == 1 and width(kept[-1]) == 2)):
            kept[-1] += " " + word
        else:
            kept.append(word)
    return kept


def wrap(text: str, columns: int = 2 * WRAP) -> list[str]:
    """Lines of at most `columns` (see `width`), broken between phrases; a phrase longer than
    a line is cut where it must."""
    lines: list[str] = []
    line = ""
    for phrase in phrases(text):
        glue = " " if line and not line.endswith(("，", "。", "；", "、")) else ""
        if width(line + glue + phrase) <= columns:
            line += glue + phrase
            continue
        if line:
            lines.append(line)
        line = phrase
        while width(line) > columns:
            cut = next(i for i in range(len(line), 0, -1) if width(line[:i]) <= columns)
            lines.append(line[:cut])
            line = line[cut:]
    return [*lines, line] if line else lines


def certificate_png(
    title: str, body: str, footer: str, code_line: str, *, font: Path | None = None
) -> bytes:
    from matplotlib import font_manager
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    font_file = find_cjk_font(font)
    props = font_manager.FontProperties(fname=str(font_file)) if font_file else None

    def show(text: str) -> str:  # a name stored with an emoji prints without it
        return printable(text, font_file)

    figure = Figure(figsize=(WIDTH, HEIGHT), dpi=150)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_axis_off()
    axes.add_patch(Rectangle((0.03, 0.04), 0.94, 0.92, fill=False, linewidth=3, color="#b22222"))
    axes.text(0.5, 0.84, show(title), ha="center", fontsize=24, fontproperties=props)
    wrapped = "\n".join(wrap(show(body)))
    axes.text(0.5, 0.56, wrapped, ha="center", va="center", fontsize=13, fontproperties=props)
    axes.text(0.5, 0.24, show(footer), ha="center", fontsize=9, fontproperties=props)
    axes.text(0.5, 0.14, show(code_line), ha="center", fontsize=12, fontproperties=props)
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
