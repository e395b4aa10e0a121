"""Decisions about unanswered questions, newest first, each with an undo: the question comes
back to the content-gaps list, and what the decision wrote into the content (a label the
search learnt from, a sample question, a synonym) is taken back out, checked like
`pufa content check`, with the running bot's index swapped at once. A decision recorded before
that was kept (migration 0014) only comes back to the list; its content stays."""

from dataclasses import dataclass

from aiohttp import web

from content.editing import EditError
from content.privacy import mask_personal_numbers
from dashboard.common import (
    audit,
    notice,
    page_of,
    past_the_end,
    render,
    see_other,
    services,
    texts,
)
from dashboard.gaps import (
    DECIDING_KEY,
    KEPT_KEY,
    added_of,
    edit_content,
    field_of,
    refused,
    withdrawal,
)
from storage.models import ContentGap, GapDecision
from storage.people import names_of
from storage.questions import GAP_KEY_CHARS, decided, decisions


@dataclass(frozen=True)
class Decided:
    row: ContentGap
    shown: str  # the question as written into the content, else its normalised key
    card_title: str  # "" without a card; the id of a card that is gone
    added: list[str]


async def decisions_page(request: web.Request) -> web.StreamResponse:
    bot = services(request)
    page = page_of(request)
    async with bot.db.session() as session:
        rows, total = await decisions(session=session, offset=page.offset, limit=page.size)
        by = {row.decided_by for row in rows if row.decided_by is not None}
        names = await names_of(session=session, ids=by)
    if (last := past_the_end(request, page, page.pages(total))) is not None:
        return last
    shown = []
    for row in rows:
        added = added_of(row)
        card = bot.library.cards.get(row.card_id or "")
        title = card.title if card else row.card_id or ""
        question = added[0] if added and row.decision != GapDecision.SYNONYM else row.question
        shown.append(Decided(row, question, title, added))
    return render(
        request,
        "gap_decisions.html",
        decided=shown,
        names=names,  # who decided, by name: never a Telegram id
        total=total,
        page=page,
        pages=page.pages(total),
        query={},
        tz=bot.tz,
        done=request.query.get("done", ""),
    )


async def undo(request: web.Request) -> web.StreamResponse:
    bot = services(request)
    key = field_of(await request.post(), "question", GAP_KEY_CHARS)
    try:
        deciding = request.config_dict[DECIDING_KEY]
        async with deciding, bot.db.session() as session:  # it goes only if its edit went
            found = await decided(session=session, question=key)
            if found is None:
                return notice(request, texts(request).gap_not_decided, 404)
            taken_back = withdrawal(found)
            if taken_back is not None:
                await edit_content(request, bot, taken_back, count=False)
            await session.delete(found)
    except EditError as problem:
        return refused(request, problem)
    request.config_dict[KEPT_KEY].drop()  # the question is back on the list
    await audit(request, "gap.undone", mask_personal_numbers(key)[:200], found.decision)
    return see_other("/dashboard/gaps/decided?done=undone")
