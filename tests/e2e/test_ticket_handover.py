"""留言 passed between staff and desks: 接单 tells the desk's other copies who took it, and 转办
gives the new desk the whole exchange while the old desk's copies say where the ticket went."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from content.loader import Library
from content.search import SearchIndex
from local_api import SentMessage
from tests.e2e.conftest import ADMIN_ID, Harness
from tests.e2e.ticket_steps import (
    DESK_GROUP,
    STAFF,
    STAFF_OTHER_DESK,
    after,
    desk_message,
    desks_library,
    desks_running,
    group,
    leave_message,
)
from tests.waiting import eventually

COLLEAGUE = 7_300_004  # the first desk's second staff member


@pytest.fixture
async def two_staff_bot(
    tmp_path: Path, library: Library, index: SearchIndex
) -> AsyncIterator[Harness]:
    """The test desks, the first with two staff members in its group."""
    desks = desks_library(library)
    first, other = desks.desks
    two = first.model_copy(update={"staff": [STAFF, COLLEAGUE]})
    async with desks_running(tmp_path, library, index, [two, other]) as bot:
        yield bot


def latest(bot: Harness, message: SentMessage) -> SentMessage:
    """The message as it stands now (after any edits)."""
    return [m for m in bot.api.messages_to(message.chat_id) if m.message_id == message.message_id][
        -1
    ]


async def last_to(bot: Harness, chat_id: int) -> SentMessage:
    return bot.sent_to(chat_id)[-1]


async def test_take_then_transfer_carries_the_history(two_staff_bot: Harness) -> None:
    bot, texts, api = two_staff_bot, two_staff_bot.ui.tickets, two_staff_bot.api
    resident = api.user(7_330_001)
    colleague, staff = api.user(COLLEAGUE, "小李"), api.user(STAFF, "老王")
    other = api.user(STAFF_OTHER_DESK)
    desk_chat = group(bot)
    mark = after(bot)
    await leave_message(bot, resident, "我在东山镇打工，工地不发工资")
    ticket = await desk_message(bot, mark)

    # 接单: the copy says who took it, and 接单 is gone.
    await bot.tap(colleague, ticket, texts.take_button)

    async def taken_shown() -> bool:
        return latest(bot, ticket).button_labels()[0] == texts.taken_by_button.format(name="小李")

    await eventually(taken_shown)
    assert texts.take_button not in latest(bot, ticket).button_labels()
    again = await bot.press(staff, ticket, latest(bot, ticket).buttons()[0][0]["callback_data"])
    assert again["text"] == texts.taken_already

    # A follow-up and an answer, then 老王 moves it.
    await bot.tap(resident, await last_to(bot, resident.id), texts.more_button)
    mark = after(bot)
    api.send_text(resident, "工头也跑了，老板在东山镇")
    follow = await desk_message(bot, mark)
    await api.wait_for_messages(resident.id, after=mark)  # 已把补充内容送到
    mark = after(bot)
    api.send_text(colleague, "请先找工头要欠条。", chat=desk_chat, reply_to=ticket.message_id)
    await api.wait_for_messages(resident.id, after=mark)
    await api.wait_for_messages(DESK_GROUP, after=mark)  # 已把答复发给居民
    pick = await bot.tap(staff, follow, texts.transfer_button)
    mark = after(bot)
    api.press_button(staff, pick, "测试东山司法所")
    [moved] = await api.wait_for_messages(other.id, after=mark)
    assert moved.content.startswith("📨 新留言 #1\n↪️ 由 测试镇司法所 转来")
    for said in ("我在东山镇打工", "测试镇司法所 答复", "请先找工头要欠条", "工头也跑了"):
        assert said in moved.content, said
    assert moved.content.index("工头也跑了") < moved.content.index("欠条")
    assert texts.take_button in moved.button_labels()
    # 小李, who had taken it, is told in private; the group's copies say where it went.
    [told] = await api.wait_for_messages(COLLEAGUE, after=mark)
    assert told.source_text == texts.moved_taker.format(id=1, desk="测试东山司法所")
    gone = texts.moved_copy.format(id=1, desk="测试东山司法所")

    async def copies_moved() -> bool:
        return all(
            (latest(bot, m).source_text, latest(bot, m).buttons()) == (gone, [])
            for m in (ticket, follow)
        )

    await eventually(copies_moved)
    # A press on an old copy (or a reply to it) says where the ticket is now.
    reply = ticket.find_button(texts.reply_button)["callback_data"]
    pressed = await bot.press(staff, ticket, reply)
    assert pressed["text"] == texts.moved_away.format(desk="测试东山司法所")
    mark = after(bot)
    api.send_text(staff, "我们来答复", chat=desk_chat, reply_to=follow.message_id)
    [refused] = await api.wait_for_messages(DESK_GROUP, after=mark)
    assert refused.content == texts.moved_away.format(desk="测试东山司法所")


async def test_who_moves_what_they_took_is_not_told_again(two_staff_bot: Harness) -> None:
    bot, texts, api = two_staff_bot, two_staff_bot.ui.tickets, two_staff_bot.api
    staff = api.user(STAFF)
    group(bot)
    mark = after(bot)
    await leave_message(bot, api.user(7_330_002), "工地不发工资，老板在东山镇")
    ticket = await desk_message(bot, mark)
    await bot.tap(staff, ticket, texts.take_button)
    await bot.settle()  # (the copy's buttons are edited after the note)
    pick = await bot.tap(staff, ticket, texts.transfer_button)
    mark = after(bot)
    api.press_button(staff, pick, "测试东山司法所")
    await api.wait_for_messages(STAFF_OTHER_DESK, after=mark)
    await bot.settle()
    assert [m for m in api.messages_to(STAFF) if m.index >= mark] == []


async def test_the_export_credits_each_desk_with_what_it_did(two_staff_bot: Harness) -> None:
    """Answered on time by the first desk, then moved, ended and rated at the second: the first
    keeps its message and its answer, the second has the rating."""
    bot, texts, api = two_staff_bot, two_staff_bot.ui.tickets, two_staff_bot.api
    resident, staff, other = api.user(7_330_003), api.user(STAFF), api.user(STAFF_OTHER_DESK)
    mark = after(bot)
    await leave_message(bot, resident, "工地不发工资，老板在东山镇")
    ticket = await desk_message(bot, mark)
    mark = after(bot)
    api.send_text(staff, "先收集考勤记录。", chat=group(bot), reply_to=ticket.message_id)
    await api.wait_for_messages(DESK_GROUP, after=mark)  # 已把答复发给居民
    pick = await bot.tap(staff, ticket, texts.transfer_button)
    mark = after(bot)
    api.press_button(staff, pick, "测试东山司法所")
    [moved] = await api.wait_for_messages(other.id, after=mark)
    await bot.settle()  # (the resident is told last)
    mark = after(bot)
    api.press_button(other, moved, texts.close_button)
    [ended] = await api.wait_for_messages(resident.id, after=mark)
    await bot.tap(resident, ended, texts.rate_2)
    sent = await bot.ask(api.user(ADMIN_ID), "/export 留言 2026-03 csv")
    assert sent.file is not None
    rows = sent.file.decode("utf-8-sig").splitlines()[1:]
    assert sorted(rows) == [
        "测试东山司法所,2026-03,0,0,0,1,0,2,0,0,0,0,0",
        "测试镇司法所,2026-03,1,1,1,0,0,,0,0,0,0,0",
    ]


async def test_moved_back_the_old_copies_stay_without_buttons(two_staff_bot: Harness) -> None:
    """To the other desk and back: taking it again edits only the new copy."""
    bot, texts, api = two_staff_bot, two_staff_bot.ui.tickets, two_staff_bot.api
    staff, other = api.user(STAFF), api.user(STAFF_OTHER_DESK)
    group(bot)
    mark = after(bot)
    await leave_message(bot, api.user(7_330_004), "工地不发工资，老板在东山镇")
    first = await desk_message(bot, mark)
    pick = await bot.tap(staff, first, texts.transfer_button)
    mark = after(bot)
    api.press_button(staff, pick, "测试东山司法所")
    [moved] = await api.wait_for_messages(other.id, after=mark)
    await bot.settle()  # the group is told after the desk got it
    pick = await bot.tap(other, moved, texts.transfer_button)
    mark = after(bot)
    api.press_button(other, pick, "测试镇司法所")
    [back] = await api.wait_for_messages(DESK_GROUP, after=mark)
    assert "由 测试东山司法所 转来" in back.content
    await bot.settle()
    await bot.tap(staff, back, texts.take_button)
    await bot.settle()
    assert latest(bot, back).button_labels()[0] == texts.taken_by_button.format(name="测试用户")
    assert latest(bot, first).buttons() == []


async def test_a_reopened_ticket_is_open_to_anyone_again(two_staff_bot: Harness) -> None:
    bot, texts, api = two_staff_bot, two_staff_bot.ui.tickets, two_staff_bot.api
    resident, staff = api.user(7_330_005), api.user(STAFF)
    desk_chat = group(bot)
    mark = after(bot)
    await leave_message(bot, resident, "工地不发工资怎么办")
    ticket = await desk_message(bot, mark)
    await bot.tap(staff, ticket, texts.take_button)
    mark = after(bot)
    api.send_text(staff, "先收集考勤记录。", chat=desk_chat, reply_to=ticket.message_id)
    [answer] = await api.wait_for_messages(resident.id, after=mark)
    await bot.settle()
    assert latest(bot, ticket).button_labels()[0] != texts.take_button
    api.send_text(resident, "考勤记录在老板手里", reply_to=answer.message_id)
    await bot.settle()
    assert latest(bot, ticket).button_labels()[0] == texts.take_button


async def test_the_new_desks_staff_answer_by_replying_in_their_private_chat(
    two_staff_bot: Harness,
) -> None:
    """A desk of staff members (no group) gets its copies in private chats; a Telegram reply
    to the moved copy there is the desk's answer to the resident, not a question."""
    bot, texts, api = two_staff_bot, two_staff_bot.ui.tickets, two_staff_bot.api
    staff, other = api.user(STAFF), api.user(STAFF_OTHER_DESK, "小赵")
    resident = api.user(7_330_003)
    group(bot)
    mark = after(bot)
    await leave_message(bot, resident, "工地不发工资，老板在东山镇")
    ticket = await desk_message(bot, mark)
    pick = await bot.tap(staff, ticket, texts.transfer_button)
    mark = after(bot)
    api.press_button(staff, pick, "测试东山司法所")
    [moved] = await api.wait_for_messages(other.id, after=mark)
    await bot.settle()
    mark = after(bot)
    api.send_text(other, "请带上工资条来所里。", reply_to=moved.message_id)
    answers = await api.wait_for_messages(resident.id, after=mark)
    assert any("请带上工资条来所里" in m.content for m in answers)
    assert any("测试东山司法所" in m.content for m in answers)
