"""/campaigns 📅 设置日期 of a movable campaign: reminders the coordinator moved by hand keep
their time (and, when the new dates put them after the campaign, the coordinator is asked);
the others follow the new dates."""

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest

from content.loader import Library
from content.search import SearchIndex
from local_api import SentMessage
from storage.models import Broadcast, BroadcastStatus
from tests.broadcasting import COORDINATOR
from tests.clock import local
from tests.e2e.conftest import Harness, campaign_bot, campaign_detail, campaign_reminders
from tests.e2e.volunteer_steps import answer_question

RESIDENT, VOLUNTEER = 6701, 6702
CAMPAIGN, NAME = "cybersecurity-week", "国家网络安全宣传周"


@pytest.fixture
async def bot(tmp_path: Path, library: Library, index: SearchIndex) -> AsyncIterator[Harness]:
    """Early August 2027: 国家网络安全宣传周 2027 (by default from 9月15日) is ahead."""
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


def _day(bot: Harness, row: Broadcast) -> date:
    return row.send_at.astimezone(bot.services.tz).date()


async def _move_first(bot: Harness, when: str) -> SentMessage:
    """Moves reminder ① to `when` (/campaigns 改时间, confirmed); returns the detail."""
    coordinator = bot.api.user(COORDINATOR)
    detail = await campaign_detail(bot, f"{NAME} 2027")
    await bot.tap(coordinator, detail, "🕘 改时间①")
    bot.api.send_text(coordinator, when)
    _, confirm = await bot.replies(COORDINATOR, 2)
    assert "提醒已改到" in (await bot.tap(coordinator, confirm, "✅ 确认改时间")).content
    return detail


async def _set_dates(bot: Harness, detail: SentMessage, text: str, replies: int) -> list[str]:
    coordinator = bot.api.user(COORDINATOR)
    await bot.tap(coordinator, detail, "📅 设置2027年的日期")
    bot.api.send_text(coordinator, text)
    return [m.content for m in await bot.api.wait_for_messages(COORDINATOR, replies)]


async def test_a_reminder_moved_by_hand_keeps_its_time_and_goes_out_then(bot: Harness) -> None:
    first_id = (await campaign_reminders(bot, CAMPAIGN, 2027))[0].id
    detail = await _move_first(bot, "8月20日 10:00")
    [done] = await _set_dates(bot, detail, "9月8日", 1)
    assert "9月8日至9月14日" in done and "3 条提醒随之调整" in done
    assert "你改过时间的 1 条提醒保持原来的时间" in done
    rows = await campaign_reminders(bot, CAMPAIGN, 2027)
    [kept] = [r for r in rows if r.id == first_id]
    assert kept.send_at == local(2027, 8, 20, 10, 0) and kept.status == BroadcastStatus.SCHEDULED
    others = sorted({_day(bot, r) for r in rows if r.id != first_id})
    assert others == [date(2027, 9, 1), date(2027, 9, 8)]  # 7 days before and on the day
    assert "9月8日" in kept.text  # its words name the new dates
    bot.clock.set(local(2027, 8, 20, 10, 0))
    assert (await bot.services.broadcasting.tick()).started == [first_id]
    chat = RESIDENT if kept.audience == "categories" else VOLUNTEER
    [got] = await bot.api.wait_for_messages(chat)
    assert "9月8日" in got.content


async def test_a_moved_reminder_keeps_its_time_after_the_coordinators_deleteme(
    bot: Harness,
) -> None:
    """/deleteme takes the coordinator's id off the reminder they moved, not the move: new
    dates still leave it at the time they gave it."""
    coordinator = bot.api.user(COORDINATOR)
    first_id = (await campaign_reminders(bot, CAMPAIGN, 2027))[0].id
    await _move_first(bot, "8月20日 10:00")
    bot.api.send_command(coordinator, "/deleteme")
    [question] = await bot.api.wait_for_messages(COORDINATOR)
    await answer_question(bot, coordinator, question, "✅ 确定")
    [erased] = [r for r in await campaign_reminders(bot, CAMPAIGN, 2027) if r.id == first_id]
    assert erased.created_by is None
    detail = await campaign_detail(bot, f"{NAME} 2027")
    [done] = await _set_dates(bot, detail, "9月8日", 1)
    assert "你改过时间的 1 条提醒保持原来的时间" in done
    [kept] = [r for r in await campaign_reminders(bot, CAMPAIGN, 2027) if r.id == first_id]
    assert kept.send_at == local(2027, 8, 20, 10, 0) and kept.status == BroadcastStatus.SCHEDULED


async def test_a_moved_reminder_after_the_new_dates_is_put_to_the_coordinator(
    bot: Harness,
) -> None:
    coordinator = bot.api.user(COORDINATOR)
    first_id = (await campaign_reminders(bot, CAMPAIGN, 2027))[0].id
    detail = await _move_first(bot, "9月12日 10:00")
    done, asked = await _set_dates(bot, detail, "9月1日", 2)
    assert "9月1日至9月7日" in done and "保持原来的时间" in done
    assert "提醒④改到的" in asked and "活动结束（9月7日）之后" in asked
    assert "还按这个时间发吗" in asked
    [kept] = [r for r in await campaign_reminders(bot, CAMPAIGN, 2027) if r.id == first_id]
    assert kept.send_at == local(2027, 9, 12, 10, 0)  # nothing changes until they decide
    muted = await bot.tap(
        coordinator, bot.api.messages_to(COORDINATOR)[-1], "🔕 静音④"
    )  # last by time now
    assert "已静音" in muted.content
    [kept] = [r for r in await campaign_reminders(bot, CAMPAIGN, 2027) if r.id == first_id]
    assert kept.status == BroadcastStatus.MUTED
