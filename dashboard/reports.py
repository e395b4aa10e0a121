"""Reports: filter by period, town, activity type, volunteer, topic or campaign and review
state (the daily digest links to the 待审核 ones); a page at a time; one report with its
photos (fetched through the bot's file API); and export exactly what is filtered as XLSX or
CSV (domain.exports, as /export and `pufa export` do). Each shows its review (待审核 / 已核实 /
已退回); a pending one can be 核实 or 退回 with a reason here, as in the chat, and every
pending one the filter shows can be 核实 at once (`verify_all`). Both decide only a report as
the coordinator saw it: the pages carry each report's revision, and one the volunteer
corrected since stays pending (storage.report_review.decide). One naming no 普法 topic
(submitted before a topic was required) says so, and so does one naming a campaign that does
not fit its date (domain.reports.offered_campaigns, the rule the /report chat follows)."""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote, urlencode

from aiohttp import web
from telegram.error import TelegramError

from dashboard.common import (
    application,
    audit,
    notice,
    number,
    page_of,
    past_the_end,
    period_of,
    render,
    see_other,
    services,
    texts,
    user,
)
from documents.tables import Format
from domain.exports import export_labels, export_reports
from domain.reports import (
    CAMPAIGN_GRACE,
    campaign_names,
    has_topic,
    offered_campaigns,
    unfitting_campaigns,
)
from handlers.kit.review import refresh_later, review
from storage.models import ANONYMOUS_ID, ReviewState
from storage.people import names_of
from storage.report_review import REASON_CHARS, Decided, revision, revision_time
from storage.reports import ReportFilter, find_reports, get_report, pending_reports
from storage.stats import Period
from storage.volunteers import get_volunteer

MAX_ID = 2**63 - 1
BATCH = 500  # the most reports one 批量核实 decides
NAMED = 20  # the most reports corrected meanwhile a 批量核实's result names
MIME = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def read_filter(request: web.Request) -> tuple[ReportFilter, list[str]]:
    """The filter in the query string (this month by default), and what was wrong in it."""
    bot, query = services(request), request.query
    period, problems = period_of(request)
    library = bot.library
    town = query.get("town", "")
    if town and town not in {t.town for t in library.towns}:
        problems.append(texts(request).unknown_town)
        town = ""
    kind = query.get("type", "")
    if kind and kind not in bot.ui.volunteers.activity_types:
        problems.append(texts(request).unknown_type)
        kind = ""
    topic = query.get("topic", "")
    if topic and topic not in topic_names(request):
        problems.append(texts(request).unknown_topic)
        topic = ""
    review = query.get("review", "")
    if review and review not in bot.ui.review.states:
        problems.append(texts(request).unknown_review)
        review = ""
    volunteer = number(query.get("volunteer"), maximum=MAX_ID)
    chosen = ReportFilter(period.start, period.end, town, kind, volunteer, topic, review)
    return chosen, problems


def topic_names(request: web.Request) -> dict[str, str]:
    """Topic ids a report may carry: categories and campaigns."""
    library = services(request).library
    names = {c.id: c.name for c in library.categories}
    said = services(request).ui.dashboard
    names.update({c.id: said.campaign_topic.format(name=c.name) for c in library.campaigns})
    return names


def query_of(where: ReportFilter) -> dict[str, str]:
    values = {
        "start": where.start.isoformat(),
        "end": where.end.isoformat(),
        "town": where.town,
        "type": where.activity_type,
        "topic": where.topic,
        "volunteer": "" if where.volunteer_id is None else str(where.volunteer_id),
        "review": where.review,
    }
    return {key: value for key, value in values.items() if value}


async def reports_page(request: web.Request) -> web.StreamResponse:
    bot = services(request)
    where, problems = read_filter(request)
    page = page_of(request)
    async with bot.db.session() as session:
        listed, total = await find_reports(
            session=session, where=where, offset=page.offset, limit=page.size
        )
        _, pending = await pending_reports(session=session, where=where, limit=0)
    if (last := past_the_end(request, page, page.pages(total))) is not None:
        return last
    said = texts(request)
    return render(
        request,
        "reports.html",
        erased_id=ANONYMOUS_ID,  # erased volunteers' reports: nobody's, no page to link
        empty=texts(request).export_empty.format(period=period_words(where)),
        where=where,
        query=query_of(where),
        problems=problems,
        listed=listed,
        total=total,
        page=page,
        pages=page.pages(total),
        towns=[t.town for t in bot.library.towns],
        kinds=bot.ui.volunteers.activity_types,
        topics=topic_names(request),
        states=bot.ui.review.states,
        verify_all=said.verify_all_button.format(count=min(pending, BATCH)) if pending else "",
        verified=_verified(request),
    )


@dataclass(frozen=True)
class Verified:
    """What the last 批量核实 did (the list it redirects to says so)."""

    words: str
    changed: str  # how many were corrected after the confirm page ("" if none)
    changed_ids: list[int]  # the first NAMED of them, linked
    more: bool  # more were corrected than named


def _verified(request: web.Request) -> Verified | None:
    query = request.query
    done = number(query.get("verified"), maximum=BATCH)
    skipped = number(query.get("skipped"), maximum=BATCH)
    changed = number(query.get("changed"), maximum=BATCH) or 0
    named = [number(i, maximum=MAX_ID) for i in query.get("named", "").split(",")[:NAMED]]
    if done is None or skipped is None:
        return None
    said, ids = texts(request), [i for i in named if i is not None]
    counts = [
        said.verify_all_done.format(done=done) if done else "",
        said.verify_all_skipped.format(skipped=skipped) if skipped else "",
    ]  # a count of none is not said
    return Verified(
        "".join(counts),
        said.verify_all_changed.format(count=changed) if changed else "",
        ids,
        changed > len(ids),
    )


async def _reviewer(request: web.Request, telegram_id: int) -> str:
    """The coordinator as a decision names them: by name, as the chat's buttons do (their
    Telegram name); "协调员 <id>" only if the bot has none."""
    bot = services(request)
    async with bot.db.session() as session:
        names = await names_of(session=session, ids=[telegram_id])
    return names.get(telegram_id) or bot.ui.review.web_reviewer.format(id=telegram_id)


async def verify_all(request: web.Request) -> web.StreamResponse:
    """核实 the filtered pending reports, at most BATCH: first a page naming how many and what
    it does, whose form carries their ids; then, confirmed, each of those ids still pending and
    in the filter is decided as from its own page (handlers.kit.review: once, its notifications
    edited), so a report submitted after the confirm page is left for the next time. One audit
    entry for the batch, with the filter and the counts, not one per report. Each id comes
    with the report's revision on the confirm page: one corrected since stays pending, and the
    result names it."""
    bot = services(request)
    where, _ = read_filter(request)
    form = await request.post()
    said = texts(request)
    if form.get("confirm") != "1":
        async with bot.db.session() as session:
            ids, total = await pending_reports(session=session, where=where, limit=BATCH)
        if not ids:
            return notice(request, said.verify_all_none, 200)
        return render(
            request,
            "reports_verify.html",
            query=query_of(where),
            seen=[f"{i}:{revision(at)}" for i, at in ids],
            explain=said.verify_all_explain.format(count=len(ids), max=BATCH),
            confirm=said.verify_all_confirm.format(count=len(ids)),
            more=said.verify_all_more.format(rest=total - len(ids), max=BATCH)
            if total > len(ids)
            else "",
        )
    seen = _seen_of([str(value) for value in form.getall("seen", [])])
    async with bot.db.session() as session:
        ids, _ = await pending_reports(session=session, where=where, limit=BATCH, among=[*seen])
    signed_in = user(request).telegram_id
    reviewer = await _reviewer(request, signed_in)
    verified, changed = [], []
    for report_id, _at in ids:
        decided = await review(
            bot,
            application(request).bot,
            report_id=report_id,
            verdict=ReviewState.VERIFIED,
            reviewer_id=signed_in,
            reviewer=reviewer,
            refresh=False,
            seen=seen[report_id],
        )
        if decided.outcome is Decided.DONE:
            verified.append(report_id)
        elif decided.outcome is Decided.CHANGED:
            changed.append(report_id)
    app = application(request)
    app.create_task(refresh_later(bot, app.bot, verified), name="report-verify-batch")
    done = len(verified)
    skipped = len(seen) - done - len(changed)
    filtered = " ".join(f"{key}={value}" for key, value in query_of(where).items())
    counts = f"verified={done} changed={len(changed)} skipped={skipped}"
    await audit(request, "report.verify_batch", "reports", f"{filtered} {counts}")
    back = query_of(where) | {"verified": str(done), "skipped": str(skipped)}
    if changed:
        back |= {"changed": str(len(changed)), "named": ",".join(map(str, changed[:NAMED]))}
    return see_other(f"/dashboard/reports?{urlencode(back)}")


def _seen_of(posted: list[str]) -> dict[int, datetime]:
    """The confirm page's "id:revision" values: each report's id and the `updated_at` it had
    then (at most BATCH; malformed ones are ignored)."""
    seen: dict[int, datetime] = {}
    for value in posted:
        report_id, _, stamp = value.partition(":")
        found, at = number(report_id, maximum=MAX_ID), revision_time(stamp)
        if found is not None and at is not None and len(seen) < BATCH:
            seen[found] = at
    return seen


async def report_page(request: web.Request) -> web.StreamResponse:
    return await _show_report(request, number(request.match_info["report_id"], maximum=MAX_ID))


async def _show_report(
    request: web.Request, report_id: int | None, *, error: str = "", reason: str = ""
) -> web.StreamResponse:
    """The report's page; with `error`, a 退回 that was refused, said beside its form, which
    keeps the `reason` as typed (status 400)."""
    bot = services(request)
    report = None
    if report_id is not None:
        async with bot.db.session() as session:
            report = await get_report(session=session, report_id=report_id)
    if report is None:
        return notice(request, texts(request).no_report, 404)
    async with bot.db.session() as session:
        fitting = await offered_campaigns(
            session=session, library=bot.library, day=report.data.activity_date
        )
        volunteer = await get_volunteer(session=session, telegram_id=report.volunteer_id)
    unfitting = unfitting_campaigns(report.data.topics, fitting, bot.library)
    return render(
        request,
        "report.html",
        400 if error else 200,
        error=error,
        reason=reason,
        report=report,
        erased_id=ANONYMOUS_ID,
        volunteer_name=volunteer.name if volunteer else "",
        kinds=bot.ui.volunteers.activity_types,
        topics=topic_names(request),
        no_topic="" if has_topic(report.data.topics, bot.library) else texts(request).no_topic,
        campaign_unfitting=texts(request).campaign_unfitting.format(
            names=campaign_names(bot.library, unfitting), days=CAMPAIGN_GRACE.days
        )
        if unfitting
        else "",
        states=bot.ui.review.states,
        reason_max=REASON_CHARS,
        revision=revision(report.updated_at),
        done=_done_words(request, report.id),
    )


def _done_words(request: web.Request, report_id: int) -> str:
    said = services(request).ui.review
    done = request.query.get("done", "")
    if done == ReviewState.VERIFIED.value:
        return said.verified_done.format(id=report_id)
    if done == ReviewState.RETURNED.value:
        return said.returned_done.format(id=report_id)
    return ""


async def review_report(request: web.Request) -> web.StreamResponse:
    """✅ 核实 or ↩️ 退回 (with a reason) from the report's page, as in the chat
    (handlers.kit.review): once, the volunteer told of a return, the notifications edited;
    only the report as the page showed it (its form carries the revision)."""
    bot = services(request)
    report_id = number(request.match_info["report_id"], maximum=MAX_ID)
    form = await request.post()
    verdict = form.get("verdict")
    typed = form.get("reason", "")
    typed = typed if isinstance(typed, str) else ""
    reason = " ".join(typed.split())
    if report_id is None or verdict not in (ReviewState.VERIFIED, ReviewState.RETURNED):
        return notice(request, texts(request).no_report, 404)
    seen = revision_time(str(form.get("revision", "")))
    if seen is None:
        return notice(request, texts(request).bad_form, 400)
    chosen = ReviewState(verdict)
    if chosen is ReviewState.RETURNED and not 0 < len(reason) <= REASON_CHARS:
        needed = texts(request).reason_needed.format(max=REASON_CHARS)
        return await _show_report(request, report_id, error=needed, reason=typed)
    signed_in = user(request).telegram_id
    reviewer = await _reviewer(request, signed_in)
    done = await review(
        bot,
        application(request).bot,
        report_id=report_id,
        verdict=chosen,
        reviewer_id=signed_in,
        reviewer=reviewer,
        reason=reason if chosen is ReviewState.RETURNED else "",
        seen=seen,
    )
    await audit(request, f"report.{chosen.value}", f"report {report_id}", done.outcome.value)
    if done.outcome is Decided.NOT_FOUND:
        return notice(request, bot.ui.review.no_report, 404)
    if done.outcome is Decided.ALREADY:
        said = bot.ui.review.already.format(
            id=report_id, reviewer=done.reviewer, state=bot.ui.review.states[done.review]
        )
        return notice(request, said, 409)
    if done.outcome is Decided.CHANGED:
        return notice(request, texts(request).review_changed.format(id=report_id), 409)
    return see_other(f"/dashboard/reports/{report_id}?done={chosen.value}")


async def photo(request: web.Request) -> web.StreamResponse:
    """One photo of a report, fetched from Telegram by its file id (never stored here)."""
    bot = services(request)
    report_id = number(request.match_info["report_id"], maximum=MAX_ID)
    position = number(request.match_info["n"], maximum=100)
    report = None
    if report_id is not None:
        async with bot.db.session() as session:
            report = await get_report(session=session, report_id=report_id)
    photos = report.data.photo_file_ids if report else ()
    if position is None or position >= len(photos):
        raise web.HTTPNotFound()
    try:
        file = await application(request).bot.get_file(photos[position])
        data = await file.download_as_bytearray()
    except TelegramError as exc:
        raise web.HTTPBadGateway(
            text=texts(request).photo_failed.format(error=exc.message)
        ) from None
    return web.Response(
        body=bytes(data), content_type="image/jpeg", headers={"Cache-Control": "private"}
    )


def period_words(where: ReportFilter) -> str:
    return f"{where.start.isoformat()} ~ {where.end.isoformat()}"


async def export(request: web.Request) -> web.StreamResponse:
    """The filtered reports as a file; a page saying so when none match (the list page offers
    no link then, but a tab opened before the reports were withdrawn still may)."""
    bot = services(request)
    where, _ = read_filter(request)
    fmt: Format = "csv" if request.query.get("format") == "csv" else "xlsx"
    with_phone = request.query.get("phone") == "1"
    async with bot.db.session() as session:
        table = await export_reports(
            session=session,
            period=Period(where.start, where.end),
            fmt=fmt,
            labels=export_labels(bot.library, bot.tz),
            with_phone=with_phone,
            only=where,
        )
    chosen = " ".join(f"{key}={value}" for key, value in query_of(where).items())
    await audit(request, "export", "reports", f"{chosen} {fmt} phone={with_phone}")
    if not table.rows:
        return notice(request, texts(request).export_empty.format(period=period_words(where)), 200)
    return web.Response(
        body=table.data,
        headers={
            "Content-Type": MIME[fmt],
            "Content-Disposition": _attachment(request, where, fmt, with_phone=with_phone),
        },
    )


def _attachment(request: web.Request, where: ReportFilter, fmt: str, *, with_phone: bool) -> str:
    """The download's file name, another one with the volunteers' phone numbers
    ("…_含电话.xlsx", kept apart from the one without), in UTF-8 (RFC 6266), with an ASCII
    name for a program that reads only that."""
    stem = f"reports_{where.start}_{where.end}"
    named = f"{stem}_{texts(request).export_with_phone}" if with_phone else stem
    plain = f"{stem}_phone" if with_phone else stem
    return (
        f"attachment; filename=\"{plain}.{fmt}\"; filename*=UTF-8''{quote(named, safe='')}.{fmt}"
    )
