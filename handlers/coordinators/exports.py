"""/export and /hours: the period's reports or hours per volunteer as a spreadsheet, only to
a coordinator in a private chat (they carry names and phone numbers); `/export 满意度 [period]`
the satisfaction figures, `/export 二维码` residents reached through QR codes, `/export 留言`
the figures of messages to duty staff, `/export 考核 [year]` the year's evidence workbook. A
period (or year) with nothing recorded gets a message saying so, and no file of headers only."""

import html
from collections.abc import Callable
from typing import NamedTuple

from telegram import InputFile, Update

from content.report_input import FIRST_YEAR
from content.ui import UiTexts
from content.ui_volunteers import VolunteerTexts
from domain.evidence import evidence_workbook
from domain.exports import export_hours, export_labels, export_reports, hours_ranks
from domain.figures import FIGURES
from handlers.coordinators.common import audit, coordinator_here, period_text, read_period
from handlers.kit.callbacks import number
from handlers.kit.context import PufaContext
from handlers.kit.replies import reply_html
from storage.stats import Period, VolunteerLine, volunteer_hours

HOURS_LINES = 20
EVIDENCE = "考核"  # `/export 考核 [year]`: the year's evidence workbook


async def _send_evidence(update: Update, ctx: PufaContext, args: list[str]) -> None:
    if not await coordinator_here(update, ctx, "export.evidence"):
        return
    services = ctx.services
    today = services.today()
    year = number(args[0], maximum=today.year + 1) if len(args) == 1 else None
    if len(args) > 1 or (args and (year is None or year < FIRST_YEAR)):
        await reply_html(update, services.ui.engagement.evidence_usage)
        return
    year = year or today.year
    async with services.db.session() as session:
        table = await evidence_workbook(
            session=session, year=year, library=services.library, tz=services.tz, today=today
        )
    await audit(ctx, update, "export.evidence", detail=str(year))
    texts = services.ui.engagement
    if not table.rows:
        other = year - 1 if year == today.year else today.year  # a year likelier to have some
        await reply_html(update, texts.evidence_empty.format(year=year, other=other))
    elif update.effective_chat is not None:
        caption = texts.evidence_caption.format(year=year)
        await update.effective_chat.send_document(
            InputFile(table.data, filename=f"evidence_{year}.xlsx"), caption=caption
        )


class Figures(NamedTuple):
    """An export of counts only: its name in domain.figures.FIGURES, the file's caption, the
    command that asks for it."""

    name: str
    caption: Callable[[UiTexts], str]
    command: str


SATISFACTION = Figures(
    "satisfaction", lambda ui: ui.engagement.satisfaction_caption, "/export 满意度"
)
REACH = Figures("reach", lambda ui: ui.engagement.reach_caption, "/export 二维码")
TICKETS = Figures("tickets", lambda ui: ui.tickets.export_caption, "/export 留言")
# /export 满意度|二维码|留言 [period] [csv]
BY_WORD = {"满意度": SATISFACTION, "二维码": REACH, "留言": TICKETS, "tickets": TICKETS}


async def on_export(update: Update, ctx: PufaContext) -> None:
    if ctx.args and ctx.args[0] == EVIDENCE:
        await _send_evidence(update, ctx, ctx.args[1:])
        return
    figures = BY_WORD.get(ctx.args[0].lower()) if ctx.args else None
    if figures is not None:
        ctx.args = (ctx.args or [])[1:]
        await _send_figures(update, ctx, figures)
        return
    await _send_table(update, ctx, "export")


async def _send_figures(update: Update, ctx: PufaContext, figures: Figures) -> None:
    action = f"export.{figures.name}"
    if not await coordinator_here(update, ctx, action):
        return
    chosen = await read_period(update, ctx)
    if chosen is None or update.effective_chat is None:
        return
    (period, fmt), services = chosen, ctx.services
    async with services.db.session() as session:
        table = await FIGURES[figures.name](
            session=session, period=period, fmt=fmt, library=services.library, tz=services.tz
        )
    await audit(ctx, update, action, detail=f"{period_text(period)} {fmt}")
    if not table.rows:
        await _say_empty(update, ctx, figures.name, period, figures.command)
        return
    filename = f"{figures.name}_{period.start.isoformat()}_{period.end.isoformat()}.{fmt}"
    caption = figures.caption(services.ui).format(period=period_text(period))
    await update.effective_chat.send_document(
        InputFile(table.data, filename=filename), caption=caption
    )


async def _say_empty(
    update: Update, ctx: PufaContext, kind: str, period: Period, command: str
) -> None:
    """The period had nothing of `kind` (an EXPORT_KINDS name): said, with what to try."""
    texts = ctx.services.ui.volunteers
    await reply_html(
        update,
        texts.export_empty.format(
            period=period_text(period), kind=texts.export_kinds[kind], command=command
        ),
    )


async def on_hours(update: Update, ctx: PufaContext) -> None:
    await _send_table(update, ctx, "hours")


async def _send_table(update: Update, ctx: PufaContext, action: str) -> None:
    if not await coordinator_here(update, ctx, action):
        return
    chosen = await read_period(update, ctx)
    if chosen is None or update.effective_chat is None:
        return
    (period, fmt), texts = chosen, ctx.services.ui.volunteers
    labels = export_labels(ctx.services.library, ctx.services.tz)
    export = export_reports if action == "export" else export_hours
    async with ctx.services.db.session() as session:
        table = await export(
            session=session, period=period, fmt=fmt, labels=labels, with_phone=True
        )
        lines = await volunteer_hours(session=session, period=period, limit=HOURS_LINES)
    await audit(ctx, update, action, detail=f"{period_text(period)} {fmt}")
    name = "reports" if action == "export" else "hours"
    if not table.rows:
        await _say_empty(update, ctx, name, period, f"/{action}")
        return
    if action == "hours" and lines:  # none when all were erased: the file has their hours
        await reply_html(update, _hours_html(texts, period, lines, ctx.services.ui.unknown_town))
    filename = f"{name}_{period.start.isoformat()}_{period.end.isoformat()}.{fmt}"
    caption = (texts.export_caption if action == "export" else texts.hours_caption).format(
        period=period_text(period)
    )
    await update.effective_chat.send_document(
        InputFile(table.data, filename=filename), caption=caption
    )


def _hours_html(
    texts: VolunteerTexts, period: Period, lines: list[VolunteerLine], unknown_town: str
) -> str:
    rows = [
        texts.hours_line.format(
            rank=rank,
            name=html.escape(line.name or texts.anonymous),
            town=html.escape(line.town or unknown_town),
            activities=line.activities,
            hours=f"{line.hours:g}",
        )
        for rank, line in zip(hours_ranks(lines), lines, strict=True)
    ]
    title = texts.hours_title.format(period=period_text(period))
    return "\n".join([title, *rows])
