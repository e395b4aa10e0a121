"""Reviewing an activity report, the same from the chat (✅ 核实 / ↩️ 退回 under each
coordinator's copy of its notification) and the dashboard: the first decision is stored
(storage.report_review), a returned report's volunteer is told why and how to fix it, and every
recorded copy of the notification is edited to show the decision. The caller checks the role
and audits."""

import html
import logging
from datetime import datetime, timedelta

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import TelegramError

from handlers.kit.callbacks import Kind, make
from handlers.kit.context import Services
from storage.models import ReportStatus, ReviewState
from storage.report_review import Decided, Review, decide, notices, revision
from storage.reports import StoredReport, get_report
from storage.volunteers import get_volunteer

log = logging.getLogger(__name__)
SUMMARY_PREVIEW = 200
VERIFY, RETURN = "v", "r"  # the buttons' actions (rv:<action>:<report id>:<revision>)


async def report_line(services: Services, report: StoredReport, template: str) -> str:
    """A report as one of `volunteers.notify_report` / `digest_line` says it (HTML-escaped)."""
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


async def notice(
    services: Services, report: StoredReport
) -> tuple[str, InlineKeyboardMarkup | None]:
    """A coordinator's copy of the report's notification as it should read now: the report,
    the evaluation indicators it is tagged with, a link to its dashboard page (with
    PUFA_PUBLIC_URL), then its review (and the buttons while it is pending), or that the
    volunteer withdrew it."""
    texts = services.ui.review
    text = await report_line(services, report, services.ui.volunteers.notify_report)
    tagged = [i.name for i in services.library.indicators if i.id in report.data.topics]
    if tagged:  # what it will count for once verified (the volunteer's and /tag's)
        text += "\n" + texts.tags_line.format(
            names=html.escape(services.ui.list_separator.join(tagged))
        )
    url = services.dashboard.page(f"/dashboard/reports/{report.id}")
    if url is not None:
        photos = len(report.data.photo_file_ids)
        label = texts.web_link_photos.format(photos=photos) if photos else texts.web_link
        text += "\n" + web_link(url, label)
    if report.status == ReportStatus.WITHDRAWN.value:
        return text + "\n" + texts.withdrawn_line, None
    if report.review == ReviewState.PENDING.value:
        return text, review_keyboard(services, report)
    state = texts.states[report.review]
    text += "\n" + texts.state_line.format(state=state, reviewer=html.escape(report.reviewer))
    if report.review_reason:
        text += "\n" + html.escape(texts.reason_line.format(reason=report.review_reason))
    return text, None


def web_link(url: str, label: str) -> str:
    """An HTML link to a dashboard page (the catalogue holds only its words)."""
    return f'<a href="{html.escape(url)}">{html.escape(label)}</a>'


def review_keyboard(services: Services, report: StoredReport) -> InlineKeyboardMarkup:
    """✅ 核实 / ↩️ 退回, carrying the report's revision: a press decides the report only as
    the copy showed it (`storage.report_review.decide`'s `seen`)."""
    texts = services.ui.review
    seen = revision(report.updated_at)
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.verify_button, callback_data=make(Kind.REVIEW, VERIFY, report.id, seen)
                ),
                InlineKeyboardButton(
                    texts.return_button, callback_data=make(Kind.REVIEW, RETURN, report.id, seen)
                ),
            ]
        ]
    )


async def review(
    services: Services,
    bot: Bot,
    *,
    report_id: int,
    verdict: ReviewState,
    reviewer_id: int,
    reviewer: str,
    reason: str = "",
    refresh: bool = True,
    seen: datetime | None = None,
) -> Review:
    """Decides a pending report (once; if given `seen`, only as it was then: see
    storage.report_review.decide); on success tells a returned report's volunteer and edits
    every copy of its notification (unless `refresh` is off: `refresh_later` then)."""
    async with services.db.session() as session:
        done = await decide(
            session=session,
            report_id=report_id,
            verdict=verdict,
            reviewer_id=reviewer_id,
            reviewer=reviewer,
            reason=reason,
            now=services.now(),
            seen=seen,
        )
    if done.outcome is not Decided.DONE:
        return done
    async with services.db.session() as session:
        report = await get_report(session=session, report_id=report_id)
    if report is None:  # erased meanwhile
        return done
    if verdict is ReviewState.RETURNED:
        await _tell_volunteer(services, bot, report)
    if refresh:
        await refresh_notices(services, bot, report)
    return done


async def refresh_later(services: Services, bot: Bot, report_ids: list[int]) -> None:
    """The notification copies of reports decided in a batch, edited one report after another
    (Telegram's per-chat limits make hundreds of edits take minutes, longer than a web request
    should wait). A copy left unedited by a stop still refuses a second decision when pressed."""
    for report_id in report_ids:
        await refresh_report(services, bot, report_id)


async def _tell_volunteer(services: Services, bot: Bot, report: StoredReport) -> None:
    texts = services.ui.review
    window = timedelta(days=services.volunteering.edit_window_days)
    reason = html.escape(report.review_reason)
    if report.editable(services.now(), window):
        until = (report.created_at + window).astimezone(services.tz)
        text = texts.told_returned.format(
            id=report.id, reason=reason, date=f"{until:%Y-%m-%d %H:%M}"
        )
    else:
        text = texts.told_returned_late.format(id=report.id, reason=reason)
    try:
        await bot.send_message(report.volunteer_id, text, parse_mode=ParseMode.HTML)
    except TelegramError as exc:  # blocked the bot, left...
        log.warning("could not tell volunteer of returned report %s: %s", report.id, exc)


async def refresh_report(services: Services, bot: Bot, report_id: int) -> None:
    """`refresh_notices` of the report as stored now (none if it is gone)."""
    async with services.db.session() as session:
        report = await get_report(session=session, report_id=report_id)
    if report is not None:
        await refresh_notices(services, bot, report)


async def refresh_notices(services: Services, bot: Bot, report: StoredReport) -> None:
    """Every recorded copy of the report's notification edited to read as `notice` says."""
    async with services.db.session() as session:
        copies = await notices(session=session, report_id=report.id)
    text, markup = await notice(services, report)
    for chat_id, message_id in copies:
        try:
            await bot.edit_message_text(
                text,
                chat_id=chat_id,
                message_id=message_id,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                disable_web_page_preview=True,
            )
        except TelegramError as exc:  # deleted by the coordinator, too old...
            log.debug("report %s notice in %s not edited: %s", report.id, chat_id, exc)
