"""满意度测评: residents' 👍 / 👎 on answers and events, and the figures coordinators see."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Executable, case, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Attribution, Subscription, Volunteer, Vote, VoteKind
from storage.stats import Period
from storage.subscriptions import SubKind

MOST_DOWN = 5  # cards listed as the most 👎


class Cast(StrEnum):
    NEW = "new"
    CHANGED = "changed"
    SAME = "same"


@dataclass(frozen=True)
class Ballot:
    voter_id: int
    subject: str
    kind: VoteKind
    card_id: str | None
    town: str
    satisfied: bool


async def person_town(*, session: AsyncSession, telegram_id: int) -> str:
    """The town a person belongs to, as far as the bot knows: the QR code that brought them,
    else their volunteer profile, else the town whose news they follow ("" if none)."""
    attribution = await session.get(Attribution, telegram_id)
    if attribution is not None and attribution.town:
        return attribution.town
    volunteer = await session.get(Volunteer, telegram_id)
    if volunteer is not None and volunteer.town:
        return volunteer.town
    town = (
        await session.exec(
            select(Subscription.value).where(
                col(Subscription.chat_id) == telegram_id,
                col(Subscription.kind) == SubKind.TOWN.value,
            )
        )
    ).first()
    return town or ""


async def cast_vote(*, session: AsyncSession, ballot: Ballot, now: datetime) -> Cast:
    """One vote per person per subject: a second one with another choice replaces the first."""
    query = select(Vote).where(
        col(Vote.voter_id) == ballot.voter_id, col(Vote.subject) == ballot.subject
    )
    row = (await session.exec(query)).first()
    if row is not None:
        if row.satisfied == ballot.satisfied:
            return Cast.SAME
        row.satisfied, row.voted_at = ballot.satisfied, now
        session.add(row)
        return Cast.CHANGED
    vote = Vote(
        voter_id=ballot.voter_id,
        subject=ballot.subject,
        kind=ballot.kind.value,
        card_id=ballot.card_id,
        town=ballot.town,
        satisfied=ballot.satisfied,
        voted_at=now,
    )
    # Updates are handled one at a time, so a double press finds the first vote above; the
    # unique constraint is the backstop.
    session.add(vote)
    return Cast.NEW


async def has_voted(*, session: AsyncSession, voter_id: int, subject: str) -> bool:
    query = select(Vote.id).where(col(Vote.voter_id) == voter_id, col(Vote.subject) == subject)
    return (await session.exec(query)).first() is not None


@dataclass(frozen=True)
class VoteLine:
    key: str
    votes: int
    satisfied: int

    @property
    def unsatisfied(self) -> int:
        return self.votes - self.satisfied

    @property
    def share(self) -> float:
        """Share of satisfied votes, 0..1 (0 without votes)."""
        return self.satisfied / self.votes if self.votes else 0.0


@dataclass(frozen=True)
class Satisfaction:
    total: VoteLine
    by_kind: list[VoteLine]
    by_town: list[VoteLine]
    by_card: list[VoteLine]
    by_month: list[VoteLine]  # "2026-03", oldest first

    @property
    def most_down(self) -> list[VoteLine]:
        """Cards with the most 👎 (they point at content gaps)."""
        down = sorted(
            (line for line in self.by_card if line.unsatisfied),
            key=lambda line: (-line.unsatisfied, line.share, line.key),
        )
        return down[:MOST_DOWN]


async def _rows(session: AsyncSession, query: Executable) -> Sequence[Any]:
    connection = await session.connection()
    return (await connection.execute(query)).all()


def _in(period: Period, tz: ZoneInfo) -> list[ColumnElement[bool]]:
    start, end = period.instants(tz)
    return [col(Vote.voted_at) >= start, col(Vote.voted_at) < end]


_SUMS = (func.count(), func.coalesce(func.sum(case((col(Vote.satisfied), 1), else_=0)), 0))


async def _grouped(
    session: AsyncSession, column: Any, where: list[ColumnElement[bool]]
) -> list[VoteLine]:
    query = (
        select(column, *_SUMS).where(*where).group_by(column).order_by(func.count().desc(), column)
    )
    rows = await _rows(session, query)
    return [VoteLine(str(key or ""), int(n), int(up)) for key, n, up in rows]


async def satisfaction(
    *, session: AsyncSession, period: Period, tz: ZoneInfo, kinds: Sequence[VoteKind] = ()
) -> Satisfaction:
    """Votes of the period (of the given kinds, else all) by kind, town, card and month."""
    where = _in(period, tz)
    if kinds:
        where.append(col(Vote.kind).in_([k.value for k in kinds]))
    [(n, up)] = await _rows(session, select(*_SUMS).where(*where))
    cards = [*where, col(Vote.card_id).is_not(None)]
    # Months are folded here from the votes' instants (local months; few columns per row).
    months: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for at, satisfied in await _rows(session, select(Vote.voted_at, Vote.satisfied).where(*where)):
        at = at if at.tzinfo else at.replace(tzinfo=UTC)  # stored as UTC
        month = months[at.astimezone(tz).strftime("%Y-%m")]
        month[0] += 1
        month[1] += int(bool(satisfied))
    return Satisfaction(
        total=VoteLine("", int(n), int(up)),
        by_kind=await _grouped(session, Vote.kind, where),
        by_town=await _grouped(session, Vote.town, where),
        by_card=await _grouped(session, Vote.card_id, cards),
        by_month=[VoteLine(m, v[0], v[1]) for m, v in sorted(months.items())],
    )
