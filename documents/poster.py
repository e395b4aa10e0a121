"""A printable poster for a QR code (法治宣传栏, a notice board): A4 portrait at 150 dpi, the
title, an invitation to scan, the code large in the middle, the event's day, the place or who
is holding it (as given), and a footer with the legal hotline and who organised it. The words
come from the caller (the text catalogue, or typed: drawn as plain text, never as mathtext);
the code is drawn pixel for pixel from qrcode's own matrix, so it scans as sharply as the bare
PNG. A character the poster's font has no glyph for (an emoji: no colour-emoji font is
installed, and matplotlib draws none) is left out rather than printed as an empty box
(documents.glyphs); `undrawable` names them, so the maker can be told."""

import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from documents.certificate import wrap
from documents.charts import find_cjk_font
from documents.glyphs import printable
from documents.glyphs import undrawable as undrawable  # the poster's check, as callers know it

if TYPE_CHECKING:
    from matplotlib.figure import Figure

DPI = 150
WIDTH_PX, HEIGHT_PX = 1240, 1754  # A4 (210 × 297 mm) at 150 dpi
CODE_PX = 697  # the code's side, quiet zone included (a whole number of pixels per module)
CODE_TOP = 0.735  # where the code's top edge sits (fraction of the height, from the bottom)
TITLE_COLUMNS = 28  # 14 Chinese characters a title line holds at TITLE_SIZE
TITLE_LINES = 3  # a longer title is cut with …
TITLE_SIZE = 30
BODY_COLUMNS = 56
PLACE_COLUMNS = 40  # 20 Chinese characters a place line holds at PLACE_SIZE
PLACE_LINES = 2  # a longer place is cut with … (domain.posters.MAX_PLACE fits in two)
PLACE_SIZE = 18


@dataclass(frozen=True)
class PosterWords:
    """What the poster says; every line but the title and the invitation may be empty."""

    title: str
    invitation: str
    when: str = ""
    place: str = ""  # e.g. 东山镇司法所 · 普法志愿服务
    hotline: str = ""
    organiser: str = ""


def code_matrix(link: str) -> list[list[bool]]:
    """The QR modules of `link`, quiet zone (4 modules) included; True is dark."""
    import qrcode

    code = qrcode.QRCode(border=4, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(link)
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]


def code_box(link: str) -> tuple[int, int, int, int]:
    """The code's place in the PNG as (left, top, side, module) in pixels from the top left:
    where a scanner (or a test) finds it."""
    modules = len(code_matrix(link))
    module = CODE_PX // modules
    side = module * modules
    left = (WIDTH_PX - side) // 2
    top = round(HEIGHT_PX * (1 - CODE_TOP))
    return left, top, side, module


def poster_figure(words: PosterWords, link: str, *, font: Path | None = None) -> "Figure":
    import numpy as np
    from matplotlib import font_manager
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    font_file = find_cjk_font(font)
    props = font_manager.FontProperties(fname=str(font_file)) if font_file else None

    def show(text: str) -> str:
        return printable(text, font_file)

    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_axis_off()
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1)
    axes.add_patch(Rectangle((0.04, 0.03), 0.92, 0.94, fill=False, linewidth=4, color="#b22222"))

    title = cut(wrap(show(words.title), TITLE_COLUMNS), TITLE_LINES)
    size = TITLE_SIZE if len(title) < TITLE_LINES else TITLE_SIZE - 4
    axes.text(
        0.5,
        0.935,
        "\n".join(title),
        ha="center",
        va="top",
        fontsize=size,
        fontweight="bold",
        fontproperties=props,
        color="#b22222",
        linespacing=1.3,
        parse_math=False,
    )
    invitation = "\n".join(wrap(show(words.invitation), BODY_COLUMNS))
    axes.text(
        0.5,
        0.765,
        invitation,
        ha="center",
        va="center",
        fontsize=15,
        fontproperties=props,
        parse_math=False,
    )

    matrix = np.array(code_matrix(link), dtype=bool)
    left, top, side, module = code_box(link)
    pixels = np.kron(~matrix, np.ones((module, module), dtype=bool)).astype(np.uint8) * 255
    figure.figimage(
        np.dstack([pixels] * 3), xo=left, yo=HEIGHT_PX - top - side, origin="upper", zorder=3
    )

    below = 1 - (top + side) / HEIGHT_PX  # the code's bottom edge
    place = "\n".join(cut(wrap(show(words.place), PLACE_COLUMNS), PLACE_LINES))
    lines = [
        (below - 0.05, "\n".join(wrap(show(words.when), BODY_COLUMNS)), 18),
        (0.215, place, PLACE_SIZE),
        (0.14, "\n".join(wrap(show(words.hotline), BODY_COLUMNS)), 16),
        (0.09, "\n".join(wrap(show(words.organiser), BODY_COLUMNS)), 14),
    ]
    for y, text, fontsize in lines:
        if text:
            axes.text(
                0.5,
                y,
                text,
                ha="center",
                va="center",
                fontsize=fontsize,
                fontproperties=props,
                parse_math=False,
            )
    return figure


def cut(lines: list[str], most: int) -> list[str]:
    """At most `most` lines, the last ending in … when some were left out."""
    if len(lines) <= most:
        return lines
    return [*lines[: most - 1], lines[most - 1][:-1] + "…"]


def poster_png(words: PosterWords, link: str, *, font: Path | None = None) -> bytes:
    out = io.BytesIO()
    poster_figure(words, link, font=font).savefig(out, format="png", dpi=DPI)
    return out.getvalue()
