"""A message to a desk whose staff group Telegram refuses (the group removed the bot, became a
supergroup, is gone): the ticket is kept, the coordinators are told without the message and
may move it to another desk, the resident hears exactly that (and 12348), and once the group
is back the resident's next follow-up brings the desk the whole ticket, which it answers."""

from pathlib import Path

import pytest

from content.loader import Library
from content.search import SearchIndex
from domain.answers import plain_text
from local_api import SentMessage
from tests.e2e.conftest import ADMIN_ID, Harness
from tests.e2e.ticket_steps import (
    DESK_GROUP,
    HERE,
    OTHER_TOWN,
    PHONE,
    STAFF,
    STAFF_OTHER_DESK,
    THERE,
    TOWN,
    after,
    desk_message,
    desks_running,
    group,
    leave_message,
    reachable_desk,
)

SUPERGROUP = -1_002_000_019  # what DESK_GROUP becomes when it migrates
QUESTION = "老板拖欠我三个月工资"


def undelivered(bot: Harness, *, told: bool = True) -> str:
    texts = bot.ui.tickets
    said = texts.sent_undelivered if told else texts.sent_undelivered_untold
    return plain_text(f"{said.format(desk=HERE, id=1)}\n{texts.sent_footer}")


def coordinators_note(bot: Harness) -> str:
    labor = bot.services.library.category_name("labor")
    note = bot.ui.tickets.desk_unreachable.format(id=1, desk=HERE, category=labor, town=TOWN)
    return plain_text(note)


def summary_of(bot: Harness, resident_id: int) -> SentMessage:
    """The resident's summary as first sent, with its 发送 button."""
    send = bot.ui.tickets.send_button
    return next(
        m
        for m in bot.api.messages_to(resident_id)
        if m.action == "send" and send in m.button_labels()
    )


async def test_a_message_the_desk_cannot_get_is_kept_passed_on_and_said_so(
    desks_bot: Harness,
) -> None:
    bot, api, texts = desks_bot, desks_bot.api, desks_bot.ui.tickets
    group(bot)
    coordinator, resident, staff = (
        api.user(ADMIN_ID, "协调员"),
        api.user(7_370_001),
        api.user(STAFF),
    )
    api.block(DESK_GROUP)  # the staff group removed the bot
    mark = after(bot)
    sent = await leave_message(bot, resident, QUESTION)
    assert sent.content == undelivered(bot) and "12348" in sent.content
    assert "已送到" not in sent.content
    [told] = await api.wait_for_messages(ADMIN_ID, after=mark)
    assert told.content == coordinators_note(bot) and QUESTION not in told.content
    assert told.button_labels() == [texts.transfer_gone_button]

    # 发送 pressed again: nothing is sent twice
    summary = summary_of(bot, resident.id)
    again = await bot.press(
        resident, summary, summary.find_button(texts.send_button)["callback_data"]
    )
    assert again["text"] == texts.already_sent
    await bot.settle()
    assert len(bot.sent_to(ADMIN_ID)) == 1 and bot.sent_to(resident.id)[-1] == sent

    # A follow-up meanwhile is kept, and said to be
    mark = after(bot)
    api.send_text(resident, "工资条我都留着", reply_to=sent.message_id)
    [kept] = await api.wait_for_messages(resident.id, after=mark)
    assert kept.content == plain_text(texts.more_undelivered.format(desk=HERE, id=1))

    # The bot is added back: the next follow-up brings the desk the whole ticket...
    api.unblock(DESK_GROUP)
    mark = after(bot)
    api.send_text(resident, "公司说下个月再补", reply_to=sent.message_id)
    [card] = await api.wait_for_messages(DESK_GROUP, after=mark)
    [added] = await api.wait_for_messages(resident.id, after=mark)
    assert added.content == plain_text(texts.more_sent.format(desk=HERE, id=1))
    assert all(said in card.content for said in (QUESTION, "工资条我都留着", "公司说下个月再补"))
    assert card.button_labels()[:2] == [texts.take_button, texts.reply_button]
    # ... and the one after that only itself
    mark = after(bot)
    api.send_text(resident, "加班费也没给", reply_to=sent.message_id)
    [follow_up] = await api.wait_for_messages(DESK_GROUP, after=mark)
    await api.wait_for_messages(resident.id, after=mark)
    assert follow_up.content == plain_text(texts.desk_follow_up.format(id=1, text="加班费也没给"))
    # The desk answers it as any other.
    mark = after(bot)
    api.send_text(staff, "请带上劳动合同来所里。", chat=DESK_GROUP, reply_to=card.message_id)
    [answer] = await api.wait_for_messages(resident.id, after=mark)
    assert "请带上劳动合同来所里" in answer.content
    # The coordinators' button now says the desk has it; nothing moves.
    pressed = await bot.press(
        coordinator, told, told.find_button(texts.transfer_gone_button)["callback_data"]
    )
    assert pressed["text"] == texts.desk_has_it.format(desk=HERE)


@pytest.mark.parametrize("unreachable", ["removed", "deleted", "migrated"])
async def test_a_coordinator_moves_a_message_its_desk_could_not_get(
    desks_bot: Harness, unreachable: str
) -> None:
    bot, api, texts = desks_bot, desks_bot.api, desks_bot.ui.tickets
    group(bot)
    coordinator, resident = api.user(ADMIN_ID, "协调员"), api.user(7_370_002)
    if unreachable == "removed":
        api.block(DESK_GROUP)
    elif unreachable == "deleted":
        api.delete_chat(DESK_GROUP)
    else:  # the coordinators are told of the migration itself first
        api.migrate_group(api.user(STAFF), DESK_GROUP, SUPERGROUP)
        await api.wait_for_messages(ADMIN_ID)
        await bot.settle()
    mark = after(bot)
    sent = await leave_message(bot, resident, "公司不给交社保", phone=PHONE)
    assert sent.content == undelivered(bot)
    [told] = await api.wait_for_messages(ADMIN_ID, after=mark)
    data = told.find_button(texts.transfer_gone_button)["callback_data"]
    # Only a coordinator (or the desk's own staff) moves it, checked at each press
    for outsider in (api.user(STAFF_OTHER_DESK), resident):
        refused = await bot.press(outsider, told, data)
        assert refused["text"] == bot.ui.not_allowed
    pick = await bot.tap(coordinator, told, texts.transfer_gone_button)
    assert pick.content == texts.transfer_pick.format(id=1)
    mark = after(bot)
    api.press_button(coordinator, pick, THERE)
    [card] = await api.wait_for_messages(STAFF_OTHER_DESK, after=mark)
    assert "公司不给交社保" in card.content and PHONE not in card.content  # not agreed for it
    [heard] = await api.wait_for_messages(resident.id, after=mark)
    moved = texts.transferred_resident.format(id=1, desk=THERE)
    assert heard.content.startswith(plain_text(moved))


async def test_with_no_coordinator_to_tell_the_resident_hears_what_is_true(
    desks_bot: Harness,
) -> None:
    bot, api = desks_bot, desks_bot.api
    group(bot)
    api.block(DESK_GROUP)
    api.block(ADMIN_ID)  # the only coordinator blocked the bot
    sent = await leave_message(bot, api.user(7_370_003), QUESTION)
    assert sent.content == undelivered(bot, told=False) and "12348" in sent.content


THERE_GROUP = -1_002_000_029  # 测试东山司法所's staff group, in test_a_move_the_desk_cannot_get


@pytest.mark.parametrize("unreachable", ["removed", "deleted"])
async def test_a_move_the_desk_cannot_get_is_kept_passed_on_and_said_so(
    tmp_path: Path, library: Library, index: SearchIndex, unreachable: str
) -> None:
    """转办 to a desk whose staff group Telegram refuses: the ticket is kept there, the
    coordinators are told as for a new message (and may move it on), the staff member who
    moved it and the resident hear that it did not arrive; a second press sends nothing."""
    every = [c.id for c in library.categories]
    desks = [
        reachable_desk("test-office", HERE, TOWN, every, staff_chat_id=DESK_GROUP,
                       staff=[STAFF], fallback=True),
        reachable_desk("other-office", THERE, OTHER_TOWN, every, staff_chat_id=THERE_GROUP,
                       staff=[STAFF_OTHER_DESK], fallback=True),
    ]  # fmt: skip
    async with desks_running(tmp_path, library, index, desks) as bot:
        api, texts = bot.api, bot.ui.tickets
        group(bot)
        api.group(THERE_GROUP, "测试东山值班群")
        coordinator, resident, staff = api.user(ADMIN_ID), api.user(7_370_004), api.user(STAFF)
        mark = after(bot)
        await leave_message(bot, resident, QUESTION)
        card = await desk_message(bot, mark)
        if unreachable == "removed":
            api.block(THERE_GROUP)
        else:
            api.delete_chat(THERE_GROUP)
        pick = await bot.tap(staff, card, texts.transfer_button)
        to_there = pick.find_button(THERE)["callback_data"]
        mark = after(bot)
        api.press_button(staff, pick, THERE)
        [told] = await api.wait_for_messages(ADMIN_ID, after=mark)
        labor = bot.services.library.category_name("labor")
        note = texts.desk_unreachable.format(id=1, desk=THERE, category=labor, town=TOWN)
        assert told.content == plain_text(note) and QUESTION not in told.content
        assert told.button_labels() == [texts.transfer_gone_button]
        [heard] = await api.wait_for_messages(resident.id, after=mark)
        said = texts.transferred_resident_undelivered.format(id=1, desk=THERE)
        assert heard.content == plain_text(said) and "12348" in heard.content
        await bot.settle()
        sent = api.state.sent[mark:]
        [mover] = [m for m in sent if m.chat_id == DESK_GROUP and m.action == "send"]
        assert mover.content == texts.transferred_desk_undelivered.format(id=1, desk=THERE)
        assert texts.transferred_desk.format(id=1, desk=THERE) != mover.content

        # 转办 pressed again: nothing is sent twice
        mark = after(bot)
        again = await bot.press(staff, pick, to_there)
        assert again["text"]
        await bot.settle()
        chats = (ADMIN_ID, resident.id, DESK_GROUP, THERE_GROUP)
        assert [m for m in api.state.sent[mark:] if m.chat_id in chats] == []

        # A coordinator moves it on to a desk that gets it.
        pick = await bot.tap(coordinator, told, texts.transfer_gone_button)
        mark = after(bot)
        api.press_button(coordinator, pick, HERE)
        [back] = await api.wait_for_messages(DESK_GROUP, after=mark)
        assert QUESTION in back.content
        [heard] = await api.wait_for_messages(resident.id, after=mark)
        assert heard.content == plain_text(texts.transferred_resident.format(id=1, desk=HERE))
