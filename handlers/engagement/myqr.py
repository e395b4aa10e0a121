"""/myqr: the QR codes one made, newest first, PAGE at a time, each with the residents it
brought and 再发海报, which sends that code's poster and QR again as /qr sent them (the same
link, title and place line, masked as they were stored): no new code, so an event's residents
stay counted on one code. Checked at every press: a private chat (as /qr), a volunteer or
coordinator, and the code's own maker or a coordinator; a code whose maker was erased by
/deleteme counts under nobody and is nobody's to list or send. Any other id is answered as an
expired button, with no hint that the code exists. The code of a withdrawn report is listed
(it still counts) but not sent again."""

import html
import math

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from content.privacy import mask_personal_numbers
from handlers.engagement.qr import send_code
from handlers.kit.callbacks import Kind, make, number, parse
from handlers.kit.context import PufaContext
from handlers.kit.conversation import expired
from handlers.kit.events import EventAction
from handlers.kit.replies import acknowledge, edit, reply_html, user_id
from handlers.kit.roles import require_private, require_volunteer_or_coordinator
from storage.attribution import MadeCode, codes_made_by, get_event
from storage.models import ANONYMOUS_ID, ReportStatus, Role
from storage.reports import get_report

PAGE = 5


async def on_myqr(update: Update, ctx: PufaContext) -> None:
    if await _maker(update, ctx) is None:
        return
    text, markup = await _page(ctx, user_id(update), 1)
    await reply_html(update, text, markup)


async def on_page(update: Update, ctx: PufaContext) -> None:
    """ev:mine:<page>: the list's message shows that page (the last one if fewer now)."""
    arg = _argument(update, EventAction.MINE)
    page = number(arg) if arg is not None else None
    if page is None:
        await expired(update, ctx)
        return
    if await _maker(update, ctx) is None:
        return
    await acknowledge(update)
    text, markup = await _page(ctx, user_id(update), page)
    await edit(update, text, markup)


async def on_again(update: Update, ctx: PufaContext) -> None:
    """ev:again:<code>: that code's poster and QR, sent again."""
    code = _argument(update, EventAction.AGAIN)
    if code is None:
        await expired(update, ctx)
        return
    role = await _maker(update, ctx)
    if role is None:
        return
    async with ctx.services.db.session() as session:
        event = await get_event(session=session, code=code)
    maker = event.volunteer_id if event else ANONYMOUS_ID
    if maker == ANONYMOUS_ID or not (maker == user_id(update) or role is Role.COORDINATOR):
        await expired(update, ctx)
        return
    assert event is not None
    if event.report_id is not None and await _withdrawn(ctx, event.report_id):
        texts = ctx.services.ui.engagement
        await acknowledge(update, texts.qr_report_withdrawn.format(id=event.report_id), alert=True)
        return
    await acknowledge(update)
    await send_code(update, ctx, event, again=True)


async def _maker(update: Update, ctx: PufaContext) -> Role | None:
    """The role of who may list and send codes, in a private chat (as /qr), else None after
    telling them."""
    if not await require_private(update, ctx):
        return None
    return await require_volunteer_or_coordinator(update, ctx)


async def _withdrawn(ctx: PufaContext, report_id: int) -> bool:
    """Whether the report a code was made from was withdrawn: its code is not sent again, as
    the report's own button does not send it (it still counts in the list)."""
    async with ctx.services.db.session() as session:
        report = await get_report(session=session, report_id=report_id)
    return report is None or report.status != ReportStatus.SUBMITTED.value


def _argument(update: Update, action: EventAction) -> str | None:
    """The one argument of a press of `action`, else None (malformed or forged)."""
    parsed = parse(update.callback_query.data if update.callback_query else None)
    chosen = parsed.action(EventAction) if parsed else None
    if chosen is None or chosen[0] is not action or len(chosen[1]) != 1:
        return None
    return chosen[1][0]


async def _page(
    ctx: PufaContext, maker: int, page: int
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The list's text and buttons at `page` (the last page when there are fewer now)."""
    texts = ctx.services.ui.engagement
    async with ctx.services.db.session() as session:

        async def fetch(at: int) -> tuple[list[MadeCode], int]:
            offset = (at - 1) * PAGE
            return await codes_made_by(
                session=session, volunteer_id=maker, offset=offset, limit=PAGE
            )

        codes, total = await fetch(page)
        pages = max(1, math.ceil(total / PAGE))
        if page > pages:
            page = pages
            codes, total = await fetch(page)
    if not codes:
        return texts.qr_mine_none, None
    first = (page - 1) * PAGE + 1
    lines = [_line(ctx, n, made) for n, made in enumerate(codes, first)]
    rows = [
        [
            InlineKeyboardButton(
                texts.qr_again_button.format(n=n),
                callback_data=make(Kind.EVENT, EventAction.AGAIN, made.code),
            )
        ]
        for n, made in enumerate(codes, first)
    ]
    ui = ctx.services.ui
    turn = [(ui.page_prev, page - 1), (ui.page_next, page + 1)]
    nav = [
        InlineKeyboardButton(label, callback_data=make(Kind.EVENT, EventAction.MINE, to))
        for label, to in turn
        if 1 <= to <= pages
    ]
    title = texts.qr_mine_title.format(page=page, pages=pages)
    text = "\n".join([title, *lines, "", texts.qr_mine_hint])
    return text, InlineKeyboardMarkup([*rows, *([nav] if nav else [])])


def _line(ctx: PufaContext, n: int, made: MadeCode) -> str:
    texts = ctx.services.ui.engagement
    when = (
        texts.qr_mine_when.format(date=made.event_date.isoformat())
        if made.event_date
        else texts.qr_mine_poster
    )
    title = html.escape(mask_personal_numbers(made.title))
    return texts.qr_mine_line.format(n=n, title=title, when=when, residents=made.residents)
