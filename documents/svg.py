"""Charts for the web dashboard as inline SVG: drawn in microseconds, sharp on any screen, and
Chinese labels use the browser's fonts (documents/charts.py draws the PNG the chat sends)."""

import math
from collections.abc import Mapping, Sequence
from datetime import date
from html import escape

from documents.weeks import week_label

PALETTE = ("#2f6db5", "#e08a1e", "#3a9a5b", "#c2413b", "#7d5ab5", "#8a6d3b", "#d45d9c", "#5b8a9a")
BAR_HEIGHT, GAP, LABEL_WIDTH, WIDTH = 22, 8, 130, 560
WIDE = 1120  # a chart across a PC's page (the dashboard's weekly trend)
# The most a character of a week label ("12/29–1/4": digits, / and –) takes at font-size 13;
# generous, so that labels spaced by it never touch whatever font the browser picks.
LABEL_CHAR = 7.5
LABEL_SPACE = 8  # at least this between two week labels
BAR_LABEL_CHARS = 9  # Chinese characters (13 px each) that fit left of a bar


def bars(lines: Sequence[tuple[str, float]], *, title: str, empty: str) -> str:
    """Horizontal bars, one per (label, value), largest first as given; `empty` is said when
    there are none."""
    top = max((value for _, value in lines), default=0) or 1
    height = len(lines) * (BAR_HEIGHT + GAP) + GAP
    parts = [_open(WIDTH, max(height, 40), title)]
    for row, (label, value) in enumerate(lines):
        y = GAP + row * (BAR_HEIGHT + GAP)
        length = (WIDTH - LABEL_WIDTH - 70) * value / top
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 16}" text-anchor="end">{_fitted(label)}'
            f'</text><rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT}"'
            f' fill="{PALETTE[0]}"/><text x="{LABEL_WIDTH + length + 6:.1f}" y="{y + 16}">'
            f"{value:g}</text>"
        )
    if not lines:
        parts.append(f'<text x="10" y="25">{escape(empty)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def weekly_columns(
    weekly: Mapping[date, Mapping[str, int]],
    labels: Mapping[str, str],
    *,
    title: str,
    first: date | None = None,
    last: date | None = None,
    width: int = WIDTH,
) -> str:
    """Stacked columns, one per week (keyed by its Monday, named by its days within `first`
    and `last`), one colour per activity type, with a legend, `width` wide. Week labels are
    centred under their columns, as many as fit without touching, always the latest week's,
    and the plot leaves room at both ends for the first and last of them."""
    weeks = sorted(weekly)
    names = [week_label(week, first, last) for week in weeks]
    widest = max((len(name) for name in names), default=0) * LABEL_CHAR
    totals: dict[str, int] = {}
    for counts in weekly.values():
        for kind, count in counts.items():
            totals[kind] = totals.get(kind, 0) + count
    kinds = sorted(totals, key=lambda k: -totals[k])[: len(PALETTE)]
    top = max((sum(weekly[w].values()) for w in weeks), default=0) or 1
    plot_height, bottom = 180, 200
    left, right = max(36.0, widest / 2 + 2), width - max(10.0, widest / 2 + 2)
    step = (right - left) / max(1, len(weeks))
    every = max(1, math.ceil((widest + LABEL_SPACE) / step))
    legend_rows = -(-len(kinds) // 3)
    parts = [_open(width, bottom + 24 + legend_rows * 20, title)]
    parts.append(
        f'<text x="{left - 4:.1f}" y="{bottom - plot_height + 4}" text-anchor="end">{top}</text>'
    )
    parts.append(
        f'<line x1="{left:.1f}" y1="{bottom}" x2="{right:.1f}" y2="{bottom}" stroke="#999"/>'
    )
    for column, week in enumerate(weeks):
        x, y = left + column * step + 1, float(bottom)
        for colour, kind in zip(PALETTE, kinds, strict=False):
            height = plot_height * weekly[week].get(kind, 0) / top
            if height:
                y -= height
                parts.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(step - 2, 1):.1f}" '
                    f'height="{height:.1f}" fill="{colour}"/>'
                )
        if (len(weeks) - 1 - column) % every == 0:
            parts.append(
                f'<text x="{x - 1 + step / 2:.1f}" y="{bottom + 16}" text-anchor="middle"'
                f' class="week">{names[column]}</text>'
            )
    for n, (colour, kind) in enumerate(zip(PALETTE, kinds, strict=False)):
        x, y = 10 + (n % 3) * 180, bottom + 30 + (n // 3) * 20
        parts.append(
            f'<rect x="{x}" y="{y - 11}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 16}" y="{y}">{escape(labels.get(kind, kind)[:10])}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _fitted(label: str) -> str:
    """The label as it fits left of a bar: cut with … when longer, whole in a tooltip."""
    if len(label) <= BAR_LABEL_CHARS:
        return escape(label)
    return f"<title>{escape(label)}</title>{escape(label[: BAR_LABEL_CHARS - 1])}…"


def _open(width: int, height: int, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'class="chart" font-size="13"><title>{escape(title)}</title>'
    )
