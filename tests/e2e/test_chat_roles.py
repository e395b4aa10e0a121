"""The chat for each role, through the local Bot API: /help lists the person's own commands,
buttons say what they do in words, and errors say what is wrong (a past time, a future
report date)."""

from datetime import timedelta

from local_api import FakeUser, SentMessage
from scheduler.timeparse import examples
from storage import broadcasts as repo
from tests.broadcasting import add_subscribers
from tests.e2e.conftest import ADMIN_ID, Harness
from tests.e2e.volunteer_steps import invite, press, register, say

RESIDENT_ONLY = ("/report", "/myqr", "/invite", "/broadcast", "/scheduled", "/stats")


async def _help(bot: Harness, user: FakeUser) -> str:
    bot.api.send_command(user, "/help")
    [answer] = await bot.api.wait_for_messages(user.id)
    return answer.content


async def test_help_lists_the_commands_of_each_role(bot_with_admins: Harness) -> None:
    bot = bot_with_admins
    resident = await _help(bot, bot.api.user(5101, "居民"))
    assert "/topics" in resident and "/join" in resident
    assert f"/cancel {bot.ui.commands.cancel}" in resident
    assert f"/deleteme {bot.ui.commands.deleteme}" in resident
    assert not any(command in resident for command in RESIDENT_ONLY)

    volunteer = bot.api.user(5102, "志愿者")
    await register(bot, volunteer, await invite(bot, "城关镇"))
    listed = await _help(bot, volunteer)
    assert "/report" in listed and "/myreports" in listed and "/leave" in listed
    assert f"/myqr {bot.ui.commands.myqr}" in listed
    assert "/broadcast" not in listed and "/invite" not in listed
    assert listed.count("/cancel") == listed.count("/deleteme") == 1

    coordinator = await _help(bot, bot.api.user(ADMIN_ID))
    for command in ("/broadcast", "/scheduled", "/campaigns", "/invite", "/stats", "/hours"):
        assert command in coordinator, command


async def _scheduled_listing(bot: Harness) -> tuple[SentMessage, int]:
    await add_subscribers(bot.services.db, [5201])
    coordinator = bot.api.user(ADMIN_ID)
    await bot.ask(coordinator, "/broadcast")
    audience = await bot.ask(coordinator, "下周的普法讲座通知")
    when = await bot.tap(coordinator, audience, "👥 所有订阅者")
    assert "什么时候发" in when.content
    for typed in ("昨天上午9点", "1小时前", "2026-03-01 09:00"):
        answer = await bot.ask(coordinator, typed)
        assert bot.ui.broadcasts.when_past in answer.content, typed
        assert bot.ui.broadcasts.when_unrecognised not in answer.content
    bot.api.send_text(coordinator, "明天上午9点")
    _preview, confirm = await bot.replies(ADMIN_ID, 2)
    await bot.tap(coordinator, confirm, "✅ 确认发送")
    async with bot.services.db.session() as session:
        [row] = await repo.upcoming(session=session, origins=["coordinator"], limit=5)
    assert row.id is not None
    return await bot.ask(coordinator, "/scheduled"), row.id


async def test_the_example_after_a_refused_time_is_taken_as_typed(
    bot_with_admins: Harness,
) -> None:
    """The examples are drawn from the clock: the one the bot offers after refusing a past
    time is ahead of it, whatever the day, and is accepted."""
    bot = bot_with_admins
    await add_subscribers(bot.services.db, [5202])
    coordinator = bot.api.user(ADMIN_ID)
    await bot.ask(coordinator, "/broadcast")
    audience = await bot.ask(coordinator, "周末的普法讲座通知")
    example = examples(bot.services.local_now())
    when = await bot.tap(coordinator, audience, "👥 所有订阅者")
    assert f"{example['day']} 9:00" in when.content and f"{example['iso']} 09:00" in when.content
    refused = await bot.ask(coordinator, "昨天上午9点")
    assert f"{example['day']} 9:00" in refused.content
    bot.api.send_text(coordinator, f"{example['day']} 9:00")
    preview, confirm = await bot.replies(ADMIN_ID, 2)
    assert "周末的普法讲座通知" in preview.content and confirm.button_labels()


async def test_scheduled_buttons_say_what_they_do_and_past_times_are_named(
    bot_with_admins: Harness,
) -> None:
    listing, row_id = await _scheduled_listing(bot_with_admins)
    labels = listing.button_labels()
    for word in ("查看", "改时间", "改内容", "取消"):
        assert any(word in label and f"#{row_id}" in label for label in labels), labels


async def test_campaign_buttons_say_what_they_do(bot_with_admins: Harness) -> None:
    bot = bot_with_admins
    coordinator = bot.api.user(ADMIN_ID)
    overview = await bot.ask(coordinator, "/campaigns")
    label = next(b for b in overview.button_labels() if b.startswith("国家网络安全宣传周"))
    detail = await bot.tap(coordinator, overview, label)
    labels = " ".join(detail.button_labels())
    assert "查看①" in labels and "静音①" in labels and "改时间①" in labels


async def test_a_future_activity_date_is_called_future(bot_with_admins: Harness) -> None:
    bot = bot_with_admins
    volunteer = bot.api.user(5301, "志愿者")
    await register(bot, volunteer, await invite(bot, "城关镇"))
    bot.api.send_command(volunteer, "/report")
    [types] = await bot.api.wait_for_messages(volunteer.id)
    [date] = await press(bot, volunteer, types, "宪法宣传")
    assert "日期" in date.content
    today = bot.clock().astimezone(bot.services.tz).date()
    texts = bot.ui.volunteers.errors
    later = today + timedelta(days=2)
    for typed in ("明天", f"{later.month}月{later.day}日"):
        [answer] = await say(bot, volunteer, typed)
        assert texts.date_future in answer.content, typed
        assert "天内" not in answer.content
