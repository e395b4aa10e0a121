"""/export and /hours: the period's reports or hours per volunteer as a spreadsheet, only to
a coordinator in a private chat (they carry names and phone numbers); `/export 满意度 [period]`
the satisfaction figures."""

import html

from telegram import InputFile, Update

from content.ui_volunteers import VolunteerTexts
from domain.exports import export_hours, export_labels, export_reports
from domain.satisfaction import export_satisfaction
from handlers.coordinators.common import audit, coordinator_here, period_text, read_period
from handlers.kit.context import PufaContext
from handlers.kit.replies import reply_html
from storage.stats import Period, VolunteerLine, volunteer_hours

HOURS_LINES = 20
SATISFACTION_WORD = "满意度"


async def on_export(update: Update, ctx: PufaContext) -> None:
    if ctx.args and ctx.args[0] == SATISFACTION_WORD:
        ctx.args = ctx.args[1:]
        await _send_satisfaction(update, ctx)
        return
    await _send_table(update, ctx, "export")


async def _send_satisfaction(update: Update, ctx: PufaContext) -> None:
    if not await coordinator_here(update, ctx, "export.satisfaction"):
        return
    chosen = await read_period(update, ctx)
    if chosen is None or update.effective_chat is None:
        return
    (period, fmt), services = chosen, ctx.services
    async with services.db.session() as session:
        data = await export_satisfaction(
            session=session, period=period, fmt=fmt, library=services.library, tz=services.tz
        )
    await audit(ctx, update, "export.satisfaction", detail=f"{period_text(period)} {fmt}")
    filename = f"satisfaction_{period.start.isoformat()}_{period.end.isoformat()}.{fmt}"
    caption = services.ui.engagement.satisfaction_caption.format(period=period_text(period))
    await update.effective_chat.send_document(InputFile(data, filename=filename), caption=caption)


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
        data = await export(
            session=session, period=period, fmt=fmt, labels=labels, with_phone=True
        )
        lines = await volunteer_hours(session=session, period=period, limit=HOURS_LINES)
    await audit(ctx, update, action, detail=f"{period_text(period)} {fmt}")
    if action == "hours":
        await reply_html(update, _hours_html(texts, period, lines))
    name = "reports" if action == "export" else "hours"
    filename = f"{name}_{period.start.isoformat()}_{period.end.isoformat()}.{fmt}"
    caption = (texts.export_caption if action == "export" else texts.hours_caption).format(
        period=period_text(period)
    )
    await update.effective_chat.send_document(InputFile(data, filename=filename), caption=caption)


def _hours_html(texts: VolunteerTexts, period: Period, lines: list[VolunteerLine]) -> str:
    rows = [
        texts.hours_line.format(
            rank=rank,
            name=html.escape(line.name or texts.anonymous),
            town=html.escape(line.town or texts.none_value),
            activities=line.activities,
            hours=f"{line.hours:g}",
        )
        for rank, line in enumerate(lines, 1)
    ]
    title = texts.hours_title.format(period=period_text(period))
    return "\n".join([title, *(rows or [texts.stats_empty])])
