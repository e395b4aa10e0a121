"""Telling coordinators about new reports: each one as it comes, or a daily digest
(PUFA_REPORT_NOTIFY=each|digest|off). `notified_at` marks what was told, so a restart
neither repeats nor loses a notification."""

import html
import logging
from datetime import datetime, time

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import TelegramError

from handlers.kit.context import PufaApplication, PufaContext, Services
from handlers.kit.roles import coordinator_ids
from storage.report_messages import remember_copies
from storage.reports import StoredReport, get_report, mark_notified, unnotified_reports
from storage.volunteers import get_volunteer

log = logging.getLogger(__name__)
DIGEST_LINES = 30
CATCH_UP_DELAY = 1.0  # seconds after start-up
SUMMARY_PREVIEW = 200


async def _send_all(bot: Bot, services: Services, text: str) -> list[tuple[int, int]]:
    """Sent to every coordinator; the copies' (chat id, message id)."""
    copies = []
    for chat_id in await coordinator_ids(services):
        try:
            sent = await bot.send_message(
                chat_id, text, parse_mode=ParseMode.HTML, disable_web_page_preview=True
            )
        except TelegramError as exc:  # blocked the bot, never started it...
            log.warning("could not notify coordinator %s: %s", chat_id, exc)
        else:
            copies.append((chat_id, sent.message_id))
    return copies


async def _line(services: Services, report: StoredReport, template: str) -> str:
    texts = services.ui.volunteers
    async with services.db.session() as session:
        volunteer = await get_volunteer(session=session, telegram_id=report.volunteer_id)
    data = report.data
    summary = (
        data.summary
        if len(data.summary) <= SUMMARY_PREVIEW
        else data.summary[:SUMMARY_PREVIEW] + "…"
    )
    values = {
        "id": report.id,
        "name": volunteer.name if volunteer else texts.anonymous,
        "town": data.town,
        "type": texts.activity_types.get(data.activity_type, data.activity_type),
        "date": data.activity_date.isoformat(),
        "place": data.place,
        "audience": data.audience,
        "hours": f"{data.hours:g}",
        "photos": len(data.photo_file_ids),
        "summary": summary,
    }
    return template.format(**{k: html.escape(str(v)) for k, v in values.items()})


async def report_submitted(ctx: PufaContext, report_id: int) -> None:
    services = ctx.services
    if services.volunteering.notify != "each":
        return
    async with services.db.session() as session:
        report = await get_report(session=session, report_id=report_id)
    if report is None:
        return
    text = await _line(services, report, services.ui.volunteers.notify_report)
    copies = await _send_all(ctx.bot, services, text)
    async with services.db.session() as session:  # withdrawn if the volunteer erases themselves
        await remember_copies(session=session, report_id=report_id, copies=copies)
        await mark_notified(session=session, report_ids=[report_id], now=services.now())


async def send_digest(ctx: PufaContext) -> None:
    """The daily digest job: every report not yet told about, in one message. In "each"
    mode it runs once at start-up with `data` = the start time, to announce reports whose
    notification a crash cut off (later ones are announced one by one, so not twice)."""
    services = ctx.services
    texts = services.ui.volunteers
    started = ctx.job.data if ctx.job is not None else None
    async with services.db.session() as session:
        reports = await unnotified_reports(
            session=session, created_before=started if isinstance(started, datetime) else None
        )
    if not reports:
        return
    lines = [await _line(services, r, texts.digest_line) for r in reports[:DIGEST_LINES]]
    more = len(reports) - len(lines)
    text = texts.digest_title.format(count=len(reports)) + "\n" + "\n".join(lines)
    if more > 0:
        text += "\n" + texts.digest_more.format(more=more)
    await _send_all(ctx.bot, services, text)
    async with services.db.session() as session:
        await mark_notified(
            session=session, report_ids=[r.id for r in reports], now=services.now()
        )


def schedule(app: PufaApplication, services: Services) -> None:
    """Each report as it comes (and, at start-up, those a crash left unannounced), or the
    daily digest."""
    settings = services.volunteering
    if settings.notify == "each":
        services.hooks.report_submitted.append(report_submitted)
    if app.job_queue is None:
        return
    if settings.notify == "each":
        app.job_queue.run_once(
            send_digest, CATCH_UP_DELAY, data=services.now(), name="report-catch-up"
        )
    if settings.notify != "digest":
        return
    at = time(hour=settings.digest_hour, tzinfo=services.tz)
    app.job_queue.run_daily(send_digest, at, name="report-digest")
