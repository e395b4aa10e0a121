"""The delivery engine: sends planned deliveries under Telegram's limits, never twice.

Each delivery is marked `sending` (committed) before its request leaves and gets its outcome
written when the answer comes. A process killed in between leaves rows in `sending`; the
next start marks them `uncertain`, counts and reports them, and never sends them again. At
most `max_in_flight` rows are `sending` at once, so that is also the most a kill (or a stall
whose outcome cannot be known) can leave uncertain.
Everything else (pending rows, retries waiting for their time) simply continues.
"""

import asyncio
import contextlib
import logging
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from scheduler.messages import (
    Blocked,
    Failed,
    Moved,
    Outcome,
    Outgoing,
    Renderer,
    Reporter,
    Retry,
    RetryLater,
    Sender,
    Sent,
    Uncertain,
)
from scheduler.ratelimit import Pacer, Ticket
from storage import broadcasts as repo
from storage.db import Database
from storage.models import Broadcast, BroadcastStatus, Clock, DeliveryState, utcnow
from storage.subscriptions import mark_inactive, move_chat

log = logging.getLogger(__name__)
_MAX_BACKOFF = 300.0


@dataclass(frozen=True)
class EngineConfig:
    batch_size: int = 200
    max_in_flight: int = 16  # requests on the wire at once (enough for 30/s at ~0.5 s latency)
    max_attempts: int = 5
    backoff_seconds: float = 2.0
    progress_seconds: float = 3.0
    progress_after: float = (
        5.0  # a broadcast done sooner needs no progress message, only its summary
    )
    idle_seconds: float = 1.0


class DeliveryEngine:
    def __init__(
        self,
        db: Database,
        sender: Sender,
        renderer: Renderer,
        reporter: Reporter,
        pacer: Pacer,
        *,
        config: EngineConfig | None = None,
        now: Clock = utcnow,
    ) -> None:
        self.db, self.sender, self.renderer, self.reporter = db, sender, renderer, reporter
        self.pacer = pacer
        self.config = config or EngineConfig()
        self.now = now
        self.recovered: dict[int, int] = {}  # broadcast id -> deliveries marked uncertain
        self.floods = 0  # 429s met (should stay 0)
        self._wake = asyncio.Event()
        self._stopped = asyncio.Event()
        self._answered = asyncio.Event()  # a delivery got its outcome
        self._stopping = False
        self._loops: list[asyncio.Task[None]] = []
        self._sends: set[asyncio.Task[None]] = set()
        self._in_flight: dict[int, int] = {}  # delivery id -> broadcast id
        self._window = asyncio.Semaphore(self.config.max_in_flight)
        self._outgoing: dict[int, Outgoing] = {}
        self._cancelled: set[int] = set()
        self._last_progress: dict[int, tuple[int, float]] = {}

    async def start(self) -> None:
        async with self.db.session() as session:
            self.recovered = await repo.recover_interrupted(session=session, now=self.now())
        if self.recovered:
            log.warning("deliveries interrupted by a crash, now uncertain: %s", self.recovered)
        self._loops = [
            asyncio.create_task(self._dispatch_loop(), name="pufa-delivery"),
            asyncio.create_task(self._watch_loop(), name="pufa-delivery-watch"),
        ]

    async def stop(self) -> None:
        """Stops dispatching, lets requests on the wire finish and records their outcome."""
        self._stopping = True
        self._wake.set()
        self._stopped.set()
        await asyncio.gather(*self._loops, return_exceptions=True)
        if self._sends:
            await asyncio.wait(self._sends, timeout=15)

    def wake(self) -> None:
        self._wake.set()

    async def cancelled(self, broadcast_id: int) -> None:
        """Called after a broadcast was cancelled in the database: nothing more leaves for it;
        the coordinator gets the final count once the requests already sent are answered."""
        self._cancelled.add(broadcast_id)
        self._wake.set()
        self._spawn(self._report_when_quiet(broadcast_id))

    # dispatching

    async def _dispatch_loop(self) -> None:
        cursor = 0
        started_in_sweep = False
        while not self._stopping:
            try:
                async with self.db.session() as session:
                    batch = await repo.pending_batch(
                        session=session,
                        after_id=cursor,
                        limit=self.config.batch_size,
                        now=self.now(),
                    )
            except Exception:
                log.exception("could not read pending deliveries")
                await self._idle(self.config.idle_seconds)
                continue
            if batch:
                cursor = batch[-1].id
                try:
                    started_in_sweep |= await self._dispatch(batch)
                except Exception:  # the database or a broken broadcast: keep the engine alive
                    log.exception("dispatching deliveries failed")
                    await self._idle(self.config.idle_seconds)
                continue
            if cursor and started_in_sweep:
                cursor, started_in_sweep = 0, False  # sweep again: deferred and retried rows
                continue
            cursor, started_in_sweep = 0, False
            await self._idle(await self._idle_seconds())

    async def _dispatch(self, batch: list[repo.DeliveryTask]) -> bool:
        """Marks each delivery `sending` (committed), then waits for its rate-limit slot and
        sends. Marking first keeps the database out of the slot's time, so the limit is used
        fully; a kill meanwhile leaves at most this one row, plus those on the wire, uncertain."""
        started = False
        for task in batch:
            if self._stopping:
                break
            if task.broadcast_id in self._cancelled or task.id in self._in_flight:
                continue
            if self.pacer.busy_chat_delay(task.chat_id) > 0:
                continue  # that chat got a message just now; it comes round again
            message = await self._renderable(task)
            if message is None:
                continue
            await self._window.acquire()
            if not await self._mark_sending(task):
                self._window.release()
                continue  # cancelled meanwhile
            self._in_flight[task.id] = task.broadcast_id
            ticket = await self.pacer.acquire(task.chat_id)
            assert ticket is not None
            self._spawn(self._deliver(task, ticket, message))
            started = True
        return started

    async def _renderable(self, task: repo.DeliveryTask) -> Outgoing | None:
        """The message, or None after failing the delivery (e.g. the card it shows is gone)."""
        try:
            return await self._message(task.broadcast_id)
        except Exception as exc:
            log.exception("broadcast %s cannot be rendered", task.broadcast_id)
            async with self.db.session() as session:
                await repo.move_delivery(
                    session=session,
                    delivery_id=task.id,
                    expected=DeliveryState.PENDING,
                    state=DeliveryState.FAILED,
                    now=self.now(),
                    error=f"cannot render the message: {exc!r}"[:300],
                )
            return None

    async def _mark_sending(self, task: repo.DeliveryTask) -> bool:
        async with self.db.session() as session:
            return await repo.move_delivery(
                session=session,
                delivery_id=task.id,
                expected=DeliveryState.PENDING,
                state=DeliveryState.SENDING,
                now=self.now(),
                attempts=task.attempts + 1,
            )

    async def _idle_seconds(self) -> float:
        """Nothing ready: sleep until a retry is due, a wake-up, or the idle tick."""
        wait = self.config.idle_seconds
        async with self.db.session() as session:
            retry_at = await repo.next_retry_at(session=session)
        if retry_at is not None:
            wait = min(wait, max((retry_at - self.now()).total_seconds(), 0.01))
        return wait

    async def _idle(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)
        self._wake.clear()

    async def _deliver(self, task: repo.DeliveryTask, ticket: Ticket, message: Outgoing) -> None:
        try:
            await self._deliver_once(task, ticket, message)
        except Exception:  # the row stays `sending`: uncertain after a restart, never resent
            log.exception("delivery %s failed unexpectedly", task.id)
        finally:
            self._in_flight.pop(task.id, None)
            self._window.release()
            self._answered.set()

    async def _deliver_once(
        self, task: repo.DeliveryTask, ticket: Ticket, message: Outgoing
    ) -> None:
        outcome: Outcome | None = None
        try:
            if task.broadcast_id in self._cancelled:  # stopped while it waited for its slot
                await self._record(task, Failed("cancelled"), DeliveryState.CANCELLED)
                return
            outcome = await self._send(task.chat_id, message)
        finally:
            self.pacer.finish(ticket, counted=not isinstance(outcome, Retry | RetryLater | None))
        await self._record(task, outcome)

    async def _send(self, chat_id: int, message: Outgoing) -> Outcome:
        try:
            return await self.sender.send(chat_id, message)
        except Exception as exc:  # a bug at the edge: whether it sent is unknown
            log.exception("sender failed for chat %s", chat_id)
            return Uncertain(f"error: {exc!r}"[:300])

    async def _message(self, broadcast_id: int) -> Outgoing:
        message = self._outgoing.get(broadcast_id)
        if message is None:
            async with self.db.session() as session:
                broadcast = await repo.get_broadcast(session=session, broadcast_id=broadcast_id)
            assert broadcast is not None
            message = self._outgoing[broadcast_id] = self.renderer.render(broadcast)
        return message

    async def _record(
        self, task: repo.DeliveryTask, outcome: Outcome, forced: DeliveryState | None = None
    ) -> None:
        now = self.now()
        attempts = task.attempts + 1
        values: dict[str, Any] = {}
        if isinstance(outcome, Sent):
            state, values = DeliveryState.SENT, {"message_id": outcome.message_id, "error": ""}
        elif isinstance(outcome, RetryLater):
            self.floods += 1
            self.pacer.pause(outcome.seconds)
            state = DeliveryState.PENDING
            values = {"attempts": task.attempts, "error": f"429: retry after {outcome.seconds}s"}
        elif isinstance(outcome, Retry) and attempts < self.config.max_attempts:
            backoff = min(self.config.backoff_seconds * 2 ** (attempts - 1), _MAX_BACKOFF)
            state = DeliveryState.PENDING
            values = {"error": outcome.reason, "not_before": now + timedelta(seconds=backoff)}
        elif isinstance(outcome, Blocked):
            state, values = DeliveryState.BLOCKED, {"error": outcome.reason}
        elif isinstance(outcome, Moved):  # waits again; move_chat below sends it to the new id
            state, values = DeliveryState.PENDING, {"attempts": task.attempts}
        elif isinstance(outcome, Uncertain):
            state, values = DeliveryState.UNCERTAIN, {"error": outcome.reason}
        else:
            assert isinstance(outcome, Failed | Retry)
            state, values = DeliveryState.FAILED, {"error": outcome.reason}
        values["error"] = values.get("error", "")[:300]
        if forced is not None:
            state, values = forced, {}
        async with self.db.session() as session:
            await repo.move_delivery(
                session=session,
                delivery_id=task.id,
                expected=DeliveryState.SENDING,
                state=state,
                now=now,
                **values,
            )
            if isinstance(outcome, Moved):
                await move_chat(
                    session=session,
                    old_chat_id=task.chat_id,
                    new_chat_id=outcome.new_chat_id,
                    now=now,
                )
            if isinstance(outcome, Blocked):
                await mark_inactive(
                    session=session, chat_ids=[task.chat_id], reason=outcome.reason, now=now
                )
        if state is DeliveryState.PENDING:
            self._wake.set()

    # progress and completion

    async def _watch_loop(self) -> None:
        await self._report_leftovers()
        while not self._stopping:
            try:
                await self._watch_once()
            except Exception:
                log.exception("progress check failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopped.wait(), self.config.progress_seconds)

    async def _watch_once(self) -> None:
        async with self.db.session() as session:
            active = await repo.with_status(session=session, status=BroadcastStatus.SENDING)
        for broadcast in active:
            assert broadcast.id is not None
            if self._stopping:
                return
            async with self.db.session() as session:
                counts = await repo.counts(session=session, broadcast_id=broadcast.id)
            if counts.pending == 0 and counts.sending == 0 and not self._busy(broadcast.id):
                await self._finish(broadcast.id)
            elif broadcast.created_by is not None and self._shows_progress(broadcast):
                await self._progress(broadcast, counts)

    def _shows_progress(self, broadcast: Broadcast) -> bool:
        started = broadcast.started_at or broadcast.send_at
        return (self.now() - started).total_seconds() > self.config.progress_after

    def _busy(self, broadcast_id: int) -> bool:
        return broadcast_id in self._in_flight.values()

    async def _progress(self, broadcast: Broadcast, counts: repo.Counts) -> None:
        assert broadcast.id is not None
        loop_now = asyncio.get_running_loop().time()
        done = counts.finished
        previous = self._last_progress.get(broadcast.id)
        if previous is not None and previous[0] == done and broadcast.progress_message_id:
            return
        rate = self.pacer.limiter.per_second
        if previous is not None and loop_now > previous[1] and done > previous[0]:
            rate = min(rate, (done - previous[0]) / (loop_now - previous[1]))
        self._last_progress[broadcast.id] = (done, loop_now)
        message_id = await self.reporter.progress(broadcast, counts, counts.pending / rate)
        if message_id is not None:
            async with self.db.session() as session:
                await repo.change(
                    session=session,
                    broadcast_id=broadcast.id,
                    allowed=[BroadcastStatus.SENDING],
                    progress_chat_id=broadcast.created_by,
                    progress_message_id=message_id,
                )

    async def _finish(self, broadcast_id: int) -> None:
        async with self.db.session() as session:
            finished = await repo.transition(
                session=session,
                broadcast_id=broadcast_id,
                allowed=[BroadcastStatus.SENDING],
                status=BroadcastStatus.DONE,
                finished_at=self.now(),
            )
        if finished:
            await self._report(broadcast_id)

    async def _report(self, broadcast_id: int) -> None:
        """The final summary, once (a crash before it is recorded repeats it at start-up)."""
        async with self.db.session() as session:
            broadcast = await repo.get_broadcast(session=session, broadcast_id=broadcast_id)
            counts = await repo.counts(session=session, broadcast_id=broadcast_id)
            reasons = await repo.failure_reasons(session=session, broadcast_id=broadcast_id)
        assert broadcast is not None
        try:
            if broadcast.status == BroadcastStatus.MISSED:
                await self.reporter.missed(broadcast)
            else:
                await self.reporter.finished(broadcast, counts, reasons)
        except Exception:
            log.exception("could not report on broadcast %s", broadcast_id)
        async with self.db.session() as session:
            await repo.change(
                session=session,
                broadcast_id=broadcast_id,
                allowed=[broadcast.status],
                reported_at=self.now(),
            )
        self._outgoing.pop(broadcast_id, None)
        self._last_progress.pop(broadcast_id, None)

    async def _report_when_quiet(self, broadcast_id: int) -> None:
        while self._busy(broadcast_id):
            self._answered.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._answered.wait(), 1.0)
        await self._report(broadcast_id)

    async def report_missed(self, broadcast_id: int) -> None:
        await self._report(broadcast_id)

    async def _report_leftovers(self) -> None:
        """Summaries a crash kept from being sent (finished, cancelled or missed, unreported)."""
        async with self.db.session() as session:
            rows = await repo.unreported(session=session)
        for broadcast in rows:
            assert broadcast.id is not None
            await self._report(broadcast.id)

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coroutine)
        self._sends.add(task)
        task.add_done_callback(self._sends.discard)
