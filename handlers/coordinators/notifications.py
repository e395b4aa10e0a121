"""Telling coordinators about new reports: each one as it comes (with ✅ 核实 / ↩️ 退回; each
copy is recorded, so a decision shows on all), or a daily digest ending with how many wait for
review (PUFA_REPORT_NOTIFY=each|digest|off); with PUFA_PUBLIC_URL, both link to the
dashboard. `notified_at` marks what was told, so a restart neither repeats nor loses a
notification. A correction is told as what changed. Each copy of a digest is recorded, so an
erased volunteer's lines can be withdrawn from it (handlers.coordinators.report_copies)."""

import html
import logging
from datetime import datetime, time
from urllib.parse import urlencode

from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import TelegramError

from handlers.kit.context import PufaApplication, PufaContext, Services
from handlers.kit.review import notice, refresh_notices, refresh_report, report_line, web_link
from handlers.kit.roles import coordinator_ids
from storage.models import ReviewState
from storage.report_messages import StoredDigest, record_digest
from storage.report_review import record_notices
from storage.reports import (
    ReportData,
    StoredReport,
    get_report,
    mark_notified,
    unnotified_reports,
    waiting_review,
)

log = logging.getLogger(__name__)
DIGEST_LINES = 30
CATCH_UP_DELAY = 1.0  # seconds after start-up
CHANGE_PREVIEW = 30  # characters of a changed summary shown


async def _send_all(
    bot: Bot, services: Services, text: str, markup: InlineKeyboardMarkup | None = None
) -> list[tuple[int, int]]:
    """Sends `text` to every coordinator; the (chat, message) of each copy sent."""
    sent: list[tuple[int, int]] = []
    for chat_id in await coordinator_ids(services):
        try:
            message = await bot.send_message(
                chat_id,
                text,
                parse_mode=ParseMode.HTML,
                disable_web_page_preview=True,
                reply_markup=markup,
            )
        except TelegramError as exc:  # blocked the bot, never started it...
            log.warning("could not notify coordinator %s: %s", chat_id, exc)
        else:
            sent.append((chat_id, message.message_id))
    return sent


async def report_submitted(ctx: PufaContext, report_id: int) -> None:
    services = ctx.services
    if services.volunteering.notify != "each":
        return
    async with services.db.session() as session:
        report = await get_report(session=session, report_id=report_id)
    if report is None:
        return
    text, markup = await notice(services, report)
    copies = await _send_all(ctx.bot, services, text, markup)
    async with services.db.session() as session:
        await mark_notified(session=session, report_ids=[report_id], now=services.now())
        await record_notices(session=session, report_id=report_id, copies=copies)


async def send_digest(ctx: PufaContext) -> None:
    """The daily digest job: every report not yet told about, in one message, and how many
    wait for review (with PUFA_PUBLIC_URL, a link to them on the dashboard, where a digest's
    reports are reviewed). In "each" mode it runs once at start-up with `data` = the start
    time, to announce reports whose notification a crash cut off (later ones are announced
    one by one, so not twice)."""
    services = ctx.services
    texts = services.ui.volunteers
    started = ctx.job.data if ctx.job is not None else None
    async with services.db.session() as session:
        reports = await unnotified_reports(
            session=session, created_before=started if isinstance(started, datetime) else None
        )
    if not reports:
        return
    listed = reports[:DIGEST_LINES]
    lines = [await report_line(services, r, texts.digest_line) for r in listed]
    head = texts.digest_title.format(count=len(reports))
    tail = ""
    if len(reports) > len(listed):
        tail += "\n" + texts.digest_more.format(more=len(reports) - len(listed))
    tail += await _waiting_words(services)
    copies = await _send_all(ctx.bot, services, _digest_text(head, lines, tail))
    async with services.db.session() as session:
        await mark_notified(
            session=session, report_ids=[r.id for r in reports], now=services.now()
        )
        for chat_id, message_id in copies:
            await record_digest(
                session=session,
                chat_id=chat_id,
                message_id=message_id,
                head=head,
                tail=tail,
                lines=[(r.id, line) for r, line in zip(listed, lines, strict=True)],
            )


async def digest_redrawn(services: Services, digest: StoredDigest) -> str:
    """A digest as it should read now: its erased volunteers' lines neutral, the others as
    they were sent (those recorded before their text was kept, as their reports are now)."""
    texts = services.ui.volunteers
    lines: list[str] = []
    for line in digest.lines:
        if line.erased:
            lines.append(texts.digest_line_erased.format(id=line.report_id))
            continue
        if line.text is not None:
            lines.append(line.text)
            continue
        async with services.db.session() as session:
            report = await get_report(session=session, report_id=line.report_id)
        if report is not None:
            lines.append(await report_line(services, report, texts.digest_line))
    return _digest_text(digest.head, lines, digest.tail)


def _digest_text(head: str, lines: list[str], tail: str) -> str:
    return head + "\n" + "\n".join(lines) + tail


async def _waiting_words(services: Services) -> str:
    """The digest's last line: how many reports wait for review, linked to the dashboard's
    list of them (every activity date they span, up to today) when it has a public address."""
    async with services.db.session() as session:
        waiting = await waiting_review(session=session)
    if waiting is None:
        return ""
    texts = services.ui.review
    query = urlencode(
        {
            "review": ReviewState.PENDING.value,
            "start": waiting.first.isoformat(),
            "end": max(waiting.last, services.today()).isoformat(),
        }
    )
    url = services.dashboard.page(f"/dashboard/reports?{query}")
    if url is None:
        return "\n" + texts.digest_pending.format(count=waiting.count)
    link = web_link(url, texts.digest_review_link)
    return "\n" + texts.digest_pending_link.format(count=waiting.count, link=link)


def schedule(app: PufaApplication, services: Services) -> None:
    """Each report as it comes (and, at start-up, those a crash left unannounced), or the
    daily digest."""
    settings = services.volunteering
    if settings.notify == "each":
        services.hooks.report_submitted.append(report_submitted)
    services.hooks.report_corrected.append(report_corrected)
    services.hooks.report_withdrawn.append(report_withdrawn)
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


def changes(services: Services, before: StoredReport, after: StoredReport) -> list[str]:
    """What a correction changed, field by field ("受众人数 80 → 800"), in the /report
    summary's field names."""
    texts, names = services.ui.volunteers, services.ui.volunteers.report_fields
    library = services.library
    topic_names = (
        {i.id: i.name for i in library.indicators}
        | {c.id: c.name for c in library.campaigns}
        | {c.id: c.name for c in library.categories}
    )

    def shown(data: ReportData) -> dict[str, str]:
        summary = data.summary
        return {
            "type": texts.activity_types.get(data.activity_type, data.activity_type),
            "topics": services.ui.list_separator.join(topic_names.get(t, t) for t in data.topics)
            or "—",
            "date": data.activity_date.isoformat(),
            "place": data.place,
            "audience": str(data.audience),
            "hours": f"{data.hours:g}",
            "materials": "—" if data.materials is None else str(data.materials),
            "photos": str(len(data.photo_file_ids)),
            "summary": summary
            if len(summary) <= CHANGE_PREVIEW
            else summary[:CHANGE_PREVIEW] + "…",
        }

    old, new = shown(before.data), shown(after.data)
    if old["photos"] == new["photos"] and before.data.photo_file_ids != after.data.photo_file_ids:
        new["photos"] = services.ui.review.photos_replaced.format(count=new["photos"])
    return [
        services.ui.review.change.format(
            field=names[key], before=html.escape(old[key]), after=html.escape(new[key])
        )
        for key in names
        if old[key] != new[key]
    ]


async def report_withdrawn(ctx: PufaContext, report_id: int) -> None:
    """The copies of a withdrawn report's notification say so, without review buttons."""
    await refresh_report(ctx.services, ctx.bot, report_id)


async def report_corrected(ctx: PufaContext, before: StoredReport, after: StoredReport) -> None:
    """A volunteer's correction: the recorded copies of its notification show it as it is now
    (with the review buttons back, carrying its new revision), and the coordinators are told
    what changed (and that a reviewed report is pending again)."""
    services = ctx.services
    if services.volunteering.notify == "off":
        return
    await refresh_notices(services, ctx.bot, after)  # (their buttons carry its revision)
    changed = changes(services, before, after)
    reopened = before.review != ReviewState.PENDING.value
    if not changed and not reopened:
        return
    texts = services.ui.review
    name = await report_line(services, after, "{name}")
    text = texts.corrected.format(
        id=after.id, name=name, changes=texts.change_separator.join(changed) or "—"
    )
    if reopened:
        text += "\n" + texts.reopened.format(state=texts.states[before.review])
    copies = await _send_all(ctx.bot, services, text)
    async with services.db.session() as session:  # withdrawn after the volunteer's /deleteme
        await record_notices(session=session, report_id=after.id, copies=copies, correction=True)
