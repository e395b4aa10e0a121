"""满意度测评 figures as people read them: the /stats section and the spreadsheet."""

import asyncio
import html
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from content.loader import Library
from documents.tables import Cell, Format, Table, TableWriter
from storage.stats import Period
from storage.votes import Satisfaction, VoteLine, satisfaction

SECTION_LINES = 8
COLUMNS = ("dimension", "key", "votes", "satisfied", "unsatisfied", "share")


def share_text(line: VoteLine) -> str:
    return f"{line.share:.0%}"


def satisfaction_html(figures: Satisfaction, library: Library) -> str:
    """The /stats section: the total, by town, by month and the cards with the most 👎."""
    texts = library.ui.engagement
    total = figures.total
    if not total.votes:
        return texts.stats_satisfaction_empty
    lines = [texts.stats_satisfaction.format(votes=total.votes, share=share_text(total))]

    def section(title: str, rows: list[VoteLine]) -> None:
        lines.append(title)
        lines.extend(
            texts.satisfaction_line.format(
                # only a town can be unnamed (months always have one)
                name=html.escape(line.key or library.ui.unknown_town),
                votes=line.votes,
                share=share_text(line),
            )
            for line in rows[:SECTION_LINES]
        )

    section(texts.stats_satisfaction_town, figures.by_town)
    section(texts.stats_satisfaction_month, figures.by_month[-SECTION_LINES:])
    if figures.most_down:
        lines.append(texts.stats_most_down)
        lines.extend(
            texts.down_line.format(
                name=html.escape(card_title(library, line.key)),
                down=line.unsatisfied,
                votes=line.votes,
            )
            for line in figures.most_down
        )
    return "\n".join(lines)


def card_title(library: Library, card_id: str) -> str:
    card = library.cards.get(card_id)
    return card.title if card else card_id


def satisfaction_rows(figures: Satisfaction, library: Library) -> list[list[Cell]]:
    """One row per figure: the total, then by kind, town, card and month."""
    names = library.ui.engagement.satisfaction_dimensions

    def row(dimension: str, key: str, line: VoteLine) -> list[Cell]:
        share = round(line.share, 4) if line.votes else None
        return [names[dimension], key, line.votes, line.satisfied, line.unsatisfied, share]

    rows = [row("total", "", figures.total)]
    rows += [row("kind", names.get(line.key, line.key), line) for line in figures.by_kind]
    unknown = library.ui.unknown_town
    rows += [row("town", line.key or unknown, line) for line in figures.by_town]
    rows += [row("card", card_title(library, line.key), line) for line in figures.by_card]
    rows += [row("month", line.key, line) for line in figures.by_month]
    return rows


async def export_satisfaction(
    *, session: AsyncSession, period: Period, fmt: Format, library: Library, tz: ZoneInfo
) -> Table:
    """The figures of the period's votes (no rows at all, not even a total, without any)."""
    figures = await satisfaction(session=session, period=period, tz=tz)
    headers = library.ui.engagement.satisfaction_headers
    writer = TableWriter(
        fmt, library.ui.engagement.satisfaction_sheet, [headers[c] for c in COLUMNS]
    )
    if figures.total.votes:
        writer.add_rows(satisfaction_rows(figures, library))
    return await asyncio.to_thread(writer.table)
