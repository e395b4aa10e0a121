"""Charts for the web dashboard as inline SVG: drawn in microseconds, sharp on any screen, and
Chinese labels use the browser's fonts (documents/charts.py draws the PNG the chat sends)."""

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

from documents.weeks import week_label

PALETTE = ("#2f6db5", "#e08a1e", "#3a9a5b", "#c2413b", "#7d5ab5", "#8a6d3b", "#d45d9c", "#5b8a9a")
BAR_HEIGHT, GAP, LABEL_WIDTH, WIDTH = 22, 8, 130, 560
# The weekly trend spans the page: its names fit apart from this width (a small phone's
# card), the wide-only ones from this (a PC's: the dashboard shows them above 800 px).
NARROWEST, WIDE_FROM = 270, 720
LEGEND_COLUMNS, LEGEND_CHARS = 2, 8  # an activity type's name fits half the narrowest
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
) -> str:
    """Stacked columns, one per week (keyed by its Monday, named by its days within `first`
    and `last`), one colour per activity type, with a legend: one drawing as wide as the
    page (a phone's or a PC's), its text always 13 px. Across is in per cent of the width,
    down in pixels. Week names are as many as fit without touching on the narrowest page
    (NARROWEST), always the latest week's; those that fit only on a PC's page (from
    WIDE_FROM) are `wide-only`, which the dashboard's stylesheet hides on a phone."""
    weeks = sorted(weekly)
    totals: dict[str, int] = {}
    for counts in weekly.values():
        for kind, count in counts.items():
            totals[kind] = totals.get(kind, 0) + count
    kinds = sorted(totals, key=lambda k: -totals[k])[: len(PALETTE)]
    top = max((sum(weekly[w].values()) for w in weeks), default=0) or 1
    plot_top, plot_height = 20, 180
    bottom = plot_top + plot_height
    legend_rows = -(-len(kinds) // LEGEND_COLUMNS)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="100%" '
        f'height="{bottom + 24 + legend_rows * 20}" role="img" class="trend" font-size="13">'
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="{plot_top - 6}">{top}</text>',
        f'<line x1="0" y1="{bottom}" x2="100%" y2="{bottom}" stroke="#999"/>',
    ]
    across = 100 / max(1, len(weeks))
    for column, week in enumerate(weeks):
        y = float(bottom)
        for colour, kind in zip(PALETTE, kinds, strict=False):
            height = plot_height * weekly[week].get(kind, 0) / top
            if height:
                y -= height
                parts.append(
                    f'<rect x="{(column + 0.1) * across:.3f}%" y="{y:.1f}" '
                    f'width="{0.8 * across:.3f}%" height="{height:.1f}" fill="{colour}"/>'
                )
    for name in week_names([week_label(week, first, last) for week in weeks]):
        shown = ' class="week"' if name.always else ' class="week wide-only"'
        parts.append(
            f'<text x="{name.at * 100:.3f}%" y="{bottom + 16}" text-anchor="{name.anchor}"'
            f"{shown}>{name.text}</text>"
        )
    for n, (colour, kind) in enumerate(zip(PALETTE, kinds, strict=False)):
        x, y = (
            100 * (n % LEGEND_COLUMNS) / LEGEND_COLUMNS,
            bottom + 30 + (n // LEGEND_COLUMNS) * 20,
        )
        parts.append(
            f'<rect x="{x:g}%" y="{y - 11}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x:g}%" dx="16" y="{y}">{escape(labels.get(kind, kind)[:LEGEND_CHARS])}'
            "</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class WeekName:
    """A week's name under the trend: where (a fraction of the width), anchored how, and
    whether it is shown on every page or only from WIDE_FROM."""

    text: str
    at: float
    anchor: str  # "start", "middle" or "end"
    always: bool

    def span(self, width: float) -> tuple[float, float]:
        """Its left and right edge on a drawing `width` pixels wide (by LABEL_CHAR)."""
        wide, x = len(self.text) * LABEL_CHAR, self.at * width
        start = {"start": x, "middle": x - wide / 2, "end": x - wide}[self.anchor]
        return start, start + wide


def week_names(names: Sequence[str]) -> list[WeekName]:
    """Which weeks are named, latest always: every k-th counting back from it, the least k
    whose names fit apart on the narrowest drawing, then the least divisor of k that fits
    a PC's (those extra names wide-only). A name is centred under its column, or starts at
    its column's left (ends at its right) where centred it would stick out of the drawing.
    Edges scale with the width and names do not: what fits at a width fits wider."""
    if not names:
        return []
    k = next(k for k in range(1, len(names) + 1) if _fit(names, k, k, NARROWEST))
    wide = next(d for d in range(1, k + 1) if k % d == 0 and _fit(names, d, k, WIDE_FROM))
    return _named(names, wide, k)


def _fit(names: Sequence[str], every: int, always: int, width: float) -> bool:
    spans = [name.span(width) for name in _named(names, every, always)]
    inside = all(left >= 0 and right <= width for left, right in spans)
    return inside and all(a[1] + LABEL_SPACE <= b[0] for a, b in itertools.pairwise(spans))


def _named(names: Sequence[str], every: int, always: int) -> list[WeekName]:
    count, named = len(names), []
    for column, text in enumerate(names):
        back = count - 1 - column
        if back % every:
            continue
        # placed for the narrowest drawing it is shown on
        least = NARROWEST if back % always == 0 else WIDE_FROM
        half, centre = len(text) * LABEL_CHAR / 2, (column + 0.5) / count
        if centre * least < half:
            at, anchor = column / count, "start"
        elif (1 - centre) * least < half:
            at, anchor = (column + 1) / count, "end"
        else:
            at, anchor = centre, "middle"
        named.append(WeekName(text, at, anchor, back % always == 0))
    return named


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
