"""A volunteer's certificate of recorded service hours as a PNG (matplotlib, like the charts:
a CJK font when one is found, else the Chinese spelled in pinyin)."""

import io
import textwrap
from pathlib import Path

from documents.charts import ascii_label, find_cjk_font

WIDTH, HEIGHT = 8.0, 5.6  # inches, at 150 dpi
WRAP = 26  # characters a body line holds


def certificate_png(
    title: str, body: str, footer: str, code_line: str, *, font: Path | None = None
) -> bytes:
    from matplotlib import font_manager
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    font_file = find_cjk_font(font)
    props = font_manager.FontProperties(fname=str(font_file)) if font_file else None

    def show(text: str) -> str:
        return text if font_file is not None else ascii_label(text)

    figure = Figure(figsize=(WIDTH, HEIGHT), dpi=150)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_axis_off()
    axes.add_patch(Rectangle((0.03, 0.04), 0.94, 0.92, fill=False, linewidth=3, color="#b22222"))
    axes.text(0.5, 0.84, show(title), ha="center", fontsize=24, fontproperties=props)
    wrapped = "\n".join(textwrap.wrap(show(body), WRAP if font_file else WRAP * 2))
    axes.text(0.5, 0.56, wrapped, ha="center", va="center", fontsize=13, fontproperties=props)
    axes.text(0.5, 0.24, show(footer), ha="center", fontsize=9, fontproperties=props)
    axes.text(0.5, 0.14, show(code_line), ha="center", fontsize=12, fontproperties=props)
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()
