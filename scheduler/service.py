"""Broadcasting as the rest of the bot sees it: timing (APScheduler), the calendar, the engine.

The database is the store of record. APScheduler only says *when* to look: at start-up it
gets one job per scheduled row, plus a periodic due-check and a daily calendar expansion;
every job just runs `tick`, which reads what is due from the database. Jobs are rebuilt
from the rows on every start, so nothing is lost with the process.
"""

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlmodel.ext.asyncio.session import AsyncSession

from content.loader import Library
from scheduler.calendar_sync import CalendarKeeper, NewDates
from scheduler.config import BroadcastConfig
from scheduler.engine import DeliveryEngine
from scheduler.planning import Plan, begin_sending, occurrence_of, resend_of, store_draft
from scheduler.timeparse import Weekly
from storage import broadcasts as repo
from storage.audit import record
from storage.db import Database, unavailable
from storage.models import Broadcast, BroadcastStatus, Clock, DeliveryState, utcnow

log = logging.getLogger(__name__)
ENDED = (BroadcastStatus.DONE, BroadcastStatus.CANCELLED, BroadcastStatus.MISSED)


@dataclass
class TickReport:
    started: list[int] = field(default_factory=list)
    missed: list[int] = field(default_factory=list)


class Broadcasting:
    def __init__(
        self,
        db: Database,
        library: Library,
        tz: ZoneInfo,
        engine: DeliveryEngine,
        config: BroadcastConfig | None = None,
        *,
        clock: Clock = utcnow,
    ) -> None:
        self.db, self.library, self.tz, self.engine = db, library, tz, engine
        self.config = config or BroadcastConfig()
        self.clock = clock
        self._scheduler: AsyncIOScheduler | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._tick_lock = asyncio.Lock()
        self.calendar = CalendarKeeper(db, library, tz, self.config, self._wake_at)

    # lifecycle

    async def start(self) -> None:
        await self.engine.start()
        now = self.clock()
        await self.sync_calendar(now)
        await self.tick(now)
        # A busy machine may run a job late: APScheduler would skip a run more than a second
        # late with a WARNING, and the day's calendar expansion would be lost.
        self._scheduler = AsyncIOScheduler(
            timezone=self.tz, job_defaults={"misfire_grace_time": None, "coalesce": True}
        )
        self._scheduler.add_job(
            self._job_tick, "interval", seconds=self.config.poll_seconds, id="due-check"
        )
        at = self.config.calendar_time
        self._scheduler.add_job(
            self._job_calendar, "cron", hour=at.hour, minute=at.minute, id="calendar"
        )
        self._scheduler.start()
        async with self.db.session() as session:
            rows = await repo.upcoming(
                session=session,
                origins=["coordinator", "campaign", "monthly", repo.WEEKLY_CASE, repo.RATING],
                limit=10_000,
            )
        for row in rows:
            self._wake_at(row)

    @property
    def running(self) -> bool:
        """Whether the timing and the delivery engine are running (for /healthz)."""
        scheduler = self._scheduler
        return scheduler is not None and scheduler.running and self.engine.running

    async def stop(self) -> None:
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        self._scheduler = None
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.engine.stop()

    def _wake_at(self, row: Broadcast) -> None:
        """A job at the row's time (the periodic check would find it too, just later).
        APScheduler runs on the system clock, so the job is set that far from the system's
        now as the row is from the injected clock's."""
        if self._scheduler is None or row.status != BroadcastStatus.SCHEDULED:
            return
        self._scheduler.add_job(
            self._job_tick,
            "date",
            run_date=utcnow() + (row.send_at - self.clock()),
            id=f"broadcast-{row.id}",
            replace_existing=True,
        )

    async def _job_tick(self) -> None:
        self._spawn(self.tick())

    async def _job_calendar(self) -> None:
        self._spawn(self.sync_calendar())

    def _spawn(self, coroutine: Coroutine[Any, Any, Any]) -> None:
        """Jobs only start our own tasks, which `stop` waits for (APScheduler would cancel)."""
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            if unavailable(error):  # the next due-check tries again
                log.warning("due-check skipped: database unreachable (%s)", type(error).__name__)
            else:
                log.error("a scheduled job failed", exc_info=error)

    # the due-check

    async def tick(self, now: datetime | None = None) -> TickReport:
        """Starts what is due (late ones within the grace period); marks older ones missed
        and tells their coordinator. Safe to run any time, from anywhere, concurrently."""
        now = now or self.clock()
        report = TickReport()
        async with self._tick_lock:
            async with self.db.session() as session:
                due = await repo.due(session=session, now=now)
            late: list[Broadcast] = []
            on_time: list[Broadcast] = []
            for row in due:
                (late if now - row.send_at > self.config.grace else on_time).append(row)
            if late:
                await self._mark_missed(late, now, report)
            for row in on_time:
                await self._start(row, now, report)
        if due:
            log.info("due-check at %s: started %s, missed %s", now, report.started, report.missed)
        if report.started:
            self.engine.wake()
        if report.missed:
            await self.engine.report_missed(report.missed)
        return report

    async def _mark_missed(self, late: list[Broadcast], now: datetime, report: TickReport) -> None:
        """Marks all of a due-check's late broadcasts missed in one transaction, so that the
        engine's catch-up of untold summaries sees all of them or none, and they are told
        together, in one message."""
        async with self.db.session() as session:
            for row in late:
                if row.recurrence:
                    row = await self._occurrence(session, row, now)
                assert row.id is not None
                if await repo.transition(
                    session=session,
                    broadcast_id=row.id,
                    allowed=[BroadcastStatus.SCHEDULED],
                    status=BroadcastStatus.MISSED,
                    finished_at=now,
                    note=f"late by {now - row.send_at}",
                ):
                    report.missed.append(row.id)

    async def _start(self, row: Broadcast, now: datetime, report: TickReport) -> None:
        async with self.db.session() as session:
            if row.recurrence:
                row = await self._occurrence(session, row, now)
            assert row.id is not None
            if (
                await self._as_sent_now(session, row, now)
                and await begin_sending(session=session, broadcast=row, now=now, tz=self.tz)
                is not None
            ):
                report.started.append(row.id)  # with no recipients, the engine reports it done

    async def _as_sent_now(self, session: AsyncSession, row: Broadcast, now: datetime) -> bool:
        """A campaign reminder's text made to read right on the day it goes out (a reminder
        moved or sent early says 明天, not 今天); False if it is no longer waiting."""
        assert row.id is not None
        text = await self.calendar.text_at(session, row, now)
        if text == row.text:
            return True
        return await repo.change(
            session=session, broadcast_id=row.id, allowed=[BroadcastStatus.SCHEDULED], text=text
        )

    async def preview_at(self, row: Broadcast, at: datetime) -> Broadcast:
        """`row` as it would go out at `at` (for a preview)."""
        async with self.db.session() as session:
            text = await self.calendar.text_at(session, row, at)
        return Broadcast.model_validate(row.model_dump() | {"text": text, "send_at": at})

    async def _occurrence(
        self, session: AsyncSession, parent: Broadcast, now: datetime
    ) -> Broadcast:
        """This week's instance of a recurring broadcast; the parent moves to the next slot."""
        assert parent.recurrence is not None and parent.id is not None
        instance = occurrence_of(parent)
        stored = await repo.add_broadcast(session=session, broadcast=instance)
        if stored is None:  # created before a crash
            existing = await repo.find_by_key(session=session, key=instance.dedupe_key or "")
            assert existing is not None
            stored = existing
        slot = Weekly.decode(parent.recurrence)
        following = slot.next_after(max(now, parent.send_at).astimezone(self.tz))
        await repo.change(
            session=session,
            broadcast_id=parent.id,
            allowed=[BroadcastStatus.SCHEDULED],
            send_at=following,
        )
        self._wake_at(Broadcast.model_validate(parent.model_dump() | {"send_at": following}))
        return stored

    # the calendar

    async def sync_calendar(self, now: datetime | None = None) -> int:
        """Stores the coming year's reminders not stored yet (see `CalendarKeeper.sync`)."""
        return await self.calendar.sync(now or self.clock())

    # coordinators' actions

    async def schedule(self, row: Broadcast) -> Broadcast | None:
        """Stores a broadcast another part of the bot composed (an event's rating request);
        None if one with its key exists already."""
        async with self.db.session() as session:
            stored = await repo.add_broadcast(session=session, broadcast=row)
        if stored is not None:
            self._wake_at(stored)
        return stored

    async def create(self, draft: Plan, now: datetime | None = None) -> Broadcast:
        """Stores a confirmed draft (PlanError if it cannot be); due at once if "now"."""
        now = now or self.clock()
        async with self.db.session() as session:
            row = await store_draft(
                session=session, draft=draft, library=self.library, now=now, tz=self.tz
            )
            await record(
                session=session,
                actor_id=draft.created_by,
                action="broadcast.create",
                target=str(row.id),
                detail=f"{row.audience}:{row.audience_value} at {row.send_at.isoformat()}",
                now=self.clock(),
            )
        if row.send_at <= now:
            await self.tick(now)
        else:
            self._wake_at(row)
        return row

    async def cancel(self, broadcast_id: int, by: int) -> tuple[bool, str | None]:
        """(cancelled now?, its status before: None if there is no such broadcast). A
        finished one stays as it is; a running one stops within a second."""
        now = self.clock()
        async with self.db.session() as session:
            row = await repo.get_broadcast(session=session, broadcast_id=broadcast_id)
            if row is None:
                return False, None
            before = row.status
            if before in ENDED:
                return False, before
            done = await repo.transition(
                session=session,
                broadcast_id=broadcast_id,
                allowed=[
                    BroadcastStatus.SCHEDULED,
                    BroadcastStatus.SENDING,
                    BroadcastStatus.MUTED,
                ],
                status=BroadcastStatus.CANCELLED,
                finished_at=now,
                # one that never started needs no summary: the answer to the cancel is it
                reported_at=None if before == BroadcastStatus.SENDING else now,
            )
            if done:
                await repo.cancel_pending(session=session, broadcast_id=broadcast_id, now=now)
                await record(
                    session=session,
                    actor_id=by,
                    action="broadcast.cancel",
                    target=str(broadcast_id),
                    now=self.clock(),
                )
        if done and before == BroadcastStatus.SENDING:
            await self.engine.cancelled(broadcast_id)
        if done and self._scheduler is not None:
            job = self._scheduler.get_job(f"broadcast-{broadcast_id}")
            if job is not None:
                job.remove()
        return done, before

    async def resend_failed(self, broadcast_id: int, by: int) -> Broadcast | None:
        """A new broadcast of the same message to the recipients broadcast `broadcast_id`
        failed for (once: pressing again changes nothing); None if there is nobody to send to."""
        now = self.clock()
        async with self.db.session() as session:
            original = await repo.get_broadcast(session=session, broadcast_id=broadcast_id)
            if original is None or original.status not in ENDED:
                return None
            delivered = await repo.delivered_chats(session=session, broadcast_id=broadcast_id)
            failed = sorted(c for c, state in delivered.items() if state == DeliveryState.FAILED)
            if not failed:
                return None
            copy = resend_of(original, by=by, now=now, total=len(failed))
            stored = await repo.add_broadcast(session=session, broadcast=copy)
            if stored is None or stored.id is None:
                return None
            await repo.plan_deliveries(
                session=session, broadcast_id=stored.id, chat_ids=failed, now=now
            )
            await record(
                session=session,
                actor_id=by,
                action="broadcast.resend",
                target=str(stored.id),
                detail=f"of {broadcast_id}: {len(failed)}",
                now=now,
            )
        self.engine.wake()
        return stored

    async def reschedule(self, broadcast_id: int, at: datetime, by: int) -> bool:
        """A new time, marked as given by hand (a calendar reminder keeps it when its
        campaign's dates change); a calendar reminder moved gets the coordinator who moved it,
        who then gets its summary as for their own broadcasts."""
        async with self.db.session() as session:
            row = await repo.get_broadcast(session=session, broadcast_id=broadcast_id)
            changed = row is not None and await repo.change(
                session=session,
                broadcast_id=broadcast_id,
                allowed=[BroadcastStatus.SCHEDULED, BroadcastStatus.MUTED],
                send_at=at,
                created_by=row.created_by or by,
                moved_by_hand=True,
            )
            if changed:
                await record(
                    session=session,
                    actor_id=by,
                    action="broadcast.reschedule",
                    target=str(broadcast_id),
                    detail=at.isoformat(),
                    now=self.clock(),
                )
            row = await repo.get_broadcast(session=session, broadcast_id=broadcast_id)
        if changed and row is not None:
            self._wake_at(row)
        return changed

    async def send_now(self, broadcast_id: int, by: int) -> bool:
        """A waiting one-off broadcast made due now and started at once, as one confirmed with
        立即发送. It starts through the due-check's one SCHEDULED → SENDING step, so a second
        press, or the periodic check at the same moment, cannot start it twice. False if it is
        no longer waiting or repeats weekly (its slots are kept). Its time is marked as given by
        hand, as a move's is. A calendar reminder gets the coordinator who sent it, who then
        gets its progress and summary."""
        now = self.clock()
        async with self.db.session() as session:
            row = await repo.get_broadcast(session=session, broadcast_id=broadcast_id)
            changed = (
                row is not None
                and not row.recurrence
                and await repo.change(
                    session=session,
                    broadcast_id=broadcast_id,
                    allowed=[BroadcastStatus.SCHEDULED],
                    send_at=now,
                    created_by=row.created_by or by,
                    moved_by_hand=True,
                )
            )
            if changed:
                await record(
                    session=session,
                    actor_id=by,
                    action="broadcast.send_now",
                    target=str(broadcast_id),
                    now=now,
                )
        if changed:
            await self.tick(now)
        return changed

    async def edit_text(self, broadcast_id: int, text: str, by: int) -> bool:
        async with self.db.session() as session:
            changed = await repo.change(
                session=session,
                broadcast_id=broadcast_id,
                allowed=[BroadcastStatus.SCHEDULED],
                text=text,
            )
            if changed:
                await record(
                    session=session,
                    actor_id=by,
                    action="broadcast.edit",
                    target=str(broadcast_id),
                    now=self.clock(),
                )
        return changed

    async def set_muted(self, broadcast_id: int, muted: bool, by: int) -> bool:
        before, after = BroadcastStatus.SCHEDULED, BroadcastStatus.MUTED
        if not muted:
            before, after = after, before
        async with self.db.session() as session:
            changed = await repo.transition(
                session=session, broadcast_id=broadcast_id, allowed=[before], status=after
            )
            if changed:
                await record(
                    session=session,
                    actor_id=by,
                    action="campaign.mute" if muted else "campaign.unmute",
                    target=str(broadcast_id),
                    now=self.clock(),
                )
            row = await repo.get_broadcast(session=session, broadcast_id=broadcast_id)
        if changed and row is not None:
            self._wake_at(row)
        return changed

    async def set_campaign_dates(
        self, campaign_id: str, year: int, first: date, last: date, by: int
    ) -> NewDates:
        """This year's dates of a movable campaign, and what they did to its reminders."""
        return await self.calendar.set_dates(campaign_id, year, first, last, by, self.clock())
