"""The question log: every question asked, what the bot answered, and users' feedback."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, case, exists, func, insert, literal
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import (
    Attribution,
    ContentGap,
    Feedback,
    GapDecision,
    QuestionLog,
    Subscription,
    Volunteer,
    Vote,
)
from storage.subscriptions import SubKind

MAX_LOGGED_CHARS = 4096

# A decided question is kept by its first this many characters (the key's column size).
GAP_KEY_CHARS = 300


@dataclass(frozen=True)
class LoggedAnswer:
    ref: str  # given when the answer is sent: its 没解决 button carries it
    asked_at: datetime
    telegram_id: int | None
    chat_type: str
    source: str
    text: str
    card_id: str | None
    score: float
    matched: bool
    ambiguous: bool


@dataclass(frozen=True)
class UnansweredQuestion:
    text: str
    times: int
    last_asked: datetime


async def log_questions(session: AsyncSession, answers: list[LoggedAnswer]) -> None:
    """Logs a batch of questions in one statement (the write-behind's writer)."""
    rows = [{**a.__dict__, "text": a.text[:MAX_LOGGED_CHARS]} for a in answers]
    if rows:
        await session.exec(insert(QuestionLog), params=rows)


async def question_by_ref(*, session: AsyncSession, ref: str) -> QuestionLog | None:
    return (await session.exec(select(QuestionLog).where(QuestionLog.ref == ref))).first()


async def mark_unsolved(*, session: AsyncSession, ref: str, telegram_id: int) -> bool | None:
    """Record "没解决" for a question: True if recorded now, False if it already was, None if
    there is no such question of this person's (only the asker may give feedback)."""
    row = await question_by_ref(session=session, ref=ref)
    if row is None or row.telegram_id != telegram_id:
        return None
    if row.feedback is not None:
        return False
    row.feedback = Feedback.UNSOLVED.value
    session.add(row)
    return True


async def record_choice(
    *, session: AsyncSession, ref: str, telegram_id: int, card_id: str
) -> bool:
    """Records the card the asker chose from those offered under their question (the latest
    choice counts); False when there is no such question of this person's."""
    row = await question_by_ref(session=session, ref=ref)
    if row is None or row.telegram_id != telegram_id:
        return False
    row.chosen_card_id = card_id
    session.add(row)
    return True


async def unsolved_before(*, session: AsyncSession, ref: str) -> bool:
    """Whether the question its asker asked just before this one was marked 没解决 too (the
    log is written in the order the answers were sent, so ids follow it)."""
    row = await question_by_ref(session=session, ref=ref)
    if row is None or row.telegram_id is None:
        return False
    previous = select(QuestionLog.feedback).where(
        QuestionLog.telegram_id == row.telegram_id, col(QuestionLog.id) < row.id
    )
    feedback = (await session.exec(previous.order_by(col(QuestionLog.id).desc()))).first()
    return feedback == Feedback.UNSOLVED.value


async def asked_card(*, session: AsyncSession, ref: str) -> str | None:
    """The card a logged question was answered with (None: no card, or no such question)."""
    return (await session.exec(select(QuestionLog.card_id).where(QuestionLog.ref == ref))).first()


async def unanswered(
    *, session: AsyncSession, since: datetime, limit: int = 50, card_id: str | None = None
) -> list[UnansweredQuestion]:
    """Questions that got no card, were marked unsolved or got a 👎, most frequent first
    (the content gaps); with `card_id`, only those the bot answered with that card."""
    thumbs_down = exists().where(
        col(Vote.subject) == literal("q-") + col(QuestionLog.ref), col(Vote.satisfied).is_(False)
    )
    missed = (
        col(QuestionLog.matched).is_(False) | col(QuestionLog.feedback).is_not(None) | thumbs_down
    )
    where = [missed, col(QuestionLog.asked_at) >= since]
    if card_id is not None:
        where.append(col(QuestionLog.card_id) == card_id)
    query = (
        select(QuestionLog.text, func.count(), func.max(QuestionLog.asked_at))
        .where(*where)
        .group_by(QuestionLog.text)
        .order_by(func.count().desc(), func.max(QuestionLog.asked_at).desc())
        .limit(limit)
    )
    rows = (await session.exec(query)).all()
    return [UnansweredQuestion(text, times, last) for text, times, last in rows]


async def chosen_cards(
    *, session: AsyncSession, texts: Iterable[str], since: datetime
) -> dict[str, dict[str, int]]:
    """For each of these logged question texts, the cards its askers chose from those offered
    since `since`, and how often."""
    # Found by the index of choices (few questions have one): SQLite takes it for a range
    # (> ''), not for IS NOT NULL; and the time is compared here, as a condition on asked_at
    # would lead it to read months of questions by their time instead.
    query = select(QuestionLog.text, QuestionLog.chosen_card_id, QuestionLog.asked_at).where(
        col(QuestionLog.chosen_card_id) > "", col(QuestionLog.text).in_(list(texts))
    )
    chosen: dict[str, dict[str, int]] = {}
    for text, card_id, asked_at in (await session.exec(query)).all():
        if card_id and asked_at >= since:
            times = chosen.setdefault(text, {})
            times[card_id] = times.get(card_id, 0) + 1
    return chosen


@dataclass(frozen=True)
class QuestionCounts:
    asked: int
    answered: int  # a card was found
    fell_back: int  # no card: the 12348 fallback
    unsolved: int  # the asker pressed 没解决


_COUNTS = (
    func.count(),
    func.coalesce(func.sum(case((col(QuestionLog.matched).is_(True), 1), else_=0)), 0),
    func.coalesce(func.sum(case((col(QuestionLog.feedback).is_not(None), 1), else_=0)), 0),
)


def summed(counts: Iterable[QuestionCounts]) -> QuestionCounts:
    """The total of several lines (say, every town's)."""
    lines = list(counts)
    return QuestionCounts(
        sum(c.asked for c in lines),
        sum(c.answered for c in lines),
        sum(c.fell_back for c in lines),
        sum(c.unsolved for c in lines),
    )


def _counts(asked: int, answered: int, marked: int) -> QuestionCounts:
    return QuestionCounts(int(asked), int(answered), int(asked) - int(answered), int(marked))


def _asked_in(since: datetime, until: datetime) -> list[ColumnElement[bool]]:
    return [col(QuestionLog.asked_at) >= since, col(QuestionLog.asked_at) < until]


async def question_counts(
    *, session: AsyncSession, since: datetime, until: datetime
) -> QuestionCounts:
    """Residents' questions asked in [since, until), in one pass."""
    row = (await session.exec(select(*_COUNTS).where(*_asked_in(since, until)))).one()
    return _counts(*row)


async def question_counts_by_town(
    *, session: AsyncSession, since: datetime, until: datetime
) -> list[tuple[str, QuestionCounts]]:
    """The same by the asker's town as the bot knows it now, in the order of
    `storage.votes.person_town`: the QR code that brought them, their volunteer profile, the
    town whose news they follow; "" where none is known. Most questions first."""
    followed = (
        select(Subscription.chat_id, func.max(Subscription.value).label("town"))
        .where(col(Subscription.kind) == SubKind.TOWN.value)
        .group_by(col(Subscription.chat_id))
        .subquery()
    )
    asker = QuestionLog.telegram_id
    town = func.coalesce(
        func.nullif(Attribution.town, ""), func.nullif(Volunteer.town, ""), followed.c.town, ""
    ).label("town")
    query = (
        select(town, *_COUNTS)
        .select_from(QuestionLog)
        .outerjoin(Attribution, col(Attribution.resident_id) == asker)
        .outerjoin(Volunteer, col(Volunteer.telegram_id) == asker)
        .outerjoin(followed, followed.c.chat_id == asker)
        .where(*_asked_in(since, until))
        .group_by(town)
        .order_by(func.count().desc(), town)
    )
    return [(name, _counts(*figures)) for name, *figures in (await session.exec(query)).all()]


async def decide_gap(
    *,
    session: AsyncSession,
    question: str,
    decision: GapDecision,
    card_id: str | None,
    by: int | None,
    now: datetime,
    added: str | None = None,
) -> None:
    """Records a coordinator's decision about an unanswered question (its normalised text)
    and what it `added` to the content; the latest decision stands."""
    row = await decided(session=session, question=question) or ContentGap(
        question=question[:GAP_KEY_CHARS], decision=decision.value
    )
    row.decision, row.card_id, row.decided_by, row.decided_at = decision.value, card_id, by, now
    row.added = added
    session.add(row)


async def decisions(
    *, session: AsyncSession, offset: int, limit: int
) -> tuple[list[ContentGap], int]:
    """One page of the decisions, newest first, and how many there are."""
    query = select(ContentGap).order_by(
        col(ContentGap.decided_at).desc(), col(ContentGap.question)
    )
    rows = (await session.exec(query.offset(offset).limit(limit))).all()
    total = (await session.exec(select(func.count()).select_from(ContentGap))).one()
    return list(rows), total


async def decided(*, session: AsyncSession, question: str) -> ContentGap | None:
    """The decision about a normalised question (cut to GAP_KEY_CHARS like its key)."""
    return await session.get(ContentGap, question[:GAP_KEY_CHARS])


async def decided_gaps(*, session: AsyncSession) -> set[str]:
    """The normalised questions a coordinator has decided about (they leave the list), each
    cut to GAP_KEY_CHARS."""
    return set((await session.exec(select(ContentGap.question))).all())
