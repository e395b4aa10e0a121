"""/deleteme (个人信息保护法): a person who used every feature is erased, and then no table of
the database holds their id, name, username, phone or what they wrote."""

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlmodel import SQLModel

from storage.audit import record
from storage.broadcasts import add_broadcast, plan_deliveries, set_campaign_dates
from storage.db import Database
from storage.drafts import save_draft
from storage.models import Broadcast, BroadcastStatus
from storage.people import touch_person
from storage.questions import LoggedAnswer, log_questions
from storage.reports import submit_report
from storage.subscriptions import ensure_recipient, toggle_category
from storage.ticket_messages import remember_message
from storage.tickets import NewTicket, add_entry, open_ticket
from storage.volunteers import (
    VolunteerProfile,
    create_invite,
    erase_person,
    register_volunteer,
    set_coordinator,
)
from tests.clock import QUIET as NOW
from tests.reporting import report_data

PERSON = 7_123_456_789
NAME, USERNAME, PHONE = "赵六顺", "zhaoliushun", "13912345678"
QUESTION = "我住在幸福小区3栋，隔壁装修噪音扰民怎么办"
PLACE, SUMMARY = "幸福小区3栋门口", "在幸福小区门口讲解噪音扰民的处理办法"
TICKET, FOLLOW_UP = "楼上漏水三个月物业不管", "今天又漏了，墙皮都掉了"
GROUP = -1_001_234_567


async def _uses_every_feature(db: Database) -> None:
    async with db.session() as session:
        await touch_person(
            session=session, telegram_id=PERSON, name=NAME, username=USERNAME, now=NOW
        )
        invite = await create_invite(
            session=session, created_by=None, valid_for=timedelta(days=3), now=NOW
        )
        profile = VolunteerProfile(name=NAME, town="示例县城关镇", place="城关社区", phone=PHONE)
        await register_volunteer(
            session=session, telegram_id=PERSON, code=invite.code, profile=profile, now=NOW
        )
        await set_coordinator(session=session, telegram_id=PERSON, promote=True)
        await create_invite(session=session, created_by=PERSON, valid_for=timedelta(1), now=NOW)
        data = replace(report_data(), place=PLACE, summary=SUMMARY)
        await submit_report(
            session=session, volunteer_id=PERSON, data=data, submission_key=f"{PERSON}-ab", now=NOW
        )
        answer = LoggedAnswer(
            "q1", NOW, PERSON, "private", "text", QUESTION, None, 0.0, False, False
        )
        await log_questions(session, [answer])
        await save_draft(
            session=session,
            flow="report",
            telegram_id=PERSON,
            step="summary",
            token="t1",
            data={"place": PLACE},
            now=NOW,
        )
        await record(
            session=session, actor_id=PERSON, action="promote", target=str(PERSON), now=NOW
        )
        await ensure_recipient(session=session, chat_id=PERSON, now=NOW)
        await toggle_category(session=session, chat_id=PERSON, category="labor")
        await ensure_recipient(
            session=session, chat_id=GROUP, chat_type="group", added_by=PERSON, now=NOW
        )
        await set_campaign_dates(
            session=session,
            campaign_id="constitution-week",
            year=2026,
            start=date(2026, 12, 1),
            end=date(2026, 12, 7),
            set_by=PERSON,
        )
        for status, key in ((BroadcastStatus.DONE, "a"), (BroadcastStatus.SCHEDULED, "b")):
            row = Broadcast(
                origin="coordinator",
                created_by=PERSON,
                content_kind="copy",
                source_chat_id=PERSON,
                source_message_id=7,
                progress_chat_id=PERSON,
                progress_message_id=8,
                audience="all",
                send_at=NOW,
                status=status,
                dedupe_key=f"draft:{PERSON}:{key}",
            )
            stored = await add_broadcast(session=session, broadcast=row)
            assert stored is not None and stored.id is not None
            await plan_deliveries(
                session=session, broadcast_id=stored.id, chat_ids=[PERSON, GROUP], now=NOW
            )


async def _leaves_a_message_to_staff(db: Database) -> None:
    async with db.session() as session:
        ticket, _ = await open_ticket(
            session=session,
            new=NewTicket(
                f"{PERSON}-t1", PERSON, "desk", "civil_code", "示例县城关镇", TICKET, PHONE,
                NOW, NOW, NOW,
            ),
        )  # fmt: skip
        await add_entry(
            session=session, ticket_id=ticket.id, author="resident", text=FOLLOW_UP, now=NOW
        )
        await remember_message(session=session, ticket_id=ticket.id, chat_id=PERSON, message_id=3)


async def _every_value(db: Database) -> list[tuple[str, Any]]:
    found = []
    async with db.session() as session:
        for table in SQLModel.metadata.sorted_tables:
            for row in (await session.exec(select(table))).all():  # type: ignore[call-overload]
                found += [(table.name, value) for value in row]
    return found


async def test_an_erased_person_leaves_no_trace_in_any_table(db: Database) -> None:
    await _uses_every_feature(db)
    await _leaves_a_message_to_staff(db)
    needles = [str(PERSON), NAME, USERNAME, PHONE, QUESTION, PLACE, SUMMARY, TICKET, FOLLOW_UP]
    before = {n for _, value in await _every_value(db) for n in needles if n in str(value)}
    assert before == set(needles)  # the test really put each of them somewhere
    async with db.session() as session:
        erased = await erase_person(session=session, telegram_id=PERSON)
    assert (erased.questions, erased.reports_anonymised, erased.had_profile) == (1, 1, True)
    left = [
        (table, value)
        for table, value in await _every_value(db)
        for n in needles
        if n in str(value)
    ]
    assert left == []
    async with db.session() as session:
        statuses = (await session.exec(select(Broadcast.status))).all()  # type: ignore[call-overload]
    assert sorted(s for (s,) in statuses) == ["cancelled", "done"]  # its copy cannot be sent
