"""/stats: a period's activities by town, by type and the most active volunteers, with a
weekly chart."""

import asyncio
import html

from telegram import InputFile, Update

from content.legal_aid import RESULTS
from content.ui_residents import ResidentTexts
from content.ui_volunteers import VolunteerTexts
from documents.charts import weekly_chart
from domain.exports import hours_ranks
from domain.reach import period_reach, stats_reach_html
from domain.satisfaction import satisfaction_html
from handlers.coordinators.common import audit, coordinator_here, period_text, read_period
from handlers.kit.context import PufaContext
from handlers.kit.replies import reply_html
from storage.questions import QuestionCounts, question_counts
from storage.residents import precheck_counts
from storage.stats import Line, Stats, period_stats
from storage.votes import satisfaction

SECTION_LINES = 12


def _lines(
    texts: VolunteerTexts, lines: list[Line], names: dict[str, str], missing: str
) -> list[str]:
    """One line per town or activity type; `missing` names the empty key."""
    out = [
        texts.stats_line.format(
            name=html.escape(names.get(line.key, line.key) or missing),
            activities=line.activities,
            audience=line.audience,
            hours=f"{line.hours:g}",
        )
        for line in lines[:SECTION_LINES]
    ]
    if len(lines) > SECTION_LINES:
        out.append(texts.stats_more.format(more=len(lines) - SECTION_LINES))
    return out


def stats_html(stats: Stats, texts: VolunteerTexts, unknown_town: str) -> str:
    total = stats.total
    lines = [
        texts.stats_title.format(period=period_text(stats.period)),
        texts.stats_total.format(
            activities=total.activities,
            audience=total.audience,
            hours=f"{total.hours:g}",
            volunteers=total.volunteers,
        ),
    ]
    if not total.activities:
        return "\n".join([*lines, texts.stats_empty])
    types = dict(texts.activity_types)
    lines += ["", texts.stats_by_town, *_lines(texts, stats.by_town, {}, unknown_town)]
    lines += ["", texts.stats_by_type, *_lines(texts, stats.by_type, types, texts.none_value)]
    lines += ["", texts.stats_top]
    lines += [
        texts.stats_volunteer.format(
            rank=rank,
            name=html.escape(v.name or texts.anonymous),
            town=html.escape(v.town or unknown_town),
            activities=v.activities,
            hours=f"{v.hours:g}",
        )
        for rank, v in zip(hours_ranks(stats.top_volunteers), stats.top_volunteers, strict=True)
    ]
    return "\n".join(lines)


def questions_line(counts: QuestionCounts, texts: VolunteerTexts) -> str:
    """The period's residents' questions: asked, answered with a card, fell back, 没解决."""
    return texts.stats_questions.format(
        asked=counts.asked,
        answered=counts.answered,
        fell_back=counts.fell_back,
        unsolved=counts.unsolved,
    )


def prechecks_line(counts: dict[tuple[str, str], int], texts: ResidentTexts) -> str:
    """The period's legal-aid pre-checks by result (counted anonymously)."""
    by_result = {r: sum(n for (result, _), n in counts.items() if result == r) for r in RESULTS}
    return texts.stats_prechecks.format(total=sum(counts.values()), **by_result)


async def on_stats(update: Update, ctx: PufaContext) -> None:
    if not await coordinator_here(update, ctx, "stats"):
        return
    chosen = await read_period(update, ctx, exporting=False)
    if chosen is None:
        return
    period, texts = chosen[0], ctx.services.ui.volunteers
    async with ctx.services.db.session() as session:
        stats = await period_stats(session=session, period=period)
        since, until = period.instants(ctx.services.tz)
        questions = await question_counts(session=session, since=since, until=until)
        checks = await precheck_counts(session=session, start=period.start, end=period.end)
        votes = await satisfaction(session=session, period=period, tz=ctx.services.tz)
        codes = await period_reach(session=session, period=period, tz=ctx.services.tz)
    await audit(ctx, update, "stats", detail=period_text(period))
    library = ctx.services.library
    blocks = [
        stats_html(stats, texts, ctx.services.ui.unknown_town),
        questions_line(questions, texts),
        satisfaction_html(votes, library),
        stats_reach_html(codes, library),
    ]
    if checks:
        blocks.append(prechecks_line(checks, ctx.services.ui.residents))
    await reply_html(update, "\n\n".join(blocks))
    if stats.total.activities and update.effective_chat is not None:
        png = await asyncio.to_thread(
            weekly_chart,
            stats.weekly,
            texts.activity_types,
            texts.chart_title.format(period=period_text(period)),
            first=period.start,
            last=period.end,
            font=ctx.services.volunteering.chart_font,
        )
        await update.effective_chat.send_photo(
            InputFile(png, filename="stats.png"), caption=texts.chart_caption
        )
