"""/tag REPORT INDICATOR: a coordinator counts an activity report for another evaluation
indicator (beyond its type's and campaigns' defaults), or stops counting it; audited. A tag is
a change for review: the report gets a new revision and its notification copies are redrawn
(showing the tags, their buttons carrying the new revision)."""

import html

from telegram import Update

from content.indicators import Indicator
from content.loader import Library
from handlers.kit.callbacks import number
from handlers.kit.context import PufaContext
from handlers.kit.replies import reply_html, user_id
from handlers.kit.review import refresh_notices
from handlers.kit.roles import require_coordinator, require_private
from storage.audit import record
from storage.evidence import toggle_tag
from storage.reports import get_report


def find_indicator(library: Library, text: str) -> Indicator | None:
    """By id or name, or the only one whose name contains `text`."""
    exact = [i for i in library.indicators if text in (i.id, i.name)]
    partial = [i for i in library.indicators if text and text in i.name]
    found = exact or partial
    return found[0] if len(found) == 1 else None


async def on_tag(update: Update, ctx: PufaContext) -> None:
    if not await require_private(update, ctx):
        return
    if not await require_coordinator(update, ctx, "tag"):
        return
    services, texts = ctx.services, ctx.services.ui.engagement
    args = list(ctx.args or [])
    report_id = number(args[0]) if args else None
    indicator = find_indicator(services.library, " ".join(args[1:]).strip())
    if report_id is None or indicator is None:
        names = services.ui.list_separator.join(i.name for i in services.library.indicators)
        await reply_html(update, texts.tag_usage.format(names=html.escape(names)))
        return
    async with services.db.session() as session:
        tagged = await toggle_tag(
            session=session, report_id=report_id, tag=indicator.id, now=services.now()
        )
        if tagged is not None:
            await record(
                session=session,
                actor_id=user_id(update),
                action="tag" if tagged else "untag",
                target=str(report_id),
                detail=indicator.id,
                now=services.now(),
            )
    if tagged is None:
        await reply_html(update, texts.tag_no_report.format(id=report_id))
        return
    done = texts.tag_added if tagged else texts.tag_removed
    await reply_html(update, done.format(id=report_id, name=html.escape(indicator.name)))
    async with services.db.session() as session:
        report = await get_report(session=session, report_id=report_id)
    if report is not None:  # the copies show the tags, their buttons the new revision
        await refresh_notices(services, ctx.bot, report)
