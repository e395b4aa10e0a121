"""Invites, registration, profiles, leaving, roles and erasure, on SQLite and PostgreSQL."""

import asyncio
from datetime import timedelta

from sqlmodel import select

from storage.audit import record
from storage.db import Database
from storage.drafts import drafts_of, save_draft
from storage.models import (
    ANONYMOUS_ID,
    AuditLog,
    Person,
    QuestionLog,
    Recipient,
    Role,
    Subscription,
    Volunteer,
)
from storage.people import get_role, touch_person
from storage.questions import LoggedAnswer, log_questions
from storage.reports import get_report
from storage.subscriptions import ensure_recipient, toggle_category
from storage.volunteers import (
    InviteStatus,
    VolunteerProfile,
    check_invite,
    create_invite,
    erase_person,
    find_person,
    get_volunteer,
    leave,
    promoted_coordinators,
    register_volunteer,
    set_coordinator,
    update_profile,
)
from tests.reporting import NOW, add_report, add_volunteer

PROFILE = VolunteerProfile(name="李四", town="示例县东山镇", place="桃园村", phone="13900139000")


async def _invite(db: Database, *, single_use: bool = False, days: int = 7) -> str:
    async with db.session() as session:
        invite = await create_invite(
            session=session,
            created_by=1,
            valid_for=timedelta(days=days),
            town="示例县东山镇",
            single_use=single_use,
            now=NOW,
        )
    return invite.code


async def test_invite_codes_are_checked_for_forgery_expiry_and_use(db: Database) -> None:
    code = await _invite(db, single_use=True, days=1)
    async with db.session() as session:
        assert (await check_invite(session=session, code=code, now=NOW))[0] is InviteStatus.OK
        assert (await check_invite(session=session, code=f"join_{code.upper()}", now=NOW))[
            0
        ] is InviteStatus.OK
        for forged in ("", "abc", "' OR 1=1 --", "a" * 10, "😀" * 10, code[:-1] + "!"):
            status, _ = await check_invite(session=session, code=forged, now=NOW)
            assert status is InviteStatus.UNKNOWN, forged
        later = NOW + timedelta(days=2)
        assert (await check_invite(session=session, code=code, now=later))[0] is (
            InviteStatus.EXPIRED
        )
    async with db.session() as session:
        status = await register_volunteer(
            session=session, telegram_id=10, code=code, profile=PROFILE, now=NOW
        )
        assert status is InviteStatus.OK
    async with db.session() as session:
        assert (await check_invite(session=session, code=code, now=NOW))[0] is (
            InviteStatus.USED_UP
        )
        status = await register_volunteer(
            session=session, telegram_id=11, code=code, profile=PROFILE, now=NOW
        )
        assert status is InviteStatus.USED_UP
        assert await get_volunteer(session=session, telegram_id=11) is None


async def test_a_single_use_code_admits_one_of_two_concurrent_registrations(
    db: Database,
) -> None:
    code = await _invite(db, single_use=True)

    async def register(telegram_id: int) -> InviteStatus:
        async with db.session() as session:
            return await register_volunteer(
                session=session, telegram_id=telegram_id, code=code, profile=PROFILE, now=NOW
            )

    results = await asyncio.gather(register(21), register(22))
    assert sorted(results) == sorted([InviteStatus.OK, InviteStatus.USED_UP])


async def test_registration_sets_profile_and_role_and_a_multi_use_code_serves_many(
    db: Database,
) -> None:
    code = await _invite(db)
    async with db.session() as session:
        for telegram_id in (31, 32):
            status = await register_volunteer(
                session=session, telegram_id=telegram_id, code=code, profile=PROFILE, now=NOW
            )
            assert status is InviteStatus.OK
    async with db.session() as session:
        volunteer = await get_volunteer(session=session, telegram_id=31)
        assert volunteer is not None and volunteer.name == "李四" and volunteer.active
        assert await get_role(session=session, telegram_id=31) is Role.VOLUNTEER
        assert await update_profile(session=session, telegram_id=31, field="phone", value="")
        assert not await update_profile(session=session, telegram_id=99, field="name", value="x")
    async with db.session() as session:
        volunteer = await get_volunteer(session=session, telegram_id=31)
        assert volunteer is not None and volunteer.phone == ""


async def test_leave_blanks_personal_fields_and_keeps_reports(db: Database) -> None:
    await add_volunteer(db, 41, name="王五", phone="13700137000")
    report_id = await add_report(db, 41)
    async with db.session() as session:
        assert await leave(session=session, telegram_id=41, now=NOW)
        assert not await leave(session=session, telegram_id=41, now=NOW)
    async with db.session() as session:
        assert await get_volunteer(session=session, telegram_id=41) is None
        row = await session.get(Volunteer, 41)
        assert row is not None and (row.name, row.phone, row.active) == ("", "", False)
        assert row.town == "示例县城关镇"  # not personal: anonymised counts per town still work
        assert await get_role(session=session, telegram_id=41) is Role.RESIDENT
        report = await get_report(session=session, report_id=report_id)
        assert report is not None and report.volunteer_id == 41


async def test_erase_person_removes_everything_personal(db: Database) -> None:
    await add_volunteer(db, 51)
    report_id = await add_report(db, 51)
    answer = LoggedAnswer("q51", NOW, 51, "private", "text", "欠薪怎么办", None, 0.0, False, False)
    async with db.session() as session:
        await touch_person(session=session, telegram_id=51, name="赵六", username="zl", now=NOW)
        await log_questions(session, [answer])
        await save_draft(
            session=session,
            flow="report",
            telegram_id=51,
            step="type",
            token="t1",
            data={},
            now=NOW,
        )
        await record(session=session, actor_id=51, action="invite", target="51", now=NOW)
        await ensure_recipient(session=session, chat_id=51, now=NOW)
        await toggle_category(session=session, chat_id=51, category="labor")
        await ensure_recipient(
            session=session, chat_id=-100, chat_type="group", added_by=51, now=NOW
        )
    async with db.session() as session:
        erased = await erase_person(session=session, telegram_id=51)
    assert (erased.questions, erased.reports_anonymised, erased.had_profile) == (1, 1, True)
    async with db.session() as session:
        assert await session.get(Person, 51) is None
        assert await session.get(Volunteer, 51) is None
        assert await drafts_of(session=session, telegram_id=51) == []
        assert (await session.exec(select(QuestionLog))).all() == []
        report = await get_report(session=session, report_id=report_id)
        assert report is not None and report.volunteer_id == ANONYMOUS_ID
        assert report.data.photo_file_ids == () and report.data.audience == 120
        audit = await session.get(AuditLog, 1)
        assert audit is not None and audit.actor_id is None and audit.target == ""
        assert (await session.exec(select(Subscription))).all() == []
        assert await session.get(Recipient, 51) is None
        group = await session.get(Recipient, -100)
        assert group is not None and group.added_by is None


async def test_promote_and_demote_and_find_by_username(db: Database) -> None:
    await add_volunteer(db, 61)
    async with db.session() as session:
        await touch_person(
            session=session, telegram_id=61, name="钱七", username="QianQi", now=NOW
        )
        await touch_person(session=session, telegram_id=62, name="孙八", username=None, now=NOW)
    async with db.session() as session:
        found = await find_person(session=session, ref="@qianqi")
        assert found is not None and found.telegram_id == 61
        assert await find_person(session=session, ref="62") is not None
        assert await find_person(session=session, ref="@") is None
        assert await set_coordinator(session=session, telegram_id=61, promote=True)
        assert await set_coordinator(session=session, telegram_id=62, promote=True)
        assert not await set_coordinator(session=session, telegram_id=63, promote=True)
    async with db.session() as session:
        assert sorted(await promoted_coordinators(session=session)) == [61, 62]
        await set_coordinator(session=session, telegram_id=61, promote=False)
        await set_coordinator(session=session, telegram_id=62, promote=False)
    async with db.session() as session:
        assert await get_role(session=session, telegram_id=61) is Role.VOLUNTEER
        assert await get_role(session=session, telegram_id=62) is Role.RESIDENT
