"""Volunteer recognition: 星级 from recorded hours in /profile, /certificate with its code,
and `pufa verify CODE`."""

import asyncio
import re
from datetime import date
from pathlib import Path

import pytest

from bot.cli import main
from storage.models import Certificate
from tests.conftest import sqlite_url
from tests.e2e.conftest import Harness
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
    assert await verify("AAAA-BBBB-CCCC") == 1
    assert await verify("=1+1") == 1
    # After /deleteme the certificate still checks, without the name.
    bot.api.send_command(user, "/deleteme")
    [confirm] = await bot.api.wait_for_messages(user.id)
    await answer_question(bot, user, confirm, "确定")
    capsys.readouterr()
    assert await verify(match[1]) == 0
    assert "王五" not in capsys.readouterr().out
