"""What the coordinator commands share: the audit record of every action, the check that
opens each of them (a coordinator, in a private chat: they show personal data), and the
period (and file format) typed after /stats, /export and /hours."""

from telegram import Update

from content.report_input import InputError, parse_period
from documents.tables import Format
from handlers.kit.context import PufaContext
from handlers.kit.replies import reply_html
from handlers.kit.roles import require_coordinator, require_private
from storage.audit import record
from storage.stats import Period


def actor(update: Update) -> int | None:
    return update.effective_user.id if update.effective_user else None


async def audit(
    ctx: PufaContext, update: Update, action: str, target: str = "", detail: str = ""
) -> None:
    async with ctx.services.db.session() as session:
        await record(
            session=session,
            actor_id=actor(update),
            action=action,
            target=target,
            detail=detail,
            now=ctx.services.now(),
        )


async def coordinator_here(update: Update, ctx: PufaContext, action: str) -> bool:
    """A coordinator in their private chat; otherwise they are told why not."""
    return await require_private(update, ctx) and await require_coordinator(update, ctx, action)


def _period_and_format(ctx: PufaContext) -> tuple[Period, Format]:
    """Raises InputError for a period nobody can read."""
    args = list(ctx.args or [])
    fmt: Format = "csv" if any(a.lower() == "csv" for a in args) else "xlsx"
    words = " ".join(a for a in args if a.lower() not in {"csv", "xlsx"})
    typed = ctx.services.library.typed_words
    start, end = parse_period(words, today=ctx.services.today(), words=typed)
    return Period(start, end), fmt


async def read_period(
    update: Update, ctx: PufaContext, *, exporting: bool = True
) -> tuple[Period, Format] | None:
    """The period and format typed, or None after explaining what is wrong with them (and,
    for an export, how to ask for CSV)."""
    try:
        return _period_and_format(ctx)
    except InputError as problem:
        texts = ctx.services.ui.volunteers
        usage = [texts.explain(problem.problem), texts.period_usage]
        await reply_html(update, "\n".join(usage + [texts.format_usage] * exporting))
        return None


def period_text(period: Period) -> str:
    return f"{period.start.isoformat()} ~ {period.end.isoformat()}"
