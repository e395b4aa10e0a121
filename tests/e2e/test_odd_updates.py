"""The less common updates real users and groups produce: a desk's staff group that becomes a
supergroup or removes the bot."""

import logging

import pytest

from domain.answers import plain_text
from tests.e2e.conftest import ADMIN_ID, Harness
from tests.e2e.ticket_steps import (
    DESK_GROUP,
    HERE,
    STAFF,
    group,
    leave_message,
)

SUPERGROUP = -1_002_000_009  # what DESK_GROUP becomes


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


# --- a desk's staff group becomes a supergroup, or removes the bot --------------------------


async def test_a_desk_group_that_becomes_a_supergroup_is_told_what_to_change(
    desks_bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """Telegram gives the group a new id; desks.yaml still names the old one, so residents'
    messages to the desk would go nowhere. The new supergroup and the coordinators are told,
    once (both service messages arrive), which desk's staff_chat_id to change to what, and
    so is the log; a message left before the change says it again in the log."""
    bot, texts = desks_bot, desks_bot.ui.tickets
    group(bot)
    coordinator = bot.api.user(ADMIN_ID, "协调员")
    bot.api.migrate_group(bot.api.user(STAFF), DESK_GROUP, SUPERGROUP)
    [notice] = await bot.api.wait_for_messages(SUPERGROUP)
    [told] = await bot.api.wait_for_messages(coordinator.id)
    await bot.settle()
    expected = texts.desk_group_migrated.format(desks=HERE, old=DESK_GROUP, new=SUPERGROUP)
    assert notice.content == told.content == plain_text(expected)
    assert len(bot.sent_to(SUPERGROUP)) == 1 and len(bot.sent_to(coordinator.id)) == 1
    logged = [m for m in warnings(caplog) if "test-office" in m and str(SUPERGROUP) in m]
    assert len(logged) == 1 and "staff_chat_id" in logged[0], warnings(caplog)

    caplog.clear()
    await leave_message(bot, bot.api.user(7_300_100), "老板拖欠我三个月工资")
    await bot.settle()
    [failed] = [m for m in warnings(caplog) if str(SUPERGROUP) in m]
    assert "test-office" in failed and "staff_chat_id" in failed
    assert "拖欠" not in "\n".join(warnings(caplog))


async def test_a_group_that_is_no_desks_becomes_a_supergroup_quietly(desks_bot: Harness) -> None:
    bot = desks_bot
    bot.api.group(-4_100_001, "居民群")
    coordinator = bot.api.user(ADMIN_ID, "协调员")
    bot.api.migrate_group(bot.api.user(7_300_101), -4_100_001, -1_004_100_001)
    await bot.settle()
    assert bot.sent_to(-1_004_100_001) == [] and bot.sent_to(coordinator.id) == []


@pytest.mark.parametrize("status", ["left", "kicked"])
async def test_a_desk_group_that_removes_the_bot_is_reported_to_the_coordinators(
    desks_bot: Harness, caplog: pytest.LogCaptureFixture, status: str
) -> None:
    bot, texts = desks_bot, desks_bot.ui.tickets
    group(bot)
    coordinator = bot.api.user(ADMIN_ID, "协调员")
    bot.api.my_chat_member(bot.api.user(STAFF), status, chat=DESK_GROUP)
    [told] = await bot.api.wait_for_messages(coordinator.id)
    assert told.content == plain_text(texts.desk_group_left.format(desks=HERE, chat=DESK_GROUP))
    assert [m for m in warnings(caplog) if "test-office" in m and str(DESK_GROUP) in m]
    # made an admin again later, or added to another group: nothing to tell
    bot.api.my_chat_member(bot.api.user(STAFF), "administrator", old_status=status, chat=-77)
    await bot.settle()
    assert len(bot.sent_to(coordinator.id)) == 1
