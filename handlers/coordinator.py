"""Coordinators' tools: /invite, /promote, /demote, /stats, /export, /hours.

Every command and confirmation button checks the role on the server
(`handlers.roles.require_coordinator`: a refusal is answered politely and audited), and every
action taken is audited too.

This module wires the commands and answers /export and /hours (their `export_labels` serve
`pufa export` too); coordinator_invites, coordinator_roles and coordinator_stats answer the
others, coordinator_common holds what they share.
"""

import html
from zoneinfo import ZoneInfo

from telegram import InputFile, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from content.loader import Library
from content.ui_volunteers import VolunteerTexts
from handlers import callbacks, notify
from handlers.context import PufaApp, PufaContext
from handlers.coordinator_common import audit, period_text, read_period
from handlers.coordinator_invites import on_invite
from handlers.coordinator_roles import on_role_command, on_role_confirmed
from handlers.coordinator_stats import on_stats
from handlers.guided import volunteer_texts
from handlers.replies import reply_html
from handlers.roles import require_coordinator
from storage.exports import Labels, export_hours, export_reports
from storage.stats import Period, VolunteerLine, volunteer_hours

HOURS_LINES = 20


def export_labels(library: Library, tz: ZoneInfo) -> Labels:
    texts = library.ui.volunteers
    return Labels(
        headers=texts.export_headers,
        activity_types=texts.activity_types,
        topics={c.id: c.name for c in library.categories},
        anonymous=texts.anonymous,
        tz=tz,
    )


async def on_export(update: Update, ctx: PufaContext) -> None:
    await _send_table(update, ctx, "export")


async def on_hours(update: Update, ctx: PufaContext) -> None:
    await _send_table(update, ctx, "hours")


async def _send_table(update: Update, ctx: PufaContext, action: str) -> None:
    if not await require_coordinator(update, ctx, action):
        return
    chosen = await read_period(update, ctx)
    if chosen is None or update.effective_chat is None:
        return
    (period, fmt), texts = chosen, volunteer_texts(ctx)
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


def register(app: PufaApp) -> None:
    notify.schedule_digest(app)
    app.add_handlers(
        [
            CommandHandler("invite", on_invite),
            CommandHandler(["promote", "demote"], on_role_command),
            CommandHandler("stats", on_stats),
            CommandHandler("export", on_export),
            CommandHandler("hours", on_hours),
            CallbackQueryHandler(
                on_role_confirmed, pattern=callbacks.pattern(callbacks.COORDINATOR)
            ),
        ]
    )
