"""/metrics in Prometheus' text format (prometheus-client), one registry per bot process.

Updates and handler latency are counted as they happen; the rest is read from the database at
each scrape (questions by outcome, feedback, activity reports, deliveries by state, the
progress of broadcasts being sent), so totals survive restarts and take-overs. Only the active
instance reports the database's figures (a standby says `pufa_active 0`, whether its database
answers, and little else), so summing over instances counts nothing twice.
"""

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest
from telegram import Update

from bot.instance import Instance
from handlers.kit.context import PufaApplication
from storage.models import DeliveryState
from storage.tallies import tallies

CONTENT_TYPE = CONTENT_TYPE_LATEST
OUTCOMES = ("matched", "ambiguous", "fallback")
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


def update_type(update: object) -> str:
    """`message`, `callback_query`, `inline_query`, ... (Telegram's own field names)."""
    if isinstance(update, Update):
        for kind in Update.ALL_TYPES:
            if getattr(update, kind, None) is not None:
                return kind
    return "other"


class Metrics:
    def __init__(self) -> None:
        r = self.registry = CollectorRegistry()
        self.updates = Counter("pufa_updates", "Updates handled, by type", ["type"], registry=r)
        self.handler_seconds = Histogram(
            "pufa_handler_seconds",
            "Time from taking an update to every handler being done with it",
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.active = Gauge("pufa_active", "1 on the active instance, 0 on a standby", registry=r)
        self.database_up = Gauge("pufa_database_up", "1 if the database answered", registry=r)
        self.questions = Gauge(
            "pufa_questions", "Questions answered, by outcome", ["outcome"], registry=r
        )
        self.feedback = Gauge(
            "pufa_answer_feedback", "Answers residents gave feedback on", ["feedback"], registry=r
        )
        self.reports = Gauge(
            "pufa_reports", "Activity reports submitted, by status", ["status"], registry=r
        )
        self.deliveries = Gauge(
            "pufa_deliveries", "Broadcast deliveries, by state", ["state"], registry=r
        )
        self.broadcast = Gauge(
            "pufa_broadcast_recipients",
            "Recipients of each broadcast being sent, by delivery state",
            ["broadcast", "state"],
            registry=r,
        )
        self.floods = Counter(
            "pufa_delivery_429",
            "429 Too Many Requests answers the delivery engine met (should stay 0)",
            registry=r,
        )
        self._floods_seen = 0

    def observe(self, update: object, seconds: float) -> None:
        self.updates.labels(update_type(update)).inc()
        self.handler_seconds.observe(seconds)

    async def render(self, app: PufaApplication, instance: Instance) -> bytes:
        """The exposition text, with the database's figures read now."""
        self.active.set(1 if instance.active else 0)
        engine = app.services.broadcasting.engine
        if engine.floods > self._floods_seen:
            self.floods.inc(engine.floods - self._floods_seen)
            self._floods_seen = engine.floods
        for gauge in (self.questions, self.feedback, self.reports, self.deliveries):
            gauge.clear()
        self.broadcast.clear()
        if instance.active:
            await self._read_database(app)
        else:  # whether its database answers is a standby's own state, not a figure
            self.database_up.set(1 if await app.services.db.ping() else 0)
        return generate_latest(self.registry)

    async def _read_database(self, app: PufaApplication) -> None:
        try:
            async with app.services.db.session() as session:
                found = await tallies(session=session)
        except Exception:
            self.database_up.set(0)
            return
        self.database_up.set(1)
        for outcome in OUTCOMES:
            self.questions.labels(outcome).set(found.questions.get(outcome, 0))
        for feedback, n in found.feedback.items():
            self.feedback.labels(feedback).set(n)
        for status, n in found.reports.items():
            self.reports.labels(status).set(n)
        for state in DeliveryState:
            self.deliveries.labels(state.value).set(found.deliveries.get(state.value, 0))
        for broadcast_id, states in found.sending.items():
            for kind, n in states.items():
                self.broadcast.labels(str(broadcast_id), kind).set(n)
