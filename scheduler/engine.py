"""The delivery engine: sends planned deliveries under Telegram's limits, never twice.

Each delivery is marked `sending` (committed) before its request leaves and gets its outcome
written when the answer comes. A process killed in between leaves rows in `sending`; the
next start marks them `uncertain`, counts and reports them, and never sends them again. At
most `max_in_flight` rows are `sending` at once, so that is also the most a kill, or a stall
longer than the send timeout, can leave uncertain.

What a failure means decides what happens next:
- a recipient's own problem (blocked the bot, chat gone, message refused) fails that one;
- Telegram's 429 pauses every send for the time it asks;
- a server error or a broken connection means Telegram (or the way to it) is in trouble, not
  the recipient: the whole engine pauses, 2 s, then 4 s, 8 s ... up to `outage_max_seconds`,
  and the delivery waits its turn again, however long the outage lasts;
- the database gone: each outcome is written again until the database is back (the request's
  window slot is held meanwhile, so nothing more goes out), then sending resumes.
A broadcast's summary is retried until the coordinator has it.
"""

import asyncio
import contextlib
import functools
import logging
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlmodel.ext.asyncio.session import AsyncSession

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
from storage.db import Database, unavailable
from storage.models import Broadcast, BroadcastStatus, Clock, DeliveryState, utcnow
from storage.subscriptions import mark_inactive, move_chat

log = logging.getLogger(__name__)
T = TypeVar("T")
_DATABASE_RETRY_MAX = 30.0
# An answered delivery waiting to be written: its task, new row values, outcome, and the
# future its sender awaits.
_Pending = tuple[repo.DeliveryTask, repo.DeliveryOutcome, Outcome, asyncio.Future[None]]


@dataclass(frozen=True)
class EngineConfig:
    batch_size: int = 200
    max_in_flight: int = 16  # requests on the wire at once (enough for 30/s at ~0.5 s latency)
    backoff_seconds: float = 2.0  # the first pause after a server or network error
    outage_max_seconds: float = 3600.0  # the longest pause while Telegram stays unreachable
    database_retry_seconds: float = 1.0  # the first wait while the database is unreachable
    progress_seconds: float = 3.0
    # A broadcast done sooner needs no progress message, only its summary.
    progress_after: float = 5.0
    idle_seconds: float = 1.0


def _failed(what: str, error: Exception) -> None:
    """A database that cannot be reached is expected now and then (one line); anything else
    is a bug worth its traceback."""
    if unavailable(error):
        log.warning("%s: database unreachable (%s)", what, type(error).__name__)
    else:
        log.exception(what)


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
        self.outages = 0  # pauses for a server or network error
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
        # Outages: sends started in an earlier epoch fail for a trouble already answered.
        self._epoch = 0
        self._troubles = 0  # consecutive outage pauses
        self._resume_at = 0.0  # loop time before which nothing is sent
        self._reporting: set[int] = set()
        self._report_after: dict[int, float] = {}  # broadcast id -> loop time of the next try
        self._report_tries: dict[int, int] = {}
        self._outcomes: list[_Pending] = []  # answered, waiting to be written
        self._recorder: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.recovered = await self._persist(
            lambda session: repo.recover_interrupted(session=session, now=self.now())
        )
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

    @property
    def running(self) -> bool:
        """Whether its loops are alive (for /healthz)."""
        return bool(self._loops) and not any(loop.done() for loop in self._loops)

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
            except Exception as exc:
                _failed("could not read pending deliveries", exc)
                await self._idle(self.config.idle_seconds)
                continue
            if batch:
                cursor = batch[-1].id
                try:
                    started_in_sweep |= await self._dispatch(batch)
                except Exception as exc:  # the database or a broken broadcast: carry on
                    _failed("dispatching deliveries failed", exc)
                    await self._idle(self.config.idle_seconds)
                continue
            if cursor and started_in_sweep:
                cursor, started_in_sweep = 0, False  # sweep again: deferred and retried rows
                continue
            cursor, started_in_sweep = 0, False
            await self._idle(await self._idle_seconds())

    async def _dispatch(self, batch: list[repo.DeliveryTask]) -> bool:
        """Sends what is ready in `batch`, group by group (see `_claim_and_send`)."""
        started = False
        ready: list[tuple[repo.DeliveryTask, Outgoing]] = []
        for task in batch:
            if self._stopping:
                break
            if task.broadcast_id in self._cancelled or task.id in self._in_flight:
                continue
            if self.pacer.busy_chat_delay(task.chat_id) > 0 or any(
                task.chat_id == other.chat_id for other, _ in ready
            ):
                continue  # that chat gets a message just now; it comes round again
            message = await self._renderable(task)
            if message is not None:
                ready.append((task, message))
            if len(ready) >= self.config.max_in_flight:
                started |= await self._claim_and_send(ready)
                ready = []
        return await self._claim_and_send(ready) or started

    async def _claim_and_send(self, ready: list[tuple[repo.DeliveryTask, Outgoing]]) -> bool:
        """Marks deliveries `sending` (committed, one statement for as many as the window has
        room for now), then each waits for its rate-limit slot and is sent. Marking first
        keeps the database out of the slot's time, so the limit is used fully; a kill
        meanwhile leaves at most the rows in the window uncertain. The busier the engine,
        the more are freed while one group is marked, so the groups grow with the load."""
        started = False
        while ready:
            await self._until_resumed()
            if self._stopping:
                break
            epoch = self._epoch
            await self._window.acquire()
            slots = 1
            while slots < len(ready) and not self._window.locked():
                await self._window.acquire()
                slots += 1
            group, ready = ready[:slots], ready[slots:]
            try:
                claimed = await self._claim([task for task, _ in group])
            except BaseException:
                for _ in group:
                    self._window.release()
                raise
            for task, _ in group:
                if task.id not in claimed:  # cancelled meanwhile
                    self._window.release()
                    continue
                self._in_flight[task.id] = task.broadcast_id
            for task, message in group:
                if task.id not in claimed:
                    continue
                ticket = await self.pacer.acquire(task.chat_id)
                assert ticket is not None
                if epoch != self._epoch:  # a pause began while it waited: back in line
                    await self._put_back(task, ticket)
                    continue
                self._spawn(self._deliver(task, ticket, message, epoch))
                started = True
        return started

    async def _put_back(self, task: repo.DeliveryTask, ticket: Ticket) -> None:
        """Undoes the `sending` mark of a delivery that never left."""
        self.pacer.finish(ticket, counted=False)
        try:
            await self._record(task, Retry("held back: sending was paused"))
        finally:
            self._in_flight.pop(task.id, None)
            self._window.release()

    async def _until_resumed(self) -> None:
        """Waits out a pause after a server or network error (a stop ends the wait)."""
        loop = asyncio.get_running_loop()
        while not self._stopping and (left := self._resume_at - loop.time()) > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopped.wait(), left)

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

    async def _claim(self, tasks: list[repo.DeliveryTask]) -> set[int]:
        wanted = [t for t in tasks if t.broadcast_id not in self._cancelled]
        if not wanted:
            return set()
        async with self.db.session() as session:
            return await repo.claim_deliveries(session=session, tasks=wanted, now=self.now())

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

    async def _deliver(
        self, task: repo.DeliveryTask, ticket: Ticket, message: Outgoing, epoch: int
    ) -> None:
        try:
            await self._deliver_once(task, ticket, message, epoch)
        except Exception:  # the row stays `sending`: uncertain after a restart, never resent
            log.exception("delivery %s failed unexpectedly", task.id)
        finally:
            self._in_flight.pop(task.id, None)
            self._window.release()
            self._answered.set()

    async def _deliver_once(
        self, task: repo.DeliveryTask, ticket: Ticket, message: Outgoing, epoch: int
    ) -> None:
        outcome: Outcome | None = None
        try:
            if task.broadcast_id in self._cancelled:  # stopped while it waited for its slot
                await self._record(task, Failed("cancelled"), DeliveryState.CANCELLED)
                return
            outcome = await self._send(task.chat_id, message)
        finally:
            self._slot_back(ticket, outcome)
        if isinstance(outcome, Retry | Uncertain):
            self._trouble(epoch, outcome.reason)
        elif isinstance(outcome, Sent):
            self._troubles = 0
        await self._record(task, outcome)
        if isinstance(outcome, Sent) and message.then is not None:
            await self._send_then(task.chat_id, message.then)

    async def _send_then(self, chat_id: int, message: Outgoing) -> None:
        """The message that follows a delivered one (an album's buttons), on a rate-limit slot
        of its own, once: the delivery is recorded as sent already, so nothing of it is sent
        again, whatever comes of this (a crash meanwhile loses only this)."""
        ticket = await self.pacer.acquire(chat_id)
        assert ticket is not None
        outcome: Outcome | None = None
        try:
            outcome = await self._send(chat_id, message)
        finally:
            self._slot_back(ticket, outcome)
        if isinstance(outcome, RetryLater):
            self._flooded(outcome)
        if not isinstance(outcome, Sent):
            log.warning("the message after a delivery to chat %s not sent: %s", chat_id, outcome)

    def _slot_back(self, ticket: Ticket, outcome: Outcome | None) -> None:
        """A send's rate-limit slot returned: counted against the limits unless Telegram
        certainly did not take the message (a retry, a 429, or no outcome at all)."""
        self.pacer.finish(ticket, counted=not isinstance(outcome, Retry | RetryLater | None))

    def _flooded(self, outcome: RetryLater) -> None:
        """Telegram's 429: counted, and every send waits as long as it asks."""
        self.floods += 1
        self.pacer.pause(outcome.seconds)

    async def _send(self, chat_id: int, message: Outgoing) -> Outcome:
        try:
            return await self.sender.send(chat_id, message)
        except Exception as exc:  # a bug at the edge: whether it sent is unknown
            log.exception("sender failed for chat %s", chat_id)
            return Uncertain(f"error: {exc!r}"[:300])

    def _trouble(self, epoch: int, reason: str) -> None:
        """A server or network error: pause every send, longer each time it happens again.
        Sends already on the wire when the pause began fail for the same trouble."""
        if epoch != self._epoch:
            return
        self._epoch += 1
        self._troubles += 1
        self.outages += 1
        pause = min(
            self.config.backoff_seconds * 2 ** (self._troubles - 1),
            self.config.outage_max_seconds,
        )
        self._resume_at = asyncio.get_running_loop().time() + pause
        log.warning("Telegram unreachable (%s): sending paused for %.1f s", reason, pause)

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
        """Writes the outcome, with the others that came meanwhile (one statement for the
        batch), again and again while the database is unreachable."""
        state, values = self._result(task, outcome)
        if forced is not None:
            state, values = forced, {}
        written = asyncio.get_running_loop().create_future()
        row = repo.DeliveryOutcome(task.id, state, **values)
        self._outcomes.append((task, row, outcome, written))
        if self._recorder is None or self._recorder.done():
            self._recorder = asyncio.create_task(self._write_outcomes(), name="pufa-outcomes")
        await written
        if state is DeliveryState.PENDING:
            self._wake.set()

    async def _write_outcomes(self) -> None:
        """Group commit: takes every outcome waiting, writes them in one transaction, and
        goes on while more came during the write."""
        while self._outcomes:
            batch, self._outcomes = self._outcomes, []
            try:
                await self._persist(functools.partial(self._write_batch, batch, self.now()))
            except BaseException as exc:
                for *_, written in batch:
                    if not written.done():
                        written.set_exception(exc)
                if not isinstance(exc, Exception):
                    raise
                continue
            for *_, written in batch:
                if not written.done():
                    written.set_result(None)

    @staticmethod
    async def _write_batch(batch: list[_Pending], now: datetime, session: AsyncSession) -> None:
        rows = [row for _, row, _, _ in batch]
        await repo.record_outcomes(session=session, outcomes=rows, now=now)
        for task, _, outcome, _ in batch:  # rare: a group upgraded, a bot blocked
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

    def _result(
        self, task: repo.DeliveryTask, outcome: Outcome
    ) -> tuple[DeliveryState, dict[str, Any]]:
        """The delivery's new state, and what else to store, for an outcome."""
        if isinstance(outcome, Sent):
            return DeliveryState.SENT, {"message_id": outcome.message_id, "error": ""}
        if isinstance(outcome, RetryLater):
            self._flooded(outcome)
            return DeliveryState.PENDING, {
                "attempts": task.attempts,
                "error": f"429: retry after {outcome.seconds}s",
            }
        if isinstance(outcome, Retry):  # not the recipient's fault: it waits its turn again
            return DeliveryState.PENDING, {
                "attempts": task.attempts,
                "error": outcome.reason[:300],
            }
        if isinstance(outcome, Moved):  # waits again; move_chat sends it to the new id
            return DeliveryState.PENDING, {"attempts": task.attempts}
        if isinstance(outcome, Blocked):
            return DeliveryState.BLOCKED, {"error": outcome.reason[:300]}
        if isinstance(outcome, Uncertain):
            return DeliveryState.UNCERTAIN, {"error": outcome.reason[:300]}
        return DeliveryState.FAILED, {"error": outcome.reason[:300]}

    async def _persist(self, write: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """Runs `write` in a transaction, again after a pause while the database is
        unreachable (a stop ends the retrying: the caller's row stays as it is)."""
        delay = self.config.database_retry_seconds
        while True:
            try:
                async with self.db.session() as session:
                    return await write(session)
            except Exception as exc:
                if not unavailable(exc) or self._stopping:
                    raise
                log.warning(
                    "database unreachable (%s): retrying in %.1f s", type(exc).__name__, delay
                )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopped.wait(), delay)
            delay = min(delay * 2, _DATABASE_RETRY_MAX)

    # progress and completion

    async def _watch_loop(self) -> None:
        while not self._stopping:
            try:
                await self._report_unreported()
                await self._watch_once()
            except Exception as exc:
                _failed("progress check failed", exc)
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
            await self._report([broadcast_id])

    async def _report(self, broadcast_ids: Sequence[int]) -> None:
        """The final summaries, once each: tried again later until the coordinator has them
        (a crash before one is recorded repeats it at start-up). Broadcasts missed together
        are told together, in one message to each coordinator."""
        wanted = [i for i in dict.fromkeys(broadcast_ids) if i not in self._reporting]
        if not wanted:
            return
        self._reporting.update(wanted)
        try:
            await self._report_once(wanted)
        finally:
            self._reporting.difference_update(wanted)

    async def _report_once(self, broadcast_ids: list[int]) -> None:
        missed: list[Broadcast] = []
        ended: list[tuple[Broadcast, repo.Counts, list[tuple[str, int]]]] = []
        async with self.db.session() as session:
            for broadcast_id in broadcast_ids:
                broadcast = await repo.get_broadcast(session=session, broadcast_id=broadcast_id)
                if broadcast is None or broadcast.reported_at is not None:
                    continue
                if broadcast.status == BroadcastStatus.MISSED:
                    missed.append(broadcast)
                    continue
                counts = await repo.counts(session=session, broadcast_id=broadcast_id)
                reasons = await repo.failure_reasons(session=session, broadcast_id=broadcast_id)
                ended.append((broadcast, counts, reasons))
        if missed:
            await self._reported(missed, await self.reporter.missed(missed))
        for broadcast, counts, reasons in ended:
            await self._reported(
                [broadcast], await self.reporter.finished(broadcast, counts, reasons)
            )

    async def _reported(self, broadcasts: list[Broadcast], delivered: bool) -> None:
        """Records that the coordinators have the summary of `broadcasts`, or, when it could
        not be delivered, when to try again (backing off)."""
        for broadcast in broadcasts:
            if delivered:
                await self._mark_reported(broadcast)
            else:
                self._retry_report(broadcast)

    async def _mark_reported(self, broadcast: Broadcast) -> None:
        broadcast_id = broadcast.id
        assert broadcast_id is not None
        await self._persist(
            lambda session: repo.change(
                session=session,
                broadcast_id=broadcast_id,
                allowed=[broadcast.status],
                reported_at=self.now(),
            )
        )
        for cache in (self._outgoing, self._last_progress, self._report_after, self._report_tries):
            cache.pop(broadcast_id, None)

    def _retry_report(self, broadcast: Broadcast) -> None:
        broadcast_id = broadcast.id
        assert broadcast_id is not None
        tries = self._report_tries[broadcast_id] = self._report_tries.get(broadcast_id, 0) + 1
        pause = min(self.config.backoff_seconds * 2 ** (tries - 1), 300.0)
        self._report_after[broadcast_id] = asyncio.get_running_loop().time() + pause
        log.warning("summary of broadcast %s not delivered; again in %.0f s", broadcast_id, pause)

    async def _report_when_quiet(self, broadcast_id: int) -> None:
        while self._busy(broadcast_id):
            self._answered.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._answered.wait(), 1.0)
        await self._report([broadcast_id])

    async def report_missed(self, broadcast_ids: Sequence[int]) -> None:
        """Tells the coordinators about broadcasts missed while the bot was down."""
        await self._report(broadcast_ids)

    async def _report_unreported(self) -> None:
        """Summaries not given yet (a crash, or Telegram down when they were due), each when
        its retry is due."""
        async with self.db.session() as session:
            rows = await repo.unreported(session=session)
        now = asyncio.get_running_loop().time()
        due = [
            broadcast.id
            for broadcast in rows
            if broadcast.id is not None
            and not self._busy(broadcast.id)
            and self._report_after.get(broadcast.id, 0.0) <= now
        ]
        await self._report(due)

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coroutine)
        self._sends.add(task)
        task.add_done_callback(self._sends.discard)
