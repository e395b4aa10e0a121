"""满意度测评: a resident's 👍 / 👎 on an answer, a card or an event their QR code was for
(once it is over).

One vote per person per subject; pressing the other button replaces the vote. In a group
anyone may rate the answer the group saw, each once; in a private chat only its owner can
(other data is forged). Nothing is posted to the chat: the toast thanks the voter."""

import re

from telegram import Update

from content.ui_engagement import EngagementTexts
from handlers.kit.callbacks import parse
from handlers.kit.context import PufaContext
from handlers.kit.conversation import expired
from handlers.kit.replies import acknowledge
from handlers.kit.votes import Choice, Subject
from storage.attribution import attributed_to, get_event
from storage.models import VoteKind
from storage.questions import question_by_ref
from storage.votes import Ballot, Cast, cast_vote, person_town

REF = re.compile(r"[0-9a-f]{12}")  # a logged question's reference (domain.answers.log_entry)


async def on_vote(update: Update, ctx: PufaContext) -> None:
    parsed = parse(update.callback_query.data if update.callback_query else None)
    user, ui = update.effective_user, ctx.services.ui
    args = parsed.args if parsed else ()
    valid = (
        len(args) == 3
        and args[0] in Choice._value2member_map_
        and args[1] in Subject._value2member_map_
    )
    if not valid or user is None:
        await expired(update, ctx)
        return
    choice, subject, ref = Choice(args[0]), Subject(args[1]), args[2]
    target = await _target(ctx, subject, ref, user.id)
    if target is None:
        await expired(update, ctx)
        return
    kind, card_id = target
    async with ctx.services.db.session() as session:
        town = await person_town(session=session, telegram_id=user.id)
        ballot = Ballot(
            voter_id=user.id,
            subject=f"{subject.value}-{ref}",
            kind=kind,
            card_id=card_id,
            town=town,
            satisfied=choice is Choice.UP,
        )
        cast = await cast_vote(session=session, ballot=ballot, now=ctx.services.now())
    await acknowledge(update, _thanks(ui.engagement, cast))


async def _target(
    ctx: PufaContext, subject: Subject, ref: str, voter: int
) -> tuple[VoteKind, str | None] | None:
    """What the vote is about (its kind and card), or None if the data is forged or stale."""
    services = ctx.services
    if subject is Subject.CARD:
        return (VoteKind.ANSWER, ref) if ref in services.library.cards else None
    if subject is Subject.EVENT:
        async with services.db.session() as session:
            event = await get_event(session=session, code=ref)
            came = await attributed_to(session=session, resident_id=voter)
        # Only residents its code brought, and only once the event is over.
        over = event is not None and event.event_date is not None
        if not over or came is None or came.code != ref:
            return None
        assert event is not None and event.event_date is not None
        return (VoteKind.EVENT, None) if services.today() > event.event_date else None
    if subject is Subject.QUESTION and REF.fullmatch(ref):
        await services.question_log.flush()  # the question may still be waiting to be written
        async with services.db.session() as session:
            row = await question_by_ref(session=session, ref=ref)
        if row is None or (row.chat_type == "private" and row.telegram_id != voter):
            return None
        if not row.matched:
            return VoteKind.FALLBACK, None
        return VoteKind.ANSWER, None if row.ambiguous else row.card_id
    return None


def _thanks(texts: EngagementTexts, cast: Cast) -> str:
    return {
        Cast.NEW: texts.vote_thanks,
        Cast.CHANGED: texts.vote_changed,
        Cast.SAME: texts.vote_same,
    }[cast]
