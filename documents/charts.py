"""The coordinators' chart: activities per week by activity type, as a PNG (matplotlib, Agg).
Each week is named by its days (documents.weeks), as many names as fit side by side, always
the latest week's.

Chinese labels need a CJK font. One is taken from `font` (PUFA_CHART_FONT), else from the
fonts matplotlib finds (e.g. Debian's fonts-noto-cjk or fonts-wqy-microhei); without any,
labels are written in pinyin so the chart still renders, without missing-glyph warnings.
"""

import io
import math
import re
from collections.abc import Mapping
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from documents.weeks import week_label

if TYPE_CHECKING:
    from matplotlib.figure import Figure

KNOWN_CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Sarasa Gothic SC",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Noto Sans CJK TC",
    "Noto Sans CJK JP",
    "AR PL UMing CN",
)
MAX_SERIES = 8
MAX_WEEK_LABELS = 8  # week names ("12/29–1/4") side by side under the 10-inch-wide chart
# File names of the CJK fonts Debian and others ship (wqy-microhei.ttc, NotoSansCJK-*.ttc ...).
_CJK_FILE = re.compile(r"wqy|NotoSansCJK|NotoSerifCJK|SourceHanSans|DroidSansFallback", re.I)


@cache
def find_cjk_font(explicit: Path | None = None) -> Path | None:
    """A font file that can draw Chinese, or None."""
    if explicit is not None:
        return explicit if explicit.is_file() else None
    from matplotlib import font_manager

    by_family = {entry.name: entry.fname for entry in font_manager.fontManager.ttflist}
    for family in KNOWN_CJK_FAMILIES:
        if family in by_family:
            return Path(by_family[family])
    # matplotlib keeps its font list from the first run: a font installed since then is only
    # found on the disk itself.
    on_disk = [Path(name) for name in font_manager.findSystemFonts()]
    return next((path for path in sorted(on_disk) if _CJK_FILE.search(path.name)), None)


def ascii_label(text: str) -> str:
    """Chinese as pinyin, anything else a plain font cannot draw dropped."""
    from pypinyin import lazy_pinyin

    spelled = " ".join(lazy_pinyin(text))
    ascii_only = "".join(ch for ch in spelled if 32 <= ord(ch) < 127)
    return re.sub(r"\s+", " ", ascii_only).strip() or "?"


def weekly_chart(
    weekly: Mapping[date, Mapping[str, int]],
    labels: Mapping[str, str],
    title: str,
    *,
    first: date | None = None,
    last: date | None = None,
    font: Path | None = None,
    use_system_fonts: bool = True,
) -> bytes:
    """The PNG of `weekly_figure`."""
    figure = weekly_figure(
        weekly,
        labels,
        title,
        first=first,
        last=last,
        font=font,
        use_system_fonts=use_system_fonts,
    )
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def weekly_figure(
    weekly: Mapping[date, Mapping[str, int]],
    labels: Mapping[str, str],
    title: str,
    *,
    first: date | None = None,
    last: date | None = None,
    font: Path | None = None,
    use_system_fonts: bool = True,
) -> "Figure":
    """A stacked bar chart, one bar per week (named by its days within `first` and `last`),
    one colour per activity type."""
    from matplotlib import font_manager
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    font_file = find_cjk_font(font) if (font is not None or use_system_fonts) else None
    families = ["DejaVu Sans"]
    if font_file is not None:
        font_manager.fontManager.addfont(str(font_file))
        families.insert(0, font_manager.FontProperties(fname=str(font_file)).get_name())

    def show(text: str) -> str:
        return text if font_file is not None else ascii_label(text)

    weeks = sorted(weekly)
    totals: dict[str, int] = {}
    for counts in weekly.values():
        for kind, count in counts.items():
            totals[kind] = totals.get(kind, 0) + count
    kinds = sorted(totals, key=lambda k: -totals[k])[:MAX_SERIES]

    figure = Figure(figsize=(10, 4.8), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = list(range(len(weeks)))
    bottoms = [0] * len(weeks)
    for kind in kinds:
        heights = [weekly[week].get(kind, 0) for week in weeks]
        axes.bar(positions, heights, bottom=bottoms, label=show(labels.get(kind, kind)))
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    every = max(1, math.ceil(len(weeks) / MAX_WEEK_LABELS))
    shown = positions[len(weeks) - 1 :: -every][::-1]  # the latest week always named
    axes.set_xticks(shown, [week_label(weeks[p], first, last) for p in shown])
    axes.set_title(show(title), fontfamily=families)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    for text in [*axes.get_xticklabels(), *axes.get_yticklabels()]:
        text.set_fontfamily(families)
    if kinds:
        axes.legend(prop=font_manager.FontProperties(family=families, size="small"))
    figure.tight_layout()
    return figure
