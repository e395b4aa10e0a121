"""The date-sensitive flows at the instants that have bitten or could bite: the eve and the day
of every entry of the campaign calendar, 23:59 on the last day of a month and of a year, and
29 February. Each runs the whole bot on a clock set to that instant: a broadcast typed as
"明天上午9点" fires at its time, once, to its audience; a report dated 今天 counts in this
month's /myreports and /stats; /campaigns lists only reminders still to come."""

from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from content.loader import Library, load_library
from content.search import SearchIndex
from storage import broadcasts as repo
from storage.models import Broadcast, BroadcastStatus
from tests.broadcasting import add_subscribers
from tests.clock import TZ, ControlledClock, local
from tests.e2e.conftest import ADMIN_ID, Harness, bot_factory, running_bot
from tests.e2e.volunteer_steps import invite, press, register, report_to_card
from tests.waiting import eventually

YEAR = 2026
BROADCAST_TEXT = "周六上午村委会有律师免费咨询"


def _calendar_instants() -> list[datetime]:
    """20:30 on the eve and the reminder time on the first day of each campaign in YEAR."""
    instants = []
    for campaign in load_library().campaigns:
        first, _last = campaign.period(YEAR)
        eve = first - timedelta(days=1)
        instants.append(local(eve.year, eve.month, eve.day, 20, 30))
        at = campaign.send_time
        instants.append(local(first.year, first.month, first.day, at.hour, at.minute))
    return instants


INSTANTS = [
    *_calendar_instants(),
    local(2026, 4, 30, 23, 59),  # the last minute of a 30-day month
    local(2027, 2, 28, 23, 59),  # the last minute of February in a common year
    local(2026, 12, 31, 23, 59),  # the last minute of the year
    local(2028, 2, 29, 9, 0),  # leap day
    local(2028, 2, 29, 23, 59),
]


def _label(instant: datetime) -> str:
    return instant.astimezone(TZ).strftime("%Y-%m-%d_%H%M")


@pytest.mark.parametrize("instant", INSTANTS, ids=_label)
async def test_date_sensitive_flows_work_at(
    instant: datetime, tmp_path: Path, library: Library, index: SearchIndex
) -> None:
    clock = ControlledClock(instant, flowing=False)  # a slow machine must not cross midnight
    async with running_bot(
        tmp_path,
        bot_factory(library, index, clock),
        admin_ids=frozenset({ADMIN_ID}),
        user_rate_per_minute=10_000,
        broadcast_progress_seconds=0.2,
    ) as bot:
        today = clock().astimezone(TZ).date()
        await _reminders_due_at_start_are_over(bot)
        await _broadcast_for_tomorrow_fires_once(bot, today)
        await _report_of_today_counts_this_month(bot)
        await _campaigns_lists_only_what_is_to_come(bot, clock)


async def _reminders_due_at_start_are_over(bot: Harness) -> None:
    """At a reminder's own minute the bot starts by sending it (its summary goes to the
    coordinators): wait for that, so it is not taken for a reply to what the test does."""

    async def over() -> bool:
        async with bot.services.db.session() as session:
            sending = await repo.with_status(session=session, status=BroadcastStatus.SENDING)
            return not sending and not await repo.unreported(session=session)

    await eventually(over)


async def _broadcast_for_tomorrow_fires_once(bot: Harness, today: date) -> None:
    await add_subscribers(bot.services.db, [501, 502], category="labor")
    coordinator = bot.api.user(ADMIN_ID, "协调员")
    await bot.ask(coordinator, "/broadcast")
    audience = await bot.ask(coordinator, BROADCAST_TEXT)
    topics = await bot.tap(coordinator, audience, "📚 按主题")
    await bot.tap(coordinator, topics, "劳动与工资")
    bot.api.send_text(coordinator, "明天上午9点")
    _preview, confirm = await bot.replies(ADMIN_ID, 2)
    done = await bot.tap(coordinator, confirm, "✅ 确认发送")
    assert "已确认" in done.content
    [row] = await _rows(bot, ["coordinator"])
    tomorrow_nine = datetime.combine(today + timedelta(days=1), time(9, 0), TZ)
    assert row.send_at == tomorrow_nine

    broadcasting = bot.services.broadcasting
    assert row.id not in (await broadcasting.tick(row.send_at - timedelta(seconds=1))).started
    due = row.send_at + timedelta(minutes=1)
    started = (await broadcasting.tick(due)).started
    assert row.id in started
    # Whatever else starts then is a calendar reminder that is really due at that minute.
    others = [r for r in await _rows(bot, ["campaign", "monthly"]) if r.id in started]
    assert len(others) == len(started) - 1 and all(r.send_at <= due for r in others)
    assert row.id not in (await broadcasting.tick(due + timedelta(minutes=1))).started
    for chat in (501, 502):
        await bot.api.wait_for_messages(chat)
    await bot.api.wait_for_call(  # the summary comes last: later replies are not mistaken for it
        "sendMessage",
        predicate=lambda c: f"通知 #{row.id} 发送完毕" in str(c.params.get("text")),
    )
    await bot.settle()
    for chat in (501, 502):
        assert [m.content for m in bot.sent_to(chat)].count(BROADCAST_TEXT) == 1


async def _report_of_today_counts_this_month(bot: Harness) -> None:
    code = await invite(bot, "城关镇")
    volunteer = bot.api.user(801, "王志愿")
    await register(bot, volunteer, code, name="王志愿")
    card = await report_to_card(bot, volunteer)
    _removed, done = await press(bot, volunteer, card, "提交", 2)
    assert "提交成功" in (done.text or "")
    mine = await bot.ask(volunteer, "/myreports")
    assert "本月：1 次活动" in mine.content and "今年：1 次活动" in mine.content, mine.content
    bot.api.send_command(bot.api.user(ADMIN_ID), "/stats 本月")
    text, _chart = await bot.api.wait_for_messages(ADMIN_ID, 2)
    assert "活动 <b>1</b> 次" in (text.source_text or ""), text.source_text


async def _campaigns_lists_only_what_is_to_come(bot: Harness, clock: ControlledClock) -> None:
    reminders = await _rows(bot, ["campaign"], [BroadcastStatus.SCHEDULED])
    assert reminders and all(r.send_at > clock() - timedelta(minutes=1) for r in reminders)
    overview = await bot.ask(bot.api.user(ADMIN_ID), "/campaigns")
    assert overview.button_labels(), overview.content


async def _rows(
    bot: Harness, origins: list[str], statuses: list[BroadcastStatus] | None = None
) -> list[Broadcast]:
    async with bot.services.db.session() as session:
        return await repo.upcoming(
            session=session,
            origins=origins,
            statuses=[s.value for s in statuses or list(BroadcastStatus)],
            limit=1000,
        )
