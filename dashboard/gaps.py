"""Content gaps: residents' questions that found no card or were marked "没解决", normalised
and grouped, newest first, each with the closest cards and their scores. One click teaches
the bot the question's card (a labelled question the search learns from), adds the question to
a card as a sample question or a word as a synonym, marks it out of scope (learnt as a question
no card is for) or ignores it. Every edit is checked like `pufa content check`, written to the
content folder, and the running bot's search index swapped without a restart; the question
leaves the list until the decision is undone (`dashboard.gap_decisions`)."""

import asyncio
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from aiohttp import web
from multidict import MultiDictProxy

from content.analyzer import MAX_QUERY_CHARS, question_key
from content.editing import (
    Edit,
    EditError,
    EditRefused,
    Refusal,
    apply_checked,
    labelled_question,
    sample_question,
    synonym,
    unlabelled_question,
    withdrawn_sample_question,
    withdrawn_synonym,
)
from content.learnt import NONE, QuestionFeatures
from content.loader import build_index
from content.privacy import mask_personal_numbers
from content.search import Candidate, SearchIndex
from dashboard.common import (
    audit,
    notice,
    page_of,
    past_the_end,
    render,
    see_other,
    services,
    texts,
    user,
)
from dashboard.kept import Kept
from handlers.kit.context import Services
from storage.models import ContentGap, GapDecision
from storage.questions import (
    GAP_KEY_CHARS,
    chosen_cards,
    decide_gap,
    decided,
    decided_gaps,
    unanswered,
)

RECENT = timedelta(days=90)
MAX_GROUPS = 2000  # distinct questions read per page view (most frequent first)
GAPS_PER_PAGE = 20
_editing = asyncio.Lock()  # one content edit at a time


@dataclass
class Gap:
    question: str  # normalised
    shown: str  # as one resident wrote it
    times: int
    last_asked: datetime
    closest: list[Candidate] = field(default_factory=list)
    answered_now: bool = False
    searched_with: SearchIndex | None = None  # the index `closest` comes from
    texts: list[str] = field(default_factory=list)  # as logged, the group's wordings
    chosen: list[tuple[str, int]] = field(default_factory=list)  # residents' own, most first


# The grouped list; dropped at once when a coordinator decides about a question here.
KEPT_KEY = web.AppKey("dashboard_gaps", Kept[list[Gap]])
# One decision or undo at a time, from reading what was decided to recording it: a second
# press of the same button (the index takes seconds to rebuild) waits, and finds it made.
DECIDING_KEY = web.AppKey("dashboard_deciding", asyncio.Lock)


async def kept_gaps(request: web.Request) -> list[Gap]:
    bot = services(request)
    found, _ = await request.config_dict[KEPT_KEY].get(bot.now(), lambda: gaps(bot))
    return found


async def gaps(bot: Services, card_id: str | None = None) -> list[Gap]:
    """Undecided unanswered questions of the last 90 days (only those answered with
    `card_id`, if given), grouped, newest first."""
    async with bot.db.session() as session:
        rows = await unanswered(
            session=session, since=bot.now() - RECENT, limit=MAX_GROUPS, card_id=card_id
        )
        decided = await decided_gaps(session=session)
    grouped: dict[str, Gap] = {}
    for row in rows:
        key = question_key(row.text)
        if not key or key[:GAP_KEY_CHARS] in decided:
            continue
        gap = grouped.setdefault(key, Gap(key, row.text, 0, row.last_asked))
        gap.texts.append(row.text)
        gap.times += row.times
        gap.last_asked = max(gap.last_asked, row.last_asked)
    return sorted(grouped.values(), key=lambda g: g.last_asked, reverse=True)


async def gaps_page(request: web.Request) -> web.StreamResponse:
    bot = services(request)
    page = page_of(request, size=GAPS_PER_PAGE)
    # One card's gaps (linked from the satisfaction page's most 👎): few, read at each view.
    card = bot.library.cards.get(request.query.get("card", ""))
    found = await gaps(bot, card.id) if card else await kept_gaps(request)
    if (last := past_the_end(request, page, page.pages(len(found)))) is not None:
        return last
    shown = found[page.offset : page.offset + page.size]
    await _with_choices(bot, shown)
    for gap in shown:  # with the index in use now (an edit may have just changed it)
        if gap.searched_with is not bot.index:
            result = bot.index.search(gap.shown, limit=3)
            gap.closest, gap.answered_now = result.candidates, result.matched
            gap.searched_with = bot.index
    cards = sorted(bot.library.cards.values(), key=lambda c: c.title)
    return render(
        request,
        "gaps.html",
        gaps=shown,
        total=len(found),
        page=page,
        pages=page.pages(len(found)),
        only_card=card,
        query={"card": card.id} if card else {},
        cards=cards,
        keywords={card.id: card.keywords for card in cards},
        titles={card.id: card.title for card in cards},
        tz=bot.tz,
        done=request.query.get("done", ""),
        answers=request.query.get("answers", ""),
        # without a content folder of its own an edit could only be refused: none offered
        edits_off="" if bot.dashboard.content_dir else texts(request).edits_off,
    )


async def _with_choices(bot: Services, shown: list[Gap]) -> None:
    """The cards the askers of these questions chose themselves from those offered (cards
    that are gone left out), most chosen first: read at each view, for one page."""
    async with bot.db.session() as session:
        chosen = await chosen_cards(
            session=session,
            texts=[text for gap in shown for text in gap.texts],
            since=bot.now() - RECENT,
        )
    for gap in shown:
        times: dict[str, int] = {}
        for text in gap.texts:
            for card_id, count in chosen.get(text, {}).items():
                if card_id in bot.library.cards:
                    times[card_id] = times.get(card_id, 0) + count
        gap.chosen = sorted(times.items(), key=lambda item: (-item[1], item[0]))


def field_of(form: MultiDictProxy[Any], name: str, limit: int) -> str:
    value = form.get(name, "")
    return value[:limit] if isinstance(value, str) else ""


def refused(request: web.Request, problem: EditError) -> web.Response:
    """The page for an edit refused before anything was written or decided: why (a refusal
    such as no content folder of one's own), or what the content check found."""
    said = texts(request)
    if isinstance(problem, EditRefused):
        why = getattr(said, problem.refusal.value).format(**problem.values)
        return render(
            request, "gap_refused.html", status=400, lead=said.edit_refused, problems=[why]
        )
    return render(
        request, "gap_refused.html", status=400, lead=said.edit_check, problems=problem.problems
    )


async def decide(request: web.Request) -> web.StreamResponse:
    try:
        async with request.config_dict[DECIDING_KEY]:
            answer = await _decide(request)
    except EditError as problem:
        answer = refused(request, problem)
    request.config_dict[KEPT_KEY].drop()  # the list changes with any decision
    return answer


async def _decide(request: web.Request) -> web.StreamResponse:
    bot = services(request)
    form = await request.post()
    question = field_of(form, "question", MAX_QUERY_CHARS)
    action = field_of(form, "action", 16)
    key = question_key(mask_personal_numbers(question))  # as the log keeps it
    if not key:
        return notice(request, texts(request).pick_question, 400)
    if action == "ignore":
        ignored = GapDecision.IGNORED
        return await _answer(request, key, None, ignored, None, ignored.value)
    if action == "out_of_scope":  # learnt too where the content folder is one's own
        if bot.dashboard.content_dir is None:
            outside = GapDecision.OUT_OF_SCOPE
            return await _answer(request, key, None, outside, None, outside.value)
        edit = labelled_question(question, NONE)
        return await _answer(request, key, edit, GapDecision.OUT_OF_SCOPE, None, "none_learnt")
    card_id = field_of(form, "card_id", 64)
    if card_id not in bot.library.cards:
        return notice(request, texts(request).pick_card, 400)
    if action == "learn":
        edit = labelled_question(question, card_id)
        return await _answer(request, key, edit, GapDecision.LEARNT, card_id, "learnt")
    if action == "sample":
        edit = sample_question(card_id, question)
        return await _answer(request, key, edit, GapDecision.SAMPLE, card_id, "answered")
    if action != "synonym":
        return notice(request, texts(request).unknown_action, 400)
    same_as = field_of(form, "same_as", 20)
    if same_as not in bot.library.cards[card_id].keywords:
        return notice(request, texts(request).pick_keyword, 400)
    edit = synonym(field_of(form, "word", 20), same_as)
    word = edit.added[0]
    if word.casefold() not in " ".join(question.split()).casefold():
        raise EditRefused(Refusal.WORD_NOT_IN_QUESTION, word=word)
    return await _answer(request, key, edit, GapDecision.SYNONYM, card_id, "answered")


async def _answer(
    request: web.Request,
    key: str,
    edit: Edit | None,
    decision: GapDecision,
    card_id: str | None,
    done: str,
) -> web.StreamResponse:
    """Makes the content edit (if any), then takes the question off the list, recording what
    the edit added (for an undo): answered by `card_id`, or not when None. The same decision
    made already (the button pressed twice, the form sent again) writes nothing more; another
    one is a coordinator's second thoughts and replaces it: what the first one wrote is taken
    back out, as its undo would, in the same checked change."""
    added = json.dumps(list(edit.added), ensure_ascii=False) if edit else None
    bot = services(request)
    async with bot.db.session() as session:
        standing = await decided(session=session, question=key)
    if standing is not None and (standing.decision, standing.card_id, standing.added) == (
        decision.value,
        card_id,
        added,
    ):
        return _back(done)
    taken_back = withdrawal(standing) if standing is not None else None
    edits = [e for e in (taken_back, edit) if e is not None]
    answers = None
    if edits:
        answers = await edit_content(request, bot, *edits, count=card_id is not None)
    await _decided(request, key, decision, card_id, added)
    return _back(done, answers)


def added_of(row: ContentGap) -> list[str]:
    """The values the decision wrote into the content, as its undo takes them."""
    values = json.loads(row.added) if row.added else []
    return [v for v in values if isinstance(v, str)] if isinstance(values, list) else []


def withdrawal(row: ContentGap) -> Edit | None:
    """The content edit that takes back what the decision wrote; None when it wrote nothing
    (or nothing was kept of it)."""
    match row.decision, added_of(row):
        case GapDecision.LEARNT | GapDecision.OUT_OF_SCOPE, [question]:
            return unlabelled_question(question)
        case GapDecision.SAMPLE, [question] if row.card_id:
            return withdrawn_sample_question(row.card_id, question)
        case GapDecision.SYNONYM, [word, same_as]:
            return withdrawn_synonym(word, same_as)
    return None


async def _decided(
    request: web.Request,
    key: str,
    decision: GapDecision,
    card_id: str | None = None,
    added: str | None = None,
) -> None:
    bot = services(request)
    async with bot.db.session() as session:
        await decide_gap(
            session=session,
            question=key,
            decision=decision,
            card_id=card_id,
            by=user(request).telegram_id,
            now=bot.now(),
            added=added,
        )
    if card_id is None:  # an answer is audited as its content edit
        await audit(request, f"gap.{decision.value}", mask_personal_numbers(key)[:200])


async def edit_content(
    request: web.Request, bot: Services, *edits: Edit, count: bool = True
) -> int | None:
    """Writes the checked edits (made in turn, as one change), swaps the bot's content and
    index, and (with `count`) says how many recent unanswered questions (counting repeats)
    the new index now answers."""
    content_dir = bot.dashboard.content_dir
    # never the packaged content (an upgrade would undo the edit), nor a folder that is gone
    if content_dir is None:
        raise EditRefused(Refusal.NO_CONTENT_DIR)
    if not content_dir.is_dir():
        raise EditRefused(Refusal.CONTENT_DIR_GONE, path=content_dir)
    async with _editing:
        library = await asyncio.to_thread(apply_checked, content_dir, *edits)
        before = bot.index
        # the labelled questions' features are kept for the next edit's rebuild
        features = before.question_features or QuestionFeatures()
        index = await asyncio.to_thread(build_index, library, features)
        bot.swap_content(library, index)
    for edit in edits:
        await audit(request, "content.edit", edit.path, edit.summary)
    if not count:
        return None
    recent = await gaps(bot)
    return await asyncio.to_thread(_newly_answered, recent, before, index)


def _newly_answered(recent: Iterable[Gap], before: SearchIndex, after: SearchIndex) -> int:
    """Questions the new index answers with a card the old one did not give: it found none,
    or another (a question marked 没解决 or 👎 had a card, the wrong one)."""

    def card(index: SearchIndex, text: str) -> str | None:
        result = index.search(text)
        return result.best.card_id if result.matched and result.best else None

    return sum(
        gap.times
        for gap in recent
        if (now := card(after, gap.shown)) is not None and now != card(before, gap.shown)
    )


def _back(done: str, answers: int | None = None) -> web.StreamResponse:
    location = f"/dashboard/gaps?done={done}"
    if answers is not None:
        location += f"&answers={answers}"
    return see_other(location)
