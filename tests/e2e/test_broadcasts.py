"""Subscriptions and coordinators' broadcasts end to end: the real Application against a
local Bot API that enforces Telegram's flood limits (429 with retry_after) and answers 403
for users who blocked the bot. Time is the test's: the due-check is run with its `now`."""

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import pytest

from content.loader import Library
from content.search import SearchIndex
from handlers.kit import callbacks
from handlers.kit.callbacks import Kind
from local_api import ApiCall, FakeUser, SentMessage
from storage import broadcasts as repo
from storage.models import AuditLog, Broadcast, BroadcastStatus
from storage.subscriptions import is_active, subscriptions_of
from tests.broadcasting import COORDINATOR, add_subscribers, add_volunteers
from tests.clock import local
from tests.e2e.conftest import Harness, bot_factory, running_bot

RESIDENT = 301


@asynccontextmanager
async def coordinated_bot(
    tmp_path: Path,
    library: Library,
    index: SearchIndex,
    *,
    strict: bool,
    broadcast_rate_per_second: float = 30,
) -> AsyncIterator[Harness]:
    """The bot with a coordinator; `strict`: against a server enforcing 30/s, 1/s a chat and
    20/min a group (so the bot paces even its replies to one chat at 1/s)."""
    async with running_bot(
        tmp_path,
        bot_factory(library, index),
        enforce_limits=strict,
        admin_ids=frozenset({COORDINATOR}),
        pace_private_replies=strict,
        broadcast_progress_seconds=0.5,
        broadcast_rate_per_second=broadcast_rate_per_second,
    ) as harness:
        yield harness


@pytest.fixture
async def bot(tmp_path: Path, library: Library, index: SearchIndex) -> AsyncIterator[Harness]:
    """Under Telegram's limits, which the bot must never trip."""
    async with coordinated_bot(tmp_path, library, index, strict=True) as harness:
        harness.api.user(COORDINATOR, "协调员")
        yield harness
        assert harness.api.flood_errors == 0


@pytest.fixture
async def slow_bot(tmp_path: Path, library: Library, index: SearchIndex) -> AsyncIterator[Harness]:
    """Sends broadcasts at 5/s, so a broadcast to 120 people (24 s) is still running when its
    progress message appears (after 5 s) and a test acts on it, however busy the machine is."""
    async with coordinated_bot(
        tmp_path, library, index, strict=True, broadcast_rate_per_second=5
    ) as harness:
        harness.api.user(COORDINATOR, "协调员")
        yield harness


@pytest.fixture
async def quick_bot(
    tmp_path: Path, library: Library, index: SearchIndex
) -> AsyncIterator[Harness]:
    """For conversations only (no broadcast sent): the server does not enforce the limits."""
    async with coordinated_bot(tmp_path, library, index, strict=False) as harness:
        harness.api.user(COORDINATOR, "协调员")
        yield harness


async def alert(bot: Harness, user: FakeUser, message: SentMessage, data: str) -> str:
    answer = await bot.press(user, message, data)
    return str(answer.get("text", ""))


async def test_resident_subscribes_to_topics_and_town_then_unsubscribes(bot: Harness) -> None:
    user = bot.api.user(RESIDENT, "王五")
    menu = await bot.ask(user, "/subscribe")
    assert "订阅普法通知" in menu.content
    menu = await bot.tap(user, menu, "劳动与工资")
    assert "✅ 👷 劳动与工资" in menu.button_labels()
    ui = bot.services.ui.subscriptions
    assert ui.campaigns_on in menu.button_labels()  # with any subscription, untick to stop
    menu = await bot.tap(user, menu, ui.campaigns_on)
    menu = await bot.tap(user, menu, ui.campaigns_off)
    towns = await bot.tap(user, menu, "🏘 选择乡镇")
    menu = await bot.tap(user, towns, "示例县东山镇")
    assert "🏘 乡镇：示例县东山镇" in menu.button_labels()
    summary = await bot.tap(user, menu, "✅ 完成")
    assert "劳动与工资" in summary.content and "示例县东山镇" in summary.content
    mysubs = await bot.ask(user, "/mysubs")
    assert mysubs.content == summary.content
    removal = await bot.ask(user, "/unsubscribe")
    removal = await bot.tap(user, removal, "❌ 劳动与工资")
    assert "❌ 示例县东山镇" in removal.button_labels()
    done = await bot.tap(user, removal, "🚫 全部退订")
    assert "没有可以退订" in done.content
    async with bot.services.db.session() as session:
        mine = await subscriptions_of(session=session, chat_id=RESIDENT)
    assert not mine.any


async def test_a_group_is_subscribed_only_by_an_admin_checked_with_telegram(
    bot: Harness,
) -> None:
    group = bot.api.group(-100777, "东山村民群")
    admin, member = bot.api.user(401, "群主"), bot.api.user(402, "群友")
    bot.api.set_chat_admins(group.id, [admin.id])
    bot.api.send_command(member, "/subscribe", chat=group)
    [refusal] = await bot.api.wait_for_messages(group.id)
    assert "管理员" in refusal.content
    bot.api.send_command(admin, "/subscribe", chat=group)
    [menu] = await bot.api.wait_for_messages(group.id)
    data = menu.find_button("劳动与工资")["callback_data"]
    assert "管理员" in await alert(bot, member, menu, data)
    await bot.tap(admin, menu, "劳动与工资")
    async with bot.services.db.session() as session:
        assert (await subscriptions_of(session=session, chat_id=group.id)).categories == ("labor",)
    assert any(c.method == "getChatMember" for c in bot.api.calls)


async def test_scheduled_broadcast_fires_at_its_time_with_one_tap_unsubscribe(
    bot: Harness,
) -> None:
    await add_subscribers(bot.services.db, [501, 502, 503], category="labor")
    await add_subscribers(bot.services.db, [504], category="fraud")
    coordinator = bot.api.user(COORDINATOR)
    start = await bot.ask(coordinator, "/broadcast")
    audience = await bot.ask(coordinator, "周六上午村委会有律师<免费>咨询")
    assert bot.as_now(start).buttons() == []  # answered: only the question below is live
    topics = await bot.tap(coordinator, audience, "📚 按主题")
    when = await bot.tap(coordinator, topics, "劳动与工资")
    assert "共 <b>3</b> 人" in (when.source_text or "") and "时间按北京时间计算" in when.content
    bot.api.send_text(coordinator, "明天上午9点")
    # The exact preview, then the time question loses its buttons as the card asks.
    preview, dropped, confirm = await bot.api.wait_for_messages(COORDINATOR, 3)
    assert (dropped.action, dropped.message_id, dropped.buttons()) == ("edit", when.message_id, [])
    assert preview.content == "周六上午村委会有律师<免费>咨询"
    assert preview.button_labels() == ["🔕 退订“劳动与工资”"]
    assert "劳动与工资" in confirm.content and "09:00" in confirm.content
    done = await bot.tap(coordinator, confirm, "✅ 确认发送")
    assert "已确认" in done.content and "/scheduled" in done.content
    ok = confirm.find_button("✅ 确认发送")["callback_data"]
    assert "已经确认过" in await alert(bot, coordinator, confirm, ok)
    [row] = await _coordinator_rows(bot)
    assert row.send_at.astimezone(bot.services.tz).hour == 9
    tick = bot.services.broadcasting.tick
    assert (await tick(row.send_at - timedelta(seconds=1))).started == []
    assert (await tick(row.send_at + timedelta(minutes=1))).started == [row.id]
    for chat in (501, 502, 503):
        [message] = await bot.api.wait_for_messages(chat)
        assert message.content == preview.content
    assert bot.sent_to(504) == []
    [message] = bot.sent_to(501)
    told = await alert(bot, bot.api.user(501), message, _data(message))
    assert "劳动与工资" in told and bot.services.ui.subscriptions.campaigns_stopped_too in told
    async with bot.services.db.session() as session:
        assert (await subscriptions_of(session=session, chat_id=501)).categories == ()
    [summary] = await bot.api.wait_for_messages(COORDINATOR, after=len(bot.api.sent) - 1)
    assert "3/3" in summary.content


def _data(message: SentMessage) -> str:
    return str(message.buttons()[-1][0]["callback_data"])


async def _coordinator_rows(bot: Harness) -> list[Broadcast]:
    async with bot.services.db.session() as session:
        return await repo.upcoming(
            session=session, origins=["coordinator"], statuses=[s.value for s in BroadcastStatus]
        )


async def test_send_now_shows_progress_marks_blocked_users_and_stays_in_limits(
    bot: Harness,
) -> None:
    users = list(range(1001, 1071))
    await add_subscribers(bot.services.db, users)
    bot.api.block(1005)
    coordinator = bot.api.user(COORDINATOR)
    await _send_to_all_now(bot, coordinator, "本周六普法讲座")
    progress = await bot.api.wait_for_call(
        "sendMessage", predicate=lambda c: "正在发送" in str(c.params.get("text"))
    )
    assert "⏹" in str(progress.params["reply_markup"])
    summary = await bot.api.wait_for_call(
        "sendMessage", predicate=lambda c: "发送完毕" in str(c.params.get("text"))
    )
    assert (
        "成功：69/70" in summary.params["text"]
        and "屏蔽机器人或聊天已不存在：1" in summary.params["text"]
    )
    assert all(len(bot.sent_to(u)) == (0 if u == 1005 else 1) for u in users)
    edits = [m for m in bot.api.messages_to(COORDINATOR) if m.action == "edit"]
    assert any("已结束" in m.content for m in edits)
    async with bot.services.db.session() as session:
        assert not await is_active(session=session, chat_id=1005)


async def _send_to_all_now(bot: Harness, coordinator: FakeUser, text: str) -> None:
    """/broadcast `text` to all subscribers, now, confirmed."""
    await bot.ask(coordinator, "/broadcast")
    audience = await bot.ask(coordinator, text)
    when = await bot.tap(coordinator, audience, "👥 所有订阅者")
    _, confirm = await _preview_now(bot, coordinator, when)
    await bot.tap(coordinator, confirm, "✅ 确认发送")


async def _preview_now(
    bot: Harness, coordinator: FakeUser, when: SentMessage
) -> tuple[SentMessage, SentMessage]:
    bot.api.press_button(coordinator, when, "🚀 立即发送")
    preview, confirm = await bot.replies(COORDINATOR, 2)
    return preview, confirm


async def test_stop_button_cancels_a_running_broadcast(slow_bot: Harness) -> None:
    users = list(range(2001, 2121))
    await add_subscribers(slow_bot.services.db, users)
    coordinator = slow_bot.api.user(COORDINATOR)
    await _send_to_all_now(slow_bot, coordinator, "临时通知")
    call = await slow_bot.api.wait_for_call(
        "sendMessage", predicate=lambda c: "正在发送" in str(c.params.get("text"))
    )
    progress = next(m for m in slow_bot.api.sent if m.message_id == call.result["message_id"])
    text = await alert(slow_bot, coordinator, progress, progress.buttons()[0][0]["callback_data"])
    assert "已停止" in text
    stopped = len(slow_bot.api.calls)
    summary = await slow_bot.api.wait_for_call(
        "sendMessage", predicate=lambda c: "已停止" in str(c.params.get("text"))
    )
    late = [c for c in slow_bot.api.calls[stopped:] if c.params.get("chat_id") in set(users)]
    assert len(late) <= 2  # at most what was already on the wire
    assert sum(len(slow_bot.sent_to(u)) for u in users) < len(users)
    assert "未发送" in summary.params["text"]
    [row] = await _coordinator_rows(slow_bot)
    assert row.status == "cancelled"
    data = callbacks.make(Kind.SCHEDULED, "x", row.id or 0)
    assert "无法取消" in await alert(slow_bot, coordinator, progress, data)


async def test_bad_input_gets_clear_answers_and_changes_nothing(quick_bot: Harness) -> None:
    bot = quick_bot
    await add_subscribers(bot.services.db, [3001])
    stranger = bot.api.user(RESIDENT)
    for command in ("/broadcast", "/scheduled", "/campaigns"):
        assert "只对普法工作人员开放" in (await bot.ask(stranger, command)).content
    coordinator = bot.api.user(COORDINATOR)
    await bot.ask(coordinator, "/broadcast")
    assert "不能是空的" in (await bot.ask(coordinator, "   ")).content
    assert "太长" in (await bot.ask(coordinator, "法" * 4097)).content
    # only emoji or symbols say nothing; an emoji counts twice towards Telegram's limit
    ui = bot.ui.broadcasts
    assert (await bot.ask(coordinator, "🎉👏！")).content == ui.no_letters
    too_long = await bot.ask(coordinator, "法" + "🎉" * 2048)
    assert too_long.content == ui.too_long.format(length=4097)
    audience = await bot.ask(coordinator, "通知内容")
    groups = audience.find_button("💬 订阅了通知的群")["callback_data"]
    assert "没有人" in await alert(bot, coordinator, audience, groups)
    when = await bot.tap(coordinator, audience, "👥 所有订阅者")
    for typed, problem in (
        ("2020-01-01 09:00", "已经过去"),
        ("2月30日 9:00", "没有这一天"),
        ("明天25点", "时间不对"),
        ("过两天吧", "看不懂"),
    ):
        assert problem in (await bot.ask(coordinator, typed)).content
    forged = callbacks.make(Kind.BROADCAST, "a", "zzzz", "all")
    assert "失效" in await alert(bot, coordinator, when, forged)
    assert await _coordinator_rows(bot) == []
    async with bot.services.db.session() as session:
        refused = await session.get(AuditLog, 1)
    assert refused is not None and refused.allowed is False


async def test_scheduled_list_edit_and_cancel(quick_bot: Harness) -> None:
    bot = quick_bot
    await add_subscribers(bot.services.db, [4001])
    coordinator = bot.api.user(COORDINATOR)
    await bot.ask(coordinator, "/broadcast")
    audience = await bot.ask(coordinator, "每周一法：今天讲讲劳动合同")
    when = await bot.tap(coordinator, audience, "👥 所有订阅者")
    bot.api.send_text(coordinator, "每周一 09:00")
    _, confirm = await bot.replies(COORDINATOR, 2)
    assert "每周一 09:00（每周重复）" in confirm.content
    await bot.tap(coordinator, confirm, "✅ 确认发送")
    listing = await bot.ask(coordinator, "/scheduled")
    assert "每周一 09:00" in listing.content and "劳动合同" in listing.content
    [row] = await _coordinator_rows(bot)
    prompt = await bot.tap(coordinator, listing, f"📝 改内容 #{row.id}")
    assert f"#{row.id}" in prompt.content
    assert "已更新" in (await bot.ask(coordinator, "每周一法：讲讲工伤")).content
    assert "已取消" in await alert(bot, coordinator, listing, _cancel_data(listing, row))
    assert "无法取消" in await alert(bot, coordinator, listing, _cancel_data(listing, row))
    [cancelled] = await _coordinator_rows(bot)
    assert cancelled.status == "cancelled" and "工伤" in cancelled.text
    assert when.chat_id == COORDINATOR


def _cancel_data(listing: SentMessage, row: Broadcast) -> str:
    return str(listing.find_button(f"✖ 取消 #{row.id}")["callback_data"])


async def test_campaigns_preview_mute_and_set_this_years_dates(quick_bot: Harness) -> None:
    bot = quick_bot
    coordinator = bot.api.user(COORDINATOR)
    overview = await bot.ask(coordinator, "/campaigns")
    assert "宪法宣传周" in overview.content and "国家网络安全宣传周" in overview.content
    label = next(b for b in overview.button_labels() if b.startswith("国家网络安全宣传周"))
    year = int(label.split()[-1])
    detail = await bot.tap(coordinator, overview, label)
    assert "提前 7 天" in detail.content and "居民提醒" in detail.content
    bot.api.press_button(coordinator, detail, "👁 查看①")
    [preview] = await bot.api.wait_for_messages(COORDINATOR)
    assert "网络安全" in preview.content and "🔕 不再接收活动日提醒" in preview.button_labels()
    muted = await bot.tap(coordinator, detail, "🔕 静音①")
    assert "已静音" in muted.content
    prompt = await bot.tap(coordinator, muted, f"📅 设置{year}年的日期")
    assert "例如" in prompt.content
    done = await bot.ask(coordinator, f"{year}-09-14")
    assert "9月14日至9月20日" in done.content
    async with bot.services.db.session() as session:
        rows = await repo.campaign_reminders(
            session=session, campaign_id="cybersecurity-week", year=year
        )
    first = min(rows, key=lambda r: r.send_at)
    assert first.status == "muted"
    assert first.send_at.astimezone(bot.services.tz).date().isoformat() == f"{year}-09-07"


async def test_coordinator_pings_the_volunteers_of_one_town(quick_bot: Harness) -> None:
    bot = quick_bot
    await add_volunteers(bot.services.db, [6001, 6002], town="示例县东山镇")
    await add_volunteers(bot.services.db, [6003], town="示例县西河镇")
    coordinator = bot.api.user(COORDINATOR)
    await bot.ask(coordinator, "/broadcast")
    audience = await bot.ask(coordinator, "东山镇的志愿者：明天上午到司法所领宣传材料")
    towns = await bot.tap(coordinator, audience, "🙋 志愿者")
    when = await bot.tap(coordinator, towns, "示例县东山镇")
    assert "示例县东山镇的志愿者" in when.content and "共 2 人" in when.content
    _, confirm = await _preview_now(bot, coordinator, when)
    await bot.tap(coordinator, confirm, "✅ 确认发送")
    for volunteer in (6001, 6002):
        [message] = await bot.api.wait_for_messages(volunteer)
        assert message.button_labels() == ["🔕 不再接收志愿者通知"]
    assert bot.sent_to(6003) == []


async def test_a_user_who_blocks_the_bot_is_skipped_until_they_come_back(
    quick_bot: Harness,
) -> None:
    bot = quick_bot
    await add_subscribers(bot.services.db, [6101])
    bot.api.block(6101, notify=True)
    await bot.settle()
    async with bot.services.db.session() as session:
        assert not await is_active(session=session, chat_id=6101)
    bot.api.unblock(6101, notify=True)
    await bot.settle()
    async with bot.services.db.session() as session:
        assert await is_active(session=session, chat_id=6101)


# A group upgraded to a supergroup gets a new chat id: its subscriptions follow, whether the
# bot saw Telegram's service message or only learnt it from a failed send.
GROUP, SUPERGROUP = -4001, -1_000_000_004_001


async def _categories(bot: Harness, chat_id: int) -> set[str]:
    async with bot.services.db.session() as session:
        return set((await subscriptions_of(session=session, chat_id=chat_id)).categories)


async def test_the_migration_service_message_moves_a_groups_subscriptions(
    quick_bot: Harness,
) -> None:
    bot = quick_bot
    await add_subscribers(bot.services.db, [GROUP], category="labor")
    bot.api.migrate_group(bot.api.user(7001), GROUP, SUPERGROUP)
    await bot.settle()
    assert await _categories(bot, SUPERGROUP) == {"labor"}
    assert await _categories(bot, GROUP) == set()
    async with bot.services.db.session() as session:
        assert not await is_active(session=session, chat_id=GROUP)
        assert await is_active(session=session, chat_id=SUPERGROUP)


async def test_a_broadcast_to_a_migrated_group_reaches_the_supergroup_once(bot: Harness) -> None:
    await add_subscribers(bot.services.db, [GROUP, 7101], category="labor")
    bot.api.state.migrated[GROUP] = SUPERGROUP  # the service message was never seen
    coordinator = bot.api.user(COORDINATOR)
    await _send_to_all_now(bot, coordinator, "普法讲座改到周日")
    summary = await bot.api.wait_for_call(
        "sendMessage", predicate=lambda c: "发送完毕" in str(c.params.get("text"))
    )
    assert "成功：2/2" in summary.params["text"]
    assert [m.content for m in bot.sent_to(SUPERGROUP)] == ["普法讲座改到周日"]
    assert len(bot.sent_to(7101)) == 1
    assert await _categories(bot, SUPERGROUP) == {"labor"}


async def test_a_coordinator_resends_to_the_recipients_a_broadcast_failed_for(
    bot: Harness,
) -> None:
    users = [1101, 1102, 1103]
    await add_subscribers(bot.services.db, users)
    coordinator = bot.api.user(COORDINATOR)
    await bot.ask(coordinator, "/broadcast")
    audience = await bot.ask(coordinator, "本周六普法讲座")
    when = await bot.tap(coordinator, audience, "👥 所有订阅者")
    _, confirm = await _preview_now(bot, coordinator, when)
    bot.api.fail_method(  # the first delivery is refused (a recipient's own problem)
        "sendMessage", error_code=400, description="Bad Request: injected", times=1,
        chat_ids=users,
    )  # fmt: skip
    await bot.tap(coordinator, confirm, "✅ 确认发送")
    call = await bot.api.wait_for_call(
        "sendMessage", predicate=lambda c: "发送完毕" in str(c.params.get("text"))
    )
    summary = next(m for m in bot.api.sent if m.message_id == call.result["message_id"])
    assert "失败：1" in summary.content
    [resend] = [label for label in summary.button_labels() if "重发" in label]
    failed = [u for u in users if not bot.sent_to(u)]
    assert len(failed) == 1
    # The resend may finish (its summary sent) before the confirmation: look for each.
    bot.api.press_button(coordinator, summary, resend)
    await bot.api.wait_for_call(
        "sendMessage", predicate=lambda c: "正在重发" in str(c.params.get("text"))
    )
    again = await bot.api.wait_for_call(
        "sendMessage",
        predicate=lambda c: "发送完毕" in str(c.params.get("text")) and c is not call,
    )
    assert "成功：1/1" in again.params["text"]
    assert all(len(bot.sent_to(u)) == 1 for u in users)  # the others got it once, not twice
    data = summary.find_button(resend)["callback_data"]
    assert "没有需要重发" in await alert(bot, coordinator, summary, data)  # once only


async def test_tonight_at_eight_as_coordinators_type_it(quick_bot: Harness) -> None:
    """今晚8点 (the QA walkthrough's F12): read as 20:00 today, said back with its date, sent
    at that time and not before; a time without a date, or 今天 with a morning hour past,
    says which one was taken."""
    bot = quick_bot
    bot.clock.set(local(2026, 12, 31, 15, 0))  # New Year's Eve: 明早 is next year
    await add_volunteers(bot.services.db, [6201, 6202], town="示例县东山镇")
    coordinator = bot.api.user(COORDINATOR)
    await bot.ask(coordinator, "/broadcast")
    audience = await bot.ask(coordinator, "今晚8点线上普法培训，请准时参加")
    towns = await bot.tap(coordinator, audience, "🙋 志愿者")
    await bot.tap(coordinator, towns, "示例县东山镇")
    for ambiguous in ("晚上12点", "明天3点"):
        assert "两种意思" in (await bot.ask(coordinator, ambiguous)).content, ambiguous
    for typed, said in (
        ("明早8点", "2027年1月1日（周五）08:00"),
        ("8点", "2026年12月31日（周四）20:00（没写日期，按最近的一次算）"),
        ("今天8点", "2026年12月31日（周四）20:00（今天这个钟点已过，按下午或晚上算）"),
        ("今晚8点", "2026年12月31日（周四）20:00"),
    ):
        bot.api.send_text(coordinator, typed)
        _, confirm = await bot.replies(COORDINATOR, 2)
        assert said in confirm.content, typed
        if typed != "今晚8点":
            await bot.answer(coordinator, confirm, "🕘 改时间")
    assert "没写日期" not in confirm.content
    done = await bot.tap(coordinator, confirm, "✅ 确认发送")
    assert "20:00" in done.content and "没写日期" not in done.content
    [row] = await _coordinator_rows(bot)
    assert row.send_at == local(2026, 12, 31, 20, 0)
    tick = bot.services.broadcasting.tick
    assert (await tick(row.send_at - timedelta(seconds=1))).started == []
    assert (await tick(row.send_at + timedelta(minutes=1))).started == [row.id]
    for volunteer in (6201, 6202):
        [message] = await bot.api.wait_for_messages(volunteer)
        assert "线上普法培训" in message.content


async def test_the_final_confirmation_keeps_the_no_date_note(quick_bot: Harness) -> None:
    """8.30 alone is asked about; 晚上8.30 (no date) is confirmed saying which day was taken,
    before and after ✅ 确认发送."""
    bot = quick_bot
    bot.clock.set(local(2026, 12, 31, 15, 0))
    await add_subscribers(bot.services.db, [6601])
    coordinator = bot.api.user(COORDINATOR)
    await bot.ask(coordinator, "/broadcast")
    audience = await bot.ask(coordinator, "今晚线上普法培训")
    await bot.tap(coordinator, audience, "👥 所有订阅者")
    asked = await bot.ask(coordinator, "8.30")
    assert "8月30日" in asked.content and "例如" in asked.content
    bot.api.send_text(coordinator, "晚上8.30")
    _, confirm = await bot.replies(COORDINATOR, 2)
    said = "2026年12月31日（周四）20:30（没写日期，按最近的一次算）"
    assert said in confirm.content
    done = await bot.tap(coordinator, confirm, "✅ 确认发送")
    assert said in done.content
    [row] = await _coordinator_rows(bot)
    assert row.send_at == local(2026, 12, 31, 20, 30)


def _said(text: str) -> Callable[[ApiCall], bool]:
    return lambda call: text in str(call.params.get("text"))


async def test_a_scheduled_broadcast_is_sent_now_from_its_new_time_question(
    quick_bot: Harness,
) -> None:
    """/scheduled → 🕘 改时间 offers 🚀 立即发送 (and takes 现在): the broadcast starts at
    once, and only once however often it is asked."""
    bot = quick_bot
    await add_subscribers(bot.services.db, [6301, 6302])
    coordinator = bot.api.user(COORDINATOR)
    for text in ("第一条：周六普法讲座", "第二条：周日普法集市"):
        await bot.ask(coordinator, "/broadcast")
        audience = await bot.ask(coordinator, text)
        await bot.tap(coordinator, audience, "👥 所有订阅者")
        bot.api.send_text(coordinator, "明天上午9点")
        _, confirm = await bot.replies(COORDINATOR, 2)
        await bot.tap(coordinator, confirm, "✅ 确认发送")
    first, second = sorted(row.id for row in await _coordinator_rows(bot) if row.id is not None)
    listing = await bot.ask(coordinator, "/scheduled")
    prompt = await bot.tap(coordinator, listing, f"🕘 改时间 #{first}")
    assert prompt.button_labels() == [f"🚀 立即发送 #{first}"]
    bot.api.send_text(coordinator, "现在")
    await bot.api.wait_for_call("sendMessage", predicate=_said(f"通知 #{first} 现在开始发送"))
    prompt = await bot.tap(coordinator, listing, f"🕘 改时间 #{second}")
    bot.api.press_button(coordinator, prompt, f"🚀 立即发送 #{second}")
    await bot.api.wait_for_call("sendMessage", predicate=_said(f"通知 #{second} 现在开始发送"))
    bot.api.press_button(coordinator, prompt, f"🚀 立即发送 #{second}")
    await bot.api.wait_for_call("sendMessage", predicate=_said(f"通知 #{second} 已经开始发送"))
    assert (await bot.services.broadcasting.tick()).started == []
    for chat in (6301, 6302):
        messages = await bot.api.wait_for_messages(chat, 2)
        assert sorted(m.content for m in messages) == [
            "第一条：周六普法讲座",
            "第二条：周日普法集市",
        ]
    await bot.settle()
    assert len(bot.sent_to(6301)) == 2 and len(bot.sent_to(6302)) == 2
    assert "看不懂" not in "".join(m.content for m in bot.api.messages_to(COORDINATOR))


async def test_an_older_preview_cannot_confirm_the_draft_as_changed_since(
    quick_bot: Harness,
) -> None:
    """The QA walkthrough: 8点 previewed for 20:00, 改时间 to 现在 (then 明早9点), then
    ✅ 确认发送 on the OLDER card is refused (nothing sent) and the card as the draft is now
    comes below; only the latest card's button sends, and a button drawn before revisions
    existed (no revision in its data) is refused once the draft has changed."""
    bot = quick_bot
    bot.clock.set(local(2026, 12, 5, 15, 0))
    await add_volunteers(bot.services.db, [6701, 6702], town="示例县东山镇")
    coordinator = bot.api.user(COORDINATOR)
    await bot.ask(coordinator, "/broadcast")
    audience = await bot.ask(coordinator, "今晚八点线上培训")
    towns = await bot.tap(coordinator, audience, "🙋 志愿者")
    await bot.tap(coordinator, towns, "全部志愿者")
    bot.api.send_text(coordinator, "8点")
    _, old = await bot.replies(COORDINATOR, 2)
    assert "2026年12月5日（周六）20:00" in old.content
    await bot.answer(coordinator, old, "🕘 改时间")
    bot.api.send_text(coordinator, "现在")
    _, now = await bot.replies(COORDINATOR, 2)
    assert "20:00" not in now.content
    await bot.answer(coordinator, now, "🕘 改时间")
    bot.api.send_text(coordinator, "明早9点")
    _, latest = await bot.replies(COORDINATOR, 2)
    ok = old.find_button("✅ 确认发送")["callback_data"]
    assert "过时" in await alert(bot, coordinator, old, ok)
    _, redrawn = await bot.replies(COORDINATOR, 2)
    assert redrawn.content == latest.content
    token = ok.split(":")[2].partition("-")[0]
    legacy = callbacks.make(Kind.BROADCAST, token, "ok")
    assert "过时" in await alert(bot, coordinator, old, legacy)
    _, redrawn = await bot.replies(COORDINATOR, 2)
    assert await _coordinator_rows(bot) == []
    assert bot.sent_to(6701) == []
    now_ok = now.find_button("✅ 确认发送")["callback_data"]
    assert "过时" in await alert(bot, coordinator, now, now_ok)
    _, redrawn = await bot.replies(COORDINATOR, 2)
    # Each card drawn took the buttons off the one before: only the latest can be pressed.
    cards = [m for m in bot.sent_to(COORDINATOR) if "✅ 确认发送" in m.button_labels()]
    assert [m for m in cards if bot.as_now(m).buttons()] == [redrawn]
    done = await bot.tap(coordinator, redrawn, "✅ 确认发送")
    assert "已确认" in done.content
    [row] = await _coordinator_rows(bot)
    assert row.send_at == local(2026, 12, 6, 9, 0)


async def test_the_card_list_and_the_time_question_go_back_or_cancel(
    quick_bot: Harness,
) -> None:
    """The card categories offer ⬅️ 返回 (to the first question) and ✖ 取消; the time question
    offers ⬅️ 返回 to change the audience, whose new choice the next question names."""
    bot = quick_bot
    await add_subscribers(bot.services.db, [6801])
    await add_volunteers(bot.services.db, [6802], town="示例县东山镇")
    coordinator = bot.api.user(COORDINATOR)
    ui = bot.services.ui.broadcasts
    start = await bot.ask(coordinator, "/broadcast")
    categories = await bot.tap(coordinator, start, ui.pick_card_button)
    assert {ui.back_button, ui.cancel_button} <= set(categories.button_labels())
    again = await bot.tap(coordinator, categories, ui.back_button)
    assert again.content == start.content and again.button_labels() == start.button_labels()
    categories = await bot.tap(coordinator, again, ui.pick_card_button)
    cancelled = await bot.tap(coordinator, categories, ui.cancel_button)
    assert cancelled.content == ui.cancelled_draft
    await bot.ask(coordinator, "/broadcast")
    audience = await bot.ask(coordinator, "周末普法集市")
    when = await bot.tap(coordinator, audience, ui.audience_all_button)
    assert "所有订阅者" in when.content and ui.back_button in when.button_labels()
    audience = await bot.tap(coordinator, when, ui.back_button)
    assert audience.content == ui.audience_prompt
    towns = await bot.tap(coordinator, audience, ui.audience_volunteers_button)
    when = await bot.tap(coordinator, towns, ui.all_volunteers_button)
    assert "志愿者" in when.content and "所有订阅者" not in when.content
    bot.api.send_text(coordinator, "明早9点")
    _, confirm = await bot.replies(COORDINATOR, 2)
    await bot.tap(coordinator, confirm, "✅ 确认发送")
    [row] = await _coordinator_rows(bot)
    assert row.audience == "volunteers"


async def test_a_cancelled_broadcast_leaves_the_list_and_is_called_cancelled(
    quick_bot: Harness,
) -> None:
    """✖ 取消 from /scheduled redraws the list without it; 👁 查看 or 🕘 改时间 on the list
    as it was says it was cancelled, not that it was sent."""
    bot = quick_bot
    await add_subscribers(bot.services.db, [6901])
    coordinator = bot.api.user(COORDINATOR)
    ui = bot.services.ui.broadcasts
    for text in ("第一条：周六普法讲座", "第二条：周日普法集市"):
        await bot.ask(coordinator, "/broadcast")
        audience = await bot.ask(coordinator, text)
        await bot.tap(coordinator, audience, ui.audience_all_button)
        bot.api.send_text(coordinator, "明天上午9点")
        _, confirm = await bot.replies(COORDINATOR, 2)
        await bot.tap(coordinator, confirm, "✅ 确认发送")
    first, second = sorted(row.id for row in await _coordinator_rows(bot) if row.id is not None)
    listing = await bot.ask(coordinator, "/scheduled")
    cancel = listing.find_button(ui.cancel_item.format(id=first))["callback_data"]
    assert "已取消" in await alert(bot, coordinator, listing, cancel)
    [redrawn] = await bot.api.wait_for_messages(COORDINATOR)
    assert (redrawn.action, redrawn.message_id) == ("edit", listing.message_id)
    assert f"#{first}" not in redrawn.content and f"#{second}" in redrawn.content
    for item in (ui.preview_item, ui.edit_time_item):
        data = listing.find_button(item.format(id=first))["callback_data"]
        told = await alert(bot, coordinator, listing, data)
        assert "已取消" in told and "已经开始发送" not in told, told
    last = redrawn.find_button(ui.cancel_item.format(id=second))["callback_data"]
    await alert(bot, coordinator, redrawn, last)
    [empty] = await bot.api.wait_for_messages(COORDINATOR)
    assert empty.content == ui.scheduled_empty and empty.buttons() == []
