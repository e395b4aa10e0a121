"""What the database says about the bot's work, for /metrics: counts of questions by outcome,
feedback, activity reports and broadcast deliveries, and the progress of broadcasts being sent.
Read at each scrape, so every instance (and every restart) tells the same totals."""

from dataclasses import dataclass, field

from sqlalchemy import case, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import ActivityReport, Broadcast, BroadcastStatus, Delivery, QuestionLog


@dataclass
class Tallies:
    questions: dict[str, int] = field(default_factory=dict)  # matched | ambiguous | fallback
    feedback: dict[str, int] = field(default_factory=dict)  # by feedback given
    reports: dict[str, int] = field(default_factory=dict)  # by report status
    deliveries: dict[str, int] = field(default_factory=dict)  # by delivery state
    sending: dict[int, dict[str, int]] = field(default_factory=dict)  # broadcast -> state -> n


async def tallies(*, session: AsyncSession) -> Tallies:
    outcome = case(
        (col(QuestionLog.ambiguous).is_(True), "ambiguous"),
        (col(QuestionLog.matched).is_(True), "matched"),
        else_="fallback",
    )
    found = Tallies()
    rows = await session.exec(select(outcome, func.count()).group_by(outcome))
    found.questions = {str(kind): int(n) for kind, n in rows.all()}
    rows_f = await session.exec(
        select(QuestionLog.feedback, func.count())
        .where(col(QuestionLog.feedback).is_not(None))
        .group_by(col(QuestionLog.feedback))
    )
    found.feedback = {str(kind): int(n) for kind, n in rows_f.all()}
    rows_r = await session.exec(
        select(ActivityReport.status, func.count()).group_by(col(ActivityReport.status))
    )
    found.reports = {str(status): int(n) for status, n in rows_r.all()}
    rows_d = await session.exec(select(Delivery.state, func.count()).group_by(col(Delivery.state)))
    found.deliveries = {str(state): int(n) for state, n in rows_d.all()}
    rows_s = await session.exec(
        select(Delivery.broadcast_id, Delivery.state, func.count())
        .join(Broadcast, col(Broadcast.id) == col(Delivery.broadcast_id))
        .where(col(Broadcast.status) == BroadcastStatus.SENDING.value)
        .group_by(col(Delivery.broadcast_id), col(Delivery.state))
    )
    for broadcast_id, state, n in rows_s.all():
        found.sending.setdefault(int(broadcast_id), {})[str(state)] = int(n)
    return found
