"""/campaigns: a reminder sent now or moved is previewed as it will then read and confirmed
first (saying which year's campaign it is for); its text names the campaign's day from the
day it is sent; the coordinator who sent or moved it gets the summary."""

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from content.loader import Library
from content.search import SearchIndex
from local_api import ApiCall
from storage.models import BroadcastStatus
from tests.broadcasting import COORDINATOR
from tests.clock import local
from tests.e2e.conftest import Harness, campaign_bot, campaign_detail, campaign_reminders

RESIDENT, VOLUNTEER = 6601, 6602
CAMPAIGN, BUTTON = "constitution-day", "12·4国家宪法日 2027"


@pytest.fixture
async def bot(tmp_path: Path, library: Library, index: SearchIndex) -> AsyncIterator[Harness]:
    """The day after 12·4国家宪法日 2026, at noon: its next reminders are 2027's."""
    async with campaign_bot(
        tmp_path,
        library,
        index,
        now=local(2026, 12, 5, 12, 0),
        category="constitution",
        resident=RESIDENT,
        volunteer=VOLUNTEER,
    ) as harness:
        yield harness


def _said(text: str) -> Callable[[ApiCall], bool]:
    return lambda call: text in str(call.params.get("text"))


async def test_next_years_reminder_sent_now_is_previewed_confirmed_once_and_reported(
    bot: Harness,
) -> None:
    coordinator = bot.api.user(COORDINATOR)
    detail = await campaign_detail(bot, BUTTON)
    prompt = await bot.tap(coordinator, detail, "🕘 改时间①")
    assert prompt.button_labels() == ["🚀 立即发送"]
    bot.api.send_text(coordinator, "现在")
    preview, confirm = await bot.replies(COORDINATOR, 2)
    assert "2027年12月4日（周六）" in preview.content and "今天" not in preview.content
    assert "12·4国家宪法日" in confirm.content and "2027年" in confirm.content
    assert "还有 364 天" in confirm.content and "到时候不会再发" in confirm.content
    first = (await campaign_reminders(bot, CAMPAIGN, 2027))[0]
    assert first.status == BroadcastStatus.SCHEDULED  # nothing went out before the confirmation
    for _ in range(2):  # a double press
        bot.api.press_button(coordinator, confirm, "✅ 确认现在发送")
    await bot.api.wait_for_call("editMessageText", predicate=_said("这条提醒现在开始发送"))
    await bot.api.wait_for_call("answerCallbackQuery", predicate=_said("不能再修改"))
    chat = RESIDENT if first.audience == "categories" else VOLUNTEER
    [got] = await bot.api.wait_for_messages(chat)
    # the day once: the date in brackets follows a {when} of 今天 / 明天 / N 天后 only
    assert "2027年12月4日（周六）是" in got.content and "今天" not in got.content
    assert "（12月4日）" not in got.content
    await bot.api.wait_for_call("sendMessage", predicate=_said(f"通知 #{first.id} 发送完毕"))
    await bot.settle()
    await bot.services.broadcasting.tick()
    assert len(bot.sent_to(chat)) == 1
    [after, *_] = await campaign_reminders(bot, CAMPAIGN, 2027)
    assert after.status in (BroadcastStatus.SENDING, BroadcastStatus.DONE)
    assert after.created_by == COORDINATOR


async def test_a_moved_reminder_reads_right_on_the_day_it_goes_out(bot: Harness) -> None:
    coordinator = bot.api.user(COORDINATOR)
    detail = await campaign_detail(bot, BUTTON)
    moved = (await campaign_reminders(bot, CAMPAIGN, 2027))[1].id
    await bot.tap(coordinator, detail, "🕘 改时间②")
    bot.api.send_text(coordinator, "明天上午9点")
    preview, confirm = await bot.replies(COORDINATOR, 2)
    assert "2027年12月4日（周六）" in preview.content and "今天" not in preview.content
    assert "2027年" in confirm.content and "还有 363 天" in confirm.content
    changed = await bot.answer(coordinator, confirm, "🕘 改时间")  # another time, then cancel
    bot.api.send_text(coordinator, "明天上午9点")
    _, confirm = await bot.replies(COORDINATOR, 2)
    bot.api.press_button(coordinator, confirm, "✅ 确认改时间")
    await bot.api.wait_for_call("editMessageText", predicate=_said("提醒已改到"))
    [second] = [r for r in await campaign_reminders(bot, CAMPAIGN, 2027) if r.id == moved]
    assert second.send_at == local(2026, 12, 6, 9, 0) and changed.button_labels()
    bot.clock.set(local(2026, 12, 6, 9, 0))
    assert (await bot.services.broadcasting.tick()).started == [second.id]
    chat = RESIDENT if second.audience == "categories" else VOLUNTEER
    [got] = await bot.api.wait_for_messages(chat)
    assert "2027年12月4日（周六）是" in got.content and "今天" not in got.content
    assert "（12月4日）" not in got.content
    await bot.api.wait_for_call("sendMessage", predicate=_said(f"通知 #{second.id} 发送完毕"))


async def test_a_muted_reminder_is_not_sent_now_and_cancel_changes_nothing(bot: Harness) -> None:
    coordinator = bot.api.user(COORDINATOR)
    detail = await campaign_detail(bot, BUTTON)
    muted = await bot.tap(coordinator, detail, "🔕 静音①")
    prompt = await bot.tap(coordinator, muted, "🕘 改时间①")
    assert prompt.button_labels() == []
    assert "已静音" in (await bot.ask(coordinator, "现在")).content
    prompt = await bot.tap(coordinator, muted, "🕘 改时间②")
    bot.api.press_button(coordinator, prompt, "🚀 立即发送")
    _, confirm = await bot.replies(COORDINATOR, 2)
    bot.api.press_button(coordinator, confirm, "✖ 取消")
    await bot.api.wait_for_call("editMessageText", predicate=_said("不改了"))
    assert (await bot.services.broadcasting.tick()).started == []
    statuses = [r.status for r in await campaign_reminders(bot, CAMPAIGN, 2027)]
    assert statuses == [BroadcastStatus.MUTED, BroadcastStatus.SCHEDULED]


async def test_an_older_new_time_card_cannot_confirm_the_time_typed_since(bot: Harness) -> None:
    """Moved to 明天上午9点, then 🕘 改时间 to 后天上午10点: ✅ 确认改时间 on the first card moves
    nothing and draws the card as it is now; that one moves it to the later time."""
    coordinator = bot.api.user(COORDINATOR)
    detail = await campaign_detail(bot, BUTTON)
    moved = (await campaign_reminders(bot, CAMPAIGN, 2027))[1]
    await bot.tap(coordinator, detail, "🕘 改时间②")
    bot.api.send_text(coordinator, "明天上午9点")
    _, old = await bot.replies(COORDINATOR, 2)
    await bot.answer(coordinator, old, "🕘 改时间")
    bot.api.send_text(coordinator, "后天上午10点")
    _, latest = await bot.replies(COORDINATOR, 2)
    answer = await bot.press(coordinator, old, old.find_button("✅ 确认改时间")["callback_data"])
    assert answer["text"] == bot.ui.chat.outdated_card and answer["show_alert"]
    _, redrawn = await bot.replies(COORDINATOR, 2)
    assert redrawn.content == latest.content
    [same] = [r for r in await campaign_reminders(bot, CAMPAIGN, 2027) if r.id == moved.id]
    assert same.send_at == moved.send_at
    bot.api.press_button(coordinator, redrawn, "✅ 确认改时间")
    await bot.api.wait_for_call("editMessageText", predicate=_said("提醒已改到"))
    [second] = [r for r in await campaign_reminders(bot, CAMPAIGN, 2027) if r.id == moved.id]
    assert second.send_at == local(2026, 12, 7, 10, 0)
