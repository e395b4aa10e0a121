"""Volunteer recognition: 星级 from recorded hours in /profile, /certificate with its code,
and its check by a coordinator (/verify CODE in the chat, `pufa verify CODE`), which says too
whether the volunteer's records still give the certificate's figures."""

import asyncio
import re
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.cli import main
from storage.audit import recent
from storage.models import Certificate
from storage.reports import Change, edit_report, get_report
from tests.conftest import sqlite_url
from tests.e2e.conftest import ADMIN_ID, Harness
from tests.e2e.volunteer_steps import answer_question, invite, register
from tests.reporting import add_report


async def verify(code: str) -> int:
    """`pufa verify CODE` (in a thread: it runs its own event loop)."""
    return await asyncio.to_thread(main, ["verify", code])


CODE = re.compile(r"验证码 ([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})")


async def test_stars_certificate_and_verification(
    bot_with_admins: Harness,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bot, texts = bot_with_admins, bot_with_admins.ui.engagement
    user = bot.api.user(2401)
    await register(bot, user, await invite(bot, "城关镇"), name="王五")
    profile = await bot.ask(user, "/profile")
    assert "满 100 小时为一星级" in profile.content and "已登记服务 0 小时" in profile.content
    for day in range(1, 7):
        await add_report(bot.services.db, user.id, activity_date=date(2026, 3, day), hours=20.0)
    await add_report(bot.services.db, user.id, activity_date=date(2025, 6, 1), hours=5.0)
    profile = await bot.ask(user, "/profile")
    assert "一星级志愿者" in profile.content and "125 小时" in profile.content
    assert "再登记 175 小时可达二星级志愿者" in profile.content
    bot.api.send_command(user, "/certificate 2026")
    [photo] = await bot.api.wait_for_messages(user.id)
    assert photo.kind == "photo" and photo.file is not None, photo.content
    assert photo.file.startswith(b"\x89PNG")
    match = CODE.search(photo.caption or "")
    assert match, photo.caption
    async with bot.services.db.session() as session:
        row = await session.get(Certificate, match[1].replace("-", ""))
    assert row is not None and (row.activities, row.hours, row.name) == (6, 120.0, "王五")
    assert (row.start, row.end) == (date(2026, 1, 1), date(2026, 12, 31))
    none = await bot.ask(user, "/certificate 2024")
    assert none.content == texts.certificate_none.format(period="2024-01-01 ~ 2024-12-31")
    assert (await bot.ask(user, "/certificate 下个月")).source_text == texts.certificate_usage
    resident = await bot.ask(bot.api.user(2402), "/certificate")
    assert resident.content == bot.ui.volunteers.not_volunteer
    # A coordinator checks the code, as typed in any case, with or without dashes.
    monkeypatch.setenv("PUFA_DATABASE_URL", sqlite_url(tmp_path))
    assert await verify(match[1].lower()) == 0
    out = capsys.readouterr().out
    assert "证明有效：王五" in out and "6 次" in out and "120 小时" in out
    assert texts.verify_records_same in out
    assert await verify("AAAA-BBBB-CCCC") == 1
    assert await verify("=1+1") == 1
    # After /deleteme the certificate still checks, without the name.
    bot.api.send_command(user, "/deleteme")
    [confirm] = await bot.api.wait_for_messages(user.id)
    await answer_question(bot, user, confirm, "确定")
    capsys.readouterr()
    assert await verify(match[1]) == 0
    out = capsys.readouterr().out
    assert "王五" not in out and texts.verify_records_erased in out


async def test_a_coordinator_verifies_a_certificate_in_the_chat(bot_with_admins: Harness) -> None:
    bot, texts = bot_with_admins, bot_with_admins.ui.engagement
    volunteer = bot.api.user(2411)
    await register(bot, volunteer, await invite(bot, "城关镇"), name="赵六")
    reports = [
        await add_report(bot.services.db, volunteer.id, activity_date=date(2026, 3, d), hours=2.5)
        for d in (2, 9)
    ]
    bot.api.send_command(volunteer, "/certificate 2026")
    [photo] = await bot.api.wait_for_messages(volunteer.id)
    match = CODE.search(photo.caption or "")
    assert match and f"/verify {match[1]}" in (photo.caption or ""), photo.caption
    assert "网页工作台" in (photo.caption or "") and "pufa verify" not in (photo.caption or "")
    admin = bot.api.user(ADMIN_ID, "管理员")
    found = await bot.ask(admin, f"/verify {match[1].lower().replace('-', ' ')}")
    assert found.content.startswith("证明有效：赵六，2026-01-01 至 2026-12-31"), found.content
    assert "活动 2 次" in found.content and "服务时长 5 小时" in found.content
    assert found.content.endswith("\n" + texts.verify_records_same), found.content
    forged = await bot.ask(admin, "/verify AAAA-BBBB-CCCC")
    assert forged.content == texts.verify_missing
    for odd in ("=1+1", "0000-1111-2222", "A" * 4000):
        malformed = await bot.ask(admin, f"/verify {odd}")
        assert malformed.content == texts.verify_malformed, odd
    assert (await bot.ask(admin, "/verify")).source_text == texts.verify_usage
    # Neither the volunteer nor a resident may check codes; in a group nobody is told anything.
    assert (await bot.ask(volunteer, f"/verify {match[1]}")).content == bot.ui.not_allowed
    assert (await bot.ask(bot.api.user(2412), f"/verify {match[1]}")).content == bot.ui.not_allowed
    group = bot.api.group(-1002411, "村民群")
    bot.api.send_command(admin, f"/verify {match[1]}", chat=group)
    [refusal] = await bot.api.wait_for_messages(group.id)
    assert refusal.text == bot.ui.volunteers.private_only
    await bot.settle()
    assert not [m for m in bot.api.messages_to(group.id) if "赵六" in (m.text or "")]
    # The coordinator's /help lists /verify (its menu does too).
    assert "/verify" in (await bot.ask(admin, "/help")).content
    async with bot.services.db.session() as session:
        entries, _ = await recent(session=session, offset=0, limit=50)
    checks = [e for e in entries if e.action == "verify"]
    assert {(e.target, e.allowed) for e in checks} >= {
        (match[1].replace("-", ""), True),
        ("AAAABBBBCCCC", True),
        ("", False),
    }
    # The volunteer corrects a report's hours (/myreports → 修改, as the chat stores it): the
    # certificate still checks as issued, and says what the records give now.
    async with bot.services.db.session() as session:
        before = await get_report(session=session, report_id=reports[1])
        assert before is not None
        changed = await edit_report(
            session=session,
            report_id=reports[1],
            volunteer_id=volunteer.id,
            data=replace(before.data, hours=1.0),
            window=timedelta(days=3650),
            now=bot.services.now(),
        )
    assert changed is Change.OK
    now = await bot.ask(admin, f"/verify {match[1]}")
    assert now.content.startswith("证明有效：赵六") and "服务时长 5 小时" in now.content
    assert now.content.endswith(
        "\n" + texts.verify_records_changed.format(activities=2, hours="3.5")
    ), now.content
    # After /deleteme nothing is left to compare with, and the verdict says so.
    bot.api.send_command(volunteer, "/deleteme")
    [confirm] = await bot.api.wait_for_messages(volunteer.id)
    await answer_question(bot, volunteer, confirm, "确定")
    erased = await bot.ask(admin, f"/verify {match[1]}")
    assert "赵六" not in erased.content and texts.verify_erased_name in erased.content
    assert erased.content.endswith("\n" + texts.verify_records_erased), erased.content
