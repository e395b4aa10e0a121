"""The delivery engine against a LocalBotApi enforcing Telegram's limits (real HTTP, real PTB)."""

import asyncio
import logging
import time
from collections import Counter
from dataclasses import replace
from datetime import time as dt_time
from datetime import timedelta

import pytest
from sqlalchemy import event

from content.loader import Library
from handlers.broadcasts.progress import MISSED_LINES
from local_api import ApiCall
from scheduler.planning import begin_sending, store_draft
from scheduler.timeparse import Once, Weekly
from storage.broadcasts import (
    change,
    failure_reasons,
    get_broadcast,
    move_delivery,
    pending_batch,
    upcoming,
)
from storage.db import Database
from storage.models import ActivityReport, DeliveryState
from storage.subscriptions import Flag, is_active, set_flag
from tests.broadcasting import (
    COORDINATOR,
    TZ,
    Stack,
    add_subscribers,
    add_volunteers,
    broadcasting_stack,
    draft,
)
from tests.clock import QUIET, ControlledClock, local


async def test_broadcast_reaches_everyone_once_within_limits(
    db: Database, library: Library
) -> None:
    users = list(range(1001, 1046))
    await add_subscribers(db, [*users, -5001, -5002])
    async with broadcasting_stack(db, library) as stack:
        row = await stack.service.create(draft())
        assert row.id is not None
        done = await stack.broadcast(row.id)
        assert done.status == "done"
        assert all(stack.received(chat) == 1 for chat in [*users, -5001, -5002])
        assert stack.api.flood_errors == 0
        [message] = [m for m in stack.api.messages_to(1001) if m.action == "send"]
        assert "免费" in message.content and "退订" in message.button_labels()[-1]
        summary = stack.api.messages_to(COORDINATOR)[-1]
        assert "47/47" in summary.content


async def test_above_30_per_second_every_broadcast_message_is_a_paid_one(
    db: Database, library: Library
) -> None:
    """The server refuses free sends over its overall limit as Telegram does (lowered to
    10/s here, so the test does not depend on the machine being fast enough to pass 30/s);
    at 100/s each message carries allow_paid_broadcast, nothing is refused, and the claims
    and outcomes are written in batches (fewer statements than messages)."""
    users = list(range(1101, 1301))
    await add_subscribers(db, users)
    updates = Counter[str]()

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if statement.lstrip().upper().startswith("UPDATE DELIVERY"):
            updates["delivery"] += 1

    event.listen(db.engine.sync_engine, "before_cursor_execute", count)
    async with broadcasting_stack(db, library, rate=100, global_per_second=10) as stack:
        row = await stack.service.create(draft())
        assert row.id is not None
        await stack.broadcast(row.id)
        assert all(stack.received(chat) == 1 for chat in users)
        sends = [c for c in stack.api.calls if c.method == "sendMessage" and c.ok]
        to_users = [c for c in sends if int(c.params["chat_id"]) in users]
        assert all(c.params.get("allow_paid_broadcast") is True for c in to_users)
        assert stack.api.flood_errors == 0 and stack.api.paid_sends == len(users)
    # Without batches: one claim and one outcome per message, 400 statements.
    assert updates["delivery"] < 1.5 * len(users), updates


async def test_at_30_per_second_nothing_is_paid_for(db: Database, library: Library) -> None:
    await add_subscribers(db, [1401, 1402])
    async with broadcasting_stack(db, library) as stack:
        row = await stack.service.create(draft())
        assert row.id is not None
        await stack.broadcast(row.id)
        assert stack.received(1401) == 1 and stack.api.paid_sends == 0


async def test_blocked_and_deleted_chats_are_marked_and_skipped_from_then_on(
    db: Database, library: Library
) -> None:
    await add_subscribers(db, [2001, 2002, 2003, 2004])
    async with broadcasting_stack(db, library) as stack:
        stack.api.block(2002)
        stack.api.delete_chat(2003)
        first = await stack.service.create(draft(key="first"))
        assert first.id is not None
        await stack.broadcast(first.id)
        states = await stack.states(first.id)
        assert states == {2001: "sent", 2002: "blocked", 2003: "blocked", 2004: "sent"}
        async with db.session() as session:
            assert not await is_active(session=session, chat_id=2002)
            reasons = dict(await failure_reasons(session=session, broadcast_id=first.id))
        assert {r.lower() for r in reasons} == {
            "forbidden: bot was blocked by the user",
            "chat not found",
        }
        second = await stack.service.create(draft(key="second"))
        assert second.id is not None
        await stack.broadcast(second.id)
        assert set(await stack.states(second.id)) == {2001, 2004}
        assert stack.api.flood_errors == 0


async def test_network_errors_are_retried_with_backoff(db: Database, library: Library) -> None:
    await add_subscribers(db, [3001, 3002])
    async with broadcasting_stack(db, library) as stack:
        stack.api.fail_method("sendMessage", error_code=502, description="Bad Gateway", times=3)
        row = await stack.service.create(draft())
        assert row.id is not None
        await stack.broadcast(row.id)
        assert await stack.states(row.id) == {3001: "sent", 3002: "sent"}
        assert stack.received(3001) == 1 and stack.received(3002) == 1


async def test_a_recipients_own_failure_is_recorded_with_its_reason(
    db: Database, library: Library
) -> None:
    await add_subscribers(db, [3101])
    # No progress message: on a loaded machine it could be the first send and take the 400.
    async with broadcasting_stack(db, library, progress_after=3600) as stack:
        stack.api.fail_method(  # the delivery is refused; the summary after it goes through
            "sendMessage", error_code=400, description="Bad Request: refused", times=1
        )
        row = await stack.service.create(draft())
        assert row.id is not None
        await stack.broadcast(row.id)
        async with db.session() as session:
            assert await failure_reasons(session=session, broadcast_id=row.id) == [("Refused", 1)]
        assert await stack.states(row.id) == {3101: "failed"}


async def test_an_outage_pauses_the_whole_broadcast_then_everyone_gets_it_once(
    db: Database, library: Library
) -> None:
    """Server errors are Telegram's trouble, not the recipients': nobody fails, the engine
    waits (longer each time) and carries on when Telegram answers again."""
    users = list(range(3201, 3261))
    await add_subscribers(db, users)
    async with broadcasting_stack(db, library, outage_max_seconds=0.3) as stack:
        stack.api.fail_for(3600, status=500)  # 500s until the engine has paused twice
        row = await stack.service.create(draft())
        assert row.id is not None
        await stack.api.wait_until(lambda: stack.service.engine.outages >= 2, "two pauses")
        stack.api.clear_failures()
        done = await stack.broadcast(row.id)
        assert set((await stack.states(row.id)).values()) == {"sent"}
        assert all(stack.received(u) == 1 for u in users)
        assert stack.service.engine.outages >= 2 and done.status == "done"
        failed = [c for c in stack.api.calls if c.status == 500]
        # While paused it does not hammer the server: each try sends one window at most.
        window = stack.service.engine.config.max_in_flight
        assert len(failed) <= (stack.service.engine.outages + 1) * window
        assert stack.api.flood_errors == 0


async def test_a_summary_telegram_refused_for_a_while_is_given_once_it_can(
    db: Database, library: Library
) -> None:
    await add_subscribers(db, [3301, 3302])
    async with broadcasting_stack(db, library) as stack:
        poster = stack.api.send_text(stack.api.user(COORDINATOR), "海报")["message"]
        # Recipients get a copy (copyMessage); the summary is a sendMessage, refused until
        # the test sees it refused twice.
        stack.api.fail_method("sendMessage", error_code=502, description="Bad Gateway")
        row = await stack.service.create(
            replace(draft(), content_kind="copy", source=(COORDINATOR, poster["message_id"]))
        )
        assert row.id is not None

        def refused_summaries() -> list[ApiCall]:
            return [
                c
                for c in stack.api.calls
                if c.method == "sendMessage" and "发送完毕" in str(c.params.get("text"))
            ]

        await stack.api.wait_until(lambda: len(refused_summaries()) >= 2, "two refusals")
        stack.api.clear_failures()
        done = await stack.broadcast(row.id)
        assert done.reported_at is not None
        summaries = refused_summaries()
        assert [c.status for c in summaries][-1] == 200 and len(summaries) >= 3
        assert sum(c.status == 200 for c in summaries) == 1


async def test_retry_after_pauses_sending_and_loses_nothing(
    db: Database, library: Library
) -> None:
    await add_subscribers(db, [4001, 4002, 4003])
    # One send on the wire at a time: with more, a send that left before the 429 came back
    # (a slow machine) is rightly not held back, and the timing below would not say anything.
    # No progress message: on a loaded machine it could be the first send and take the 429.
    async with broadcasting_stack(db, library, max_in_flight=1, progress_after=3600) as stack:
        stack.api.fail_method(
            "sendMessage", error_code=429, description="Too Many Requests", times=1, retry_after=1
        )
        row = await stack.service.create(draft())
        assert row.id is not None
        await stack.broadcast(row.id)
        assert set((await stack.states(row.id)).values()) == {"sent"}
        assert stack.service.engine.floods == 1
        sends = [c for c in stack.api.calls if c.method == "sendMessage" and c.ok]
        failed = next(c for c in stack.api.calls if c.status == 429)
        assert all(c.time >= failed.time + 1 for c in sends if c.params["chat_id"] != COORDINATOR)


async def test_cancel_stops_a_running_broadcast_within_a_second(
    db: Database, library: Library
) -> None:
    users = list(range(5001, 5121))
    await add_subscribers(db, users)
    async with broadcasting_stack(db, library) as stack:
        row = await stack.service.create(draft())
        assert row.id is not None
        await stack.api.wait_for_messages(users[29])
        cancelled, _ = await stack.service.cancel(row.id, COORDINATOR)
        stopped_at = time.monotonic()
        await stack.broadcast(row.id)
        late = [c for c in _sends(stack, users) if c.time > stopped_at + 0.5]
        assert cancelled and late == []
        states = Counter((await stack.states(row.id)).values())
        assert states["sent"] + states["cancelled"] == len(users) and states["cancelled"] > 50
        assert sum(stack.received(u) for u in users) == states["sent"]
        assert "已停止" in stack.api.messages_to(COORDINATOR)[-1].content
        again, _ = await stack.service.cancel(row.id, COORDINATOR)
        assert not again


def _sends(stack: Stack, chats: list[int]) -> list[ApiCall]:
    wanted = set(chats)
    return [
        c for c in stack.api.calls if c.method == "sendMessage" and c.params["chat_id"] in wanted
    ]


async def test_rows_interrupted_while_sending_become_uncertain_and_are_never_resent(
    db: Database, library: Library
) -> None:
    users = list(range(6001, 6011))
    await add_subscribers(db, users)
    now = QUIET
    async with db.session() as session:
        row = await store_draft(session=session, draft=draft(), library=library, now=now, tz=TZ)
        assert row.id is not None
        await begin_sending(session=session, broadcast=row, now=now, tz=TZ)
        tasks = await pending_batch(session=session, after_id=0, limit=3, now=now)
        for task in tasks:  # what a SIGKILL between "sending" and the answer leaves behind
            await move_delivery(
                session=session,
                delivery_id=task.id,
                expected=DeliveryState.PENDING,
                state=DeliveryState.SENDING,
                now=now,
            )
    async with broadcasting_stack(db, library) as stack:
        assert stack.service.engine.recovered == {row.id: 3}
        await stack.broadcast(row.id)
        interrupted = {t.chat_id for t in tasks}
        assert all(stack.received(u) == (0 if u in interrupted else 1) for u in users)
        states = await stack.states(row.id)
        assert {u for u, s in states.items() if s == "uncertain"} == interrupted
        assert "状态不确定：3" in stack.api.messages_to(COORDINATOR)[-1].content


async def test_a_time_missed_while_down_is_sent_late_within_grace_else_reported(
    db: Database, library: Library
) -> None:
    await add_subscribers(db, [7001])
    async with broadcasting_stack(db, library, grace=timedelta(minutes=30)) as stack:
        at = stack.service.clock().replace(microsecond=0) + timedelta(hours=2)
        late = await stack.service.create(draft(when=Once(at), key="late"))
        missed = await stack.service.create(draft(when=Once(at), key="missed"))
        assert late.id is not None and missed.id is not None
        assert (await stack.service.tick(at - timedelta(seconds=1))).started == []
        async with db.session() as session:  # the second one would have been due long ago
            await change(
                session=session,
                broadcast_id=missed.id,
                allowed=["scheduled"],
                send_at=at - timedelta(hours=1),
            )
        report = await stack.service.tick(at + timedelta(minutes=10))
        assert report.started == [late.id] and report.missed == [missed.id]
        assert (await stack.broadcast(late.id)).status == "done"
        assert (await stack.broadcast(missed.id)).status == "missed"
        assert stack.received(7001) == 1
        assert any("没有发送" in m.content for m in stack.api.messages_to(COORDINATOR))


async def test_broadcasts_missed_together_are_told_in_one_message(
    db: Database, library: Library
) -> None:
    """After a long stop, the coordinator gets one message listing what was missed (up to
    MISSED_LINES lines and a count of the rest), not a message each, and only once."""
    await add_subscribers(db, [7101])
    async with broadcasting_stack(db, library, grace=timedelta(minutes=30)) as stack:
        at = stack.service.clock().replace(microsecond=0) + timedelta(hours=2)
        count = MISSED_LINES + 2
        rows = [
            await stack.service.create(draft(when=Once(at + timedelta(minutes=n)), key=f"m{n}"))
            for n in range(count)
        ]
        report = await stack.service.tick(at + timedelta(days=3))
        assert sorted(report.missed) == sorted(row.id for row in rows if row.id is not None)
        for row in rows:
            assert row.id is not None
            assert (await stack.broadcast(row.id)).status == "missed"
        [told] = stack.api.messages_to(COORDINATOR)
        assert f"有 {count} 条通知" in told.content and "还有 2 条" in told.content
        listed = [row.id for row in rows if f"#{row.id}，" in told.content]
        assert len(listed) == MISSED_LINES
        await stack.service.tick(at + timedelta(days=3, minutes=1))
        assert stack.received(COORDINATOR) == 1


async def test_send_now_starts_a_waiting_broadcast_once_however_often_asked(
    db: Database, library: Library
) -> None:
    """/scheduled's 立即发送: two presses at once and the periodic due-check in between start
    it once; a weekly one is not sent now (its slots stay as they are)."""
    await add_subscribers(db, [7051, 7052])
    async with broadcasting_stack(db, library) as stack:
        at = stack.service.clock().replace(microsecond=0) + timedelta(days=1)
        row = await stack.service.create(draft(when=Once(at), key="now"))
        weekly = await stack.service.create(draft(when=Weekly(0, dt_time(9, 0)), key="weekly"))
        assert row.id is not None and weekly.id is not None
        presses = [stack.service.send_now(row.id, COORDINATOR) for _ in range(2)]
        results = await asyncio.gather(*presses, stack.service.tick())
        assert True in results[:2]  # both may move the time; only one start happens
        assert (await stack.broadcast(row.id)).status == "done"
        assert stack.received(7051) == 1 and stack.received(7052) == 1
        assert not await stack.service.send_now(row.id, COORDINATOR)
        assert not await stack.service.send_now(weekly.id, COORDINATOR)
        async with db.session() as session:
            kept = await get_broadcast(session=session, broadcast_id=weekly.id)
        assert kept is not None and kept.status == "scheduled" and kept.send_at == weekly.send_at
        assert stack.received(7051) == 1


async def test_a_weekly_broadcast_fires_once_per_week(db: Database, library: Library) -> None:
    await add_subscribers(db, [7101])
    async with broadcasting_stack(db, library) as stack:
        row = await stack.service.create(draft(when=Weekly(0, dt_time(9, 0))))
        assert row.id is not None and row.recurrence == "weekly:0:09:00"
        slot = row.send_at
        assert slot.astimezone(TZ).weekday() == 0 and slot.astimezone(TZ).hour == 9
        first = await stack.service.tick(slot + timedelta(minutes=1))
        assert (await stack.service.tick(slot + timedelta(minutes=2))).started == []
        [occurrence] = first.started
        await stack.broadcast(occurrence)
        second = await stack.service.tick(slot + timedelta(days=7, minutes=1))
        [next_one] = second.started
        await stack.broadcast(next_one)
        assert stack.received(7101) == 2
        async with db.session() as session:
            parent = await get_broadcast(session=session, broadcast_id=row.id)
        assert parent is not None and parent.send_at == slot + timedelta(days=14)


async def test_campaign_reminder_goes_to_subscribers_of_its_topics_and_to_volunteers(
    db: Database, library: Library
) -> None:
    await add_subscribers(db, [8001, 8002], category="constitution")
    await add_subscribers(db, [8003], category="labor")
    await add_volunteers(db, [8101, 8102])
    async with db.session() as session:
        await set_flag(session=session, chat_id=8002, flag=Flag.CAMPAIGNS, value=False)
    # A week before the week's first reminder (11-24 09:00): none of the year's earlier
    # reminders is due, so none is reported missed.
    clock = ControlledClock(local(2026, 11, 17, 9, 0))
    async with broadcasting_stack(db, library, clock=clock) as stack:
        async with db.session() as session:
            week = min(
                (
                    r
                    for r in await upcoming(session=session, origins=["campaign"], limit=500)
                    if r.campaign_id == "constitution-week"
                ),
                key=lambda r: r.send_at,
            )
        report = await stack.service.tick(week.send_at + timedelta(minutes=1))
        assert len(report.started) == 2  # residents and volunteers
        for started in report.started:
            await stack.broadcast(started)
        [public] = [m for m in stack.api.messages_to(8001) if m.action == "send"]
        assert "宪法宣传周" in public.content
        labels = public.button_labels()
        assert labels[-1] == "🔕 不再接收活动日提醒" and any("宪法" in b for b in labels[:-1])
        assert stack.received(8002) == 0 and stack.received(8003) == 0
        [call] = [m for m in stack.api.messages_to(8101) if m.action == "send"]
        assert "/report" in call.content
        assert call.button_labels() == ["🔕 不再接收志愿者通知"]


async def test_month_end_reminder_reaches_volunteers_without_a_report(
    db: Database, library: Library
) -> None:
    await add_volunteers(db, [8201, 8202, 8203])
    async with broadcasting_stack(db, library, reminder_day=25) as stack:
        async with db.session() as session:
            [nudge, *_] = await upcoming(session=session, origins=["monthly"])
            await set_flag(session=session, chat_id=8203, flag=Flag.MONTHLY, value=False)
            day = nudge.send_at.astimezone(TZ).date()
            session.add(
                ActivityReport(
                    volunteer_id=8202,
                    activity_type="lecture",
                    activity_date=day.replace(day=1),
                    submission_key="r1",
                )
            )
        assert day.day == 25 and nudge.send_at.astimezone(TZ).hour == 10
        [started] = (await stack.service.tick(nudge.send_at)).started
        await stack.broadcast(started)
        assert [stack.received(v) for v in (8201, 8202, 8203)] == [1, 0, 0]
        [message] = [m for m in stack.api.messages_to(8201) if m.action == "send"]
        assert "/report" in message.content and message.button_labels() == ["🔕 不再提醒"]


async def test_a_periodic_check_made_late_by_a_busy_machine_still_runs_and_warns_nobody(
    db: Database, library: Library, caplog: pytest.LogCaptureFixture
) -> None:
    """APScheduler skips a run more than a second late by default, with a WARNING in the
    operator's log; the daily calendar expansion would be lost the same way."""
    await add_subscribers(db, [1001])
    caplog.set_level(logging.WARNING, logger="apscheduler")
    clock = ControlledClock()
    async with broadcasting_stack(db, library, clock=clock, poll_seconds=2.0) as stack:
        async with db.session() as session:  # due now, left to the periodic check
            row = await store_draft(
                session=session, draft=draft(), library=library, now=clock(), tz=TZ
            )
        assert row.id is not None
        # The event loop blocked, as on a busy machine, past the check's first run time (2 s
        # after the start) by more than a second, and not to the second run time.
        # (busy, not time.sleep: under libfaketime sleeping on the monotonic clock fails)
        blocked_until = time.monotonic() + 3.0
        while time.monotonic() < blocked_until:
            pass
        done = await stack.broadcast(row.id)
        assert done.status == "done" and stack.received(1001) == 1
    assert [r.getMessage() for r in caplog.records if r.name.startswith("apscheduler")] == []
