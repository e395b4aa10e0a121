"""A campaign whose dates a coordinator set to one day (/campaigns 📅 设置日期 "9月15日-9月15日")
has its reminders say that day once: "9月15日开始，当天结束", not "9月15日开始，9月15日结束"."""

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from content.loader import Library
from content.search import SearchIndex
from tests.broadcasting import COORDINATOR
from tests.clock import local
from tests.e2e.conftest import Harness, campaign_bot, campaign_detail, campaign_reminders

RESIDENT, VOLUNTEER = 6801, 6802
CAMPAIGN, NAME = "cybersecurity-week", "国家网络安全宣传周"
DAY = re.compile(r"\d{1,2}月\d{1,2}日")


@pytest.fixture
async def bot(tmp_path: Path, library: Library, index: SearchIndex) -> AsyncIterator[Harness]:
    """Early August 2027: 国家网络安全宣传周 2027 (by default 9月15日 to 9月21日) is ahead."""
    async with campaign_bot(
        tmp_path,
        library,
        index,
        now=local(2027, 8, 1, 12, 0),
        category="security",
        resident=RESIDENT,
        volunteer=VOLUNTEER,
    ) as harness:
        yield harness


async def test_a_one_day_campaign_says_its_day_once(bot: Harness) -> None:
    coordinator = bot.api.user(COORDINATOR)
    detail = await campaign_detail(bot, f"{NAME} 2027")
    await bot.tap(coordinator, detail, "📅 设置2027年的日期")
    bot.api.send_text(coordinator, "9月15日-9月15日")
    await bot.api.wait_for_messages(COORDINATOR)
    reminders = await campaign_reminders(bot, CAMPAIGN, 2027)
    [public] = [r for r in reminders if r.audience == "categories" and "7 天后" in r.text]

    bot.clock.set(public.send_at)
    assert public.id in (await bot.services.broadcasting.tick()).started
    [got] = await bot.api.wait_for_messages(RESIDENT)

    assert f"{NAME}7 天后（9月15日）开始，当天结束。" in got.content, got.content
    assert DAY.findall(got.content) == ["9月15日"], got.content
