"""✅ 核实 / ↩️ 退回 under a report's notification. The role is checked on every press (and on
the reason typed after 退回); a forged or unknown id is refused; a report someone already
decided answers whose decision it was. 退回 asks for a short reason (a one-question prompt)
before anything is stored.

The buttons carry the report's revision (its `updated_at`) as the copy showed it, and the
decision is stored only if the report still has it (in the same UPDATE, as on the dashboard):
a report the volunteer corrected since is left pending, the coordinator is told, and the
copies are drawn again with the new figures and buttons. Buttons from before the revision
(rv:<action>:<id>) stand for the report as first submitted: they decide a report never
corrected, and one corrected since is refused the same way (its copies then get new buttons)."""

import html
from datetime import datetime, timedelta

from telegram import Update

from content.report_input import InputError, InputProblem, clean_text, normalise
from handlers.kit import callbacks
from handlers.kit.context import PufaContext
from handlers.kit.conversation import Conversation, Flow, Step, ask, begin, expired
from handlers.kit.replies import acknowledge, edit, reply_html
from handlers.kit.review import RETURN, VERIFY, notice, refresh_notices, review
from handlers.kit.roles import require_coordinator
from storage.audit import record
from storage.models import ReportStatus, ReviewState, Role
from storage.report_review import REASON_CHARS, Decided, revision, revision_time
from storage.reports import get_report

REASON_FLOW = "rvreason"
REASON_STEP = "text"
REPORT = "report"
SEEN = "seen"  # the revision the pressed copy showed


def reason_flow(idle_minutes: int) -> Flow:
    return Flow(
        name=REASON_FLOW,
        kind=None,
        steps={REASON_STEP: Step(text=on_reason_typed)},
        idle=timedelta(minutes=idle_minutes),
        wrong_input=_text_please,
        cancelled=_not_returned,
        timed_out=lambda services: services.ui.review.timed_out,
        role=Role.COORDINATOR,
        transient=True,
    )


def _reviewer(update: Update) -> tuple[int, str]:
    user = update.effective_user
    assert user is not None
    return user.id, user.full_name


async def on_review_button(update: Update, ctx: PufaContext) -> None:
    texts = ctx.services.ui.review
    parsed = callbacks.parse(update.callback_query.data if update.callback_query else None)
    args = parsed.args if parsed else ()
    report_id = callbacks.number(args[1]) if len(args) in (2, 3) else None
    shown = revision_time(args[2]) if len(args) == 3 else None
    if report_id is None or args[0] not in (VERIFY, RETURN) or (len(args) == 3 and shown is None):
        await expired(update, ctx)
        return
    if not await require_coordinator(update, ctx, "report.review"):
        return
    async with ctx.services.db.session() as session:
        report = await get_report(session=session, report_id=report_id)
    if report is None or report.status != ReportStatus.SUBMITTED.value:
        await acknowledge(update, texts.no_report, alert=True)
        if report is not None:  # withdrawn: this copy (and any other) says so, buttonless
            await edit(update, *await notice(ctx.services, report))
            await refresh_notices(ctx.services, ctx.bot, report)
        return
    if report.review != ReviewState.PENDING.value:
        await _already(update, ctx, report_id, report.review, report.reviewer)
        return
    seen = report.created_at if shown is None else shown  # an old button: as first submitted
    if report.updated_at != seen:
        await _changed(update, ctx, report_id)
        return
    if args[0] == RETURN:
        await acknowledge(update)
        data = {REPORT: report_id, SEEN: revision(seen)}
        chat = await begin(update, ctx, REASON_FLOW, REASON_STEP, data)
        if chat is not None:
            await ask(update, chat, texts.ask_reason.format(id=report_id, max=REASON_CHARS))
        return
    await _decide(update, ctx, report_id, ReviewState.VERIFIED, "", seen)


async def on_reason_typed(update: Update, ctx: PufaContext, chat: Conversation) -> None:
    texts = ctx.services.ui.review
    message = update.effective_message
    assert message is not None and message.text is not None
    try:  # words, as a ticket's message: the volunteer is to understand it
        reason = clean_text(message.text, REASON_CHARS)
    except InputError as problem:
        if problem.problem is InputProblem.TOO_LONG:
            count = len(normalise(message.text))
            explained = texts.reason_long.format(max=REASON_CHARS, count=count)
        elif problem.problem is InputProblem.NO_LETTERS:
            explained = texts.reason_no_letters.format(max=REASON_CHARS)
        else:
            explained = texts.reason_empty.format(max=REASON_CHARS)
        await reply_html(update, explained)
        return
    await chat.end(update)
    report_id = int(chat.data[REPORT])
    seen = revision_time(str(chat.data.get(SEEN, "")))
    if seen is None:  # a prompt opened before the buttons carried revisions: as first submitted
        async with ctx.services.db.session() as session:
            report = await get_report(session=session, report_id=report_id)
        seen = report.created_at if report is not None else None
    await _decide(update, ctx, report_id, ReviewState.RETURNED, reason, seen)


async def _decide(
    update: Update,
    ctx: PufaContext,
    report_id: int,
    verdict: ReviewState,
    reason: str,
    seen: datetime | None,
) -> None:
    """Decides the report as it was at `seen` (None: there is no such report to decide)."""
    services, texts = ctx.services, ctx.services.ui.review
    user_id, name = _reviewer(update)
    done = await review(
        services,
        ctx.bot,
        report_id=report_id,
        verdict=verdict,
        reviewer_id=user_id,
        reviewer=name,
        reason=reason,
        seen=seen,
    )
    async with services.db.session() as session:
        await record(
            session=session,
            actor_id=user_id,
            action=f"report.{verdict.value}",
            target=f"report {report_id}",
            allowed=done.outcome is Decided.DONE,
            detail=done.outcome.value,
            now=services.now(),
        )
    if done.outcome is Decided.NOT_FOUND:
        await _answer(update, texts.no_report)
    elif done.outcome is Decided.CHANGED:
        await _changed(update, ctx, report_id)
    elif done.outcome is Decided.ALREADY:
        await _already(update, ctx, report_id, done.review, done.reviewer)
    elif verdict is ReviewState.VERIFIED:
        await _answer(update, texts.verified_done.format(id=report_id))
    else:
        await _answer(update, texts.returned_done.format(id=report_id))


async def _already(
    update: Update, ctx: PufaContext, report_id: int, state: str, reviewer: str
) -> None:
    texts = ctx.services.ui.review
    said = texts.already.format(id=report_id, reviewer=reviewer, state=texts.states[state])
    await _answer(update, said, alert=True)


async def _changed(update: Update, ctx: PufaContext, report_id: int) -> None:
    """Corrected since the copy was drawn: nothing decided; the copies show it as it is now
    (with buttons carrying its new revision)."""
    services = ctx.services
    await _answer(update, services.ui.review.changed.format(id=report_id), alert=True)
    async with services.db.session() as session:
        report = await get_report(session=session, report_id=report_id)
    if report is not None:
        await refresh_notices(services, ctx.bot, report)


async def _answer(update: Update, text: str, *, alert: bool = False) -> None:
    """A press is answered with a toast; the typed reason with a message."""
    if update.callback_query is not None:
        await acknowledge(update, text, alert=alert)
    else:
        await reply_html(update, html.escape(text))


async def _text_please(update: Update, ctx: PufaContext, _chat: Conversation) -> None:
    await reply_html(update, ctx.services.ui.review.reason_empty.format(max=REASON_CHARS))


async def _not_returned(update: Update, ctx: PufaContext, _chat: Conversation) -> None:
    await reply_html(update, ctx.services.ui.review.not_returned)
