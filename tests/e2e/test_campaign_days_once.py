"""A campaign reminder says each of its days once, whatever day it goes out: sent now, long
before the campaign, its {when} names the first day itself, and the period written beside it
must not name that day again ("（9月11日至9月17日）2027年9月11日（周六）开始")."""

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from content.loader import Library
from content.search import SearchIndex
from tests.broadcasting import COORDINATOR
from tests.clock import local
from tests.e2e.conftest import Harness, campaign_bot, campaign_detail, campaign_reminders

RESIDENT, VOLUNTEER = 6701, 6702
CAMPAIGN, BUTTON = "food-safety-week", "全国食品安全宣传周 2027"
DAY = re.compile(r"\d{1,2}月\d{1,2}日")


@pytest.fixture
async def bot(tmp_path: Path, library: Library, index: SearchIndex) -> AsyncIterator[Harness]:
    """5 December 2026: 全国食品安全宣传周's next reminders are for 11–17 September 2027."""
    async with campaign_bot(
        tmp_path,
        library,
        index,
        now=local(2026, 12, 5, 12, 0),
        category="consumer",
        resident=RESIDENT,
        volunteer=VOLUNTEER,
    ) as harness:
        yield harness


def _days(text: str) -> list[str]:
    return DAY.findall(text)


@pytest.mark.parametrize("number", ["①", "②"])
async def test_a_reminder_sent_long_before_says_each_day_once(bot: Harness, number: str) -> None:
    coordinator = bot.api.user(COORDINATOR)
    detail = await campaign_detail(bot, BUTTON)
    reminders = await campaign_reminders(bot, CAMPAIGN, 2027)
    reminder = reminders[0 if number == "①" else 1]
    await bot.tap(coordinator, detail, f"🕘 改时间{number}")
    bot.api.send_text(coordinator, "现在")
    preview, confirm = await bot.replies(COORDINATOR, 2)
    assert "2027年9月11日（周六）" in preview.content, preview.content
    assert _days(preview.content).count("9月11日") == 1, preview.content
    bot.api.press_button(coordinator, confirm, "✅ 确认现在发送")
    chat = RESIDENT if reminder.audience == "categories" else VOLUNTEER
    [got] = await bot.api.wait_for_messages(chat)
    assert "2027年9月11日（周六）" in got.content, got.content
    days = _days(got.content)
    assert len(days) == len(set(days)), got.content
