"""The phone number a resident leaves is for the desk named when they agreed: a ticket moved by
转办 reaches the new desk without it (the resident is told), 已电话联系 is offered only to a
desk with a number to call, and a 补充 on the ended ticket goes out as a new message to the
new desk still without it."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from content.loader import Library
from content.search import SearchIndex
from domain.answers import plain_text
from handlers.kit.callbacks import Kind, make
from storage.models import CloseReason
from storage.tickets import get_ticket
from tests.e2e.conftest import Harness
from tests.e2e.ticket_steps import (
    DESK_GROUP,
    STAFF,
    STAFF_OTHER_DESK,
    after,
    desk_message,
    desks_running,
    group,
    leave_message,
)

PHONE = "13811112222"
HERE, THERE = "测试镇司法所", "测试东山司法所"


@pytest.fixture
async def desks_bot(
    tmp_path: Path, library: Library, index: SearchIndex
) -> AsyncIterator[Harness]:
    async with desks_running(tmp_path, library, index) as bot:
        yield bot


async def test_a_moved_ticket_reaches_the_new_desk_without_the_phone_number(
    desks_bot: Harness,
) -> None:
    bot, api, texts = desks_bot, desks_bot.api, desks_bot.ui.tickets
    resident, staff, other = api.user(7_380_001), api.user(STAFF), api.user(STAFF_OTHER_DESK)
    group(bot)
    mark = after(bot)
    await leave_message(bot, resident, "老板拖欠我三个月工资", phone=PHONE)
    ticket = await desk_message(bot, mark)
    assert f"电话：{PHONE}" in ticket.content  # the desk it was given to

    pick = await bot.tap(staff, ticket, texts.transfer_button)
    mark = after(bot)
    api.press_button(staff, pick, THERE)
    [card] = await api.wait_for_messages(STAFF_OTHER_DESK, after=mark)
    assert PHONE not in card.content
    assert f"电话：{texts.desk_contact_withheld.format(desk=HERE)}" in card.content
    [heard] = await api.wait_for_messages(resident.id, after=mark)
    assert heard.content == plain_text(
        f"{texts.transferred_resident.format(id=1, desk=THERE)}\n"
        f"{texts.transferred_contact_kept.format(desk=HERE)}"
    )
    # /tickets' 查看 shows it again: still without the number
    mark = after(bot)
    api.press(other, card, make(Kind.DESK, "show", 1))
    [shown] = await api.wait_for_messages(STAFF_OTHER_DESK, after=mark)
    assert "老板拖欠" in shown.content and PHONE not in shown.content

    # nobody there could have phoned: no 已电话联系, and a forged press is refused
    question = await bot.tap(other, card, texts.close_button)
    assert texts.close_phoned_button not in question.button_labels()
    forged = await bot.press(other, question, make(Kind.DESK, "close", 1, CloseReason.PHONED))
    assert forged["text"] == texts.close_phoned_no_phone
    async with bot.services.db.session() as session:
        stored = await get_ticket(session=session, ticket_id=1)
    assert stored is not None and not stored.closed

    # moved back to the desk it was given to: the number is there again
    pick = await bot.tap(other, card, texts.transfer_button)
    mark = after(bot)
    api.press_button(other, pick, HERE)
    back = await desk_message(bot, mark)
    assert f"电话：{PHONE}" in back.content
    [heard] = await api.wait_for_messages(resident.id, after=mark)
    assert heard.content == plain_text(texts.transferred_resident.format(id=1, desk=HERE))


async def test_a_follow_up_after_the_move_goes_out_new_without_the_number(
    desks_bot: Harness,
) -> None:
    """➕补充 on the ended ticket leads to a new message (not a dead end), to the desk that
    had it, which never got the number."""
    bot, api, texts = desks_bot, desks_bot.api, desks_bot.ui.tickets
    resident, staff, other = api.user(7_380_002), api.user(STAFF), api.user(STAFF_OTHER_DESK)
    group(bot)
    mark = after(bot)
    await leave_message(bot, resident, "老板拖欠我三个月工资", phone=PHONE)
    ticket = await desk_message(bot, mark)
    pick = await bot.tap(staff, ticket, texts.transfer_button)
    mark = after(bot)
    api.press_button(staff, pick, THERE)
    [card] = await api.wait_for_messages(STAFF_OTHER_DESK, after=mark)
    [_moved] = await api.wait_for_messages(resident.id, after=mark)
    await bot.tap(other, card, texts.reply_button)
    mark = after(bot)
    api.send_text(other, "请带上劳动合同来司法所。")
    [answer] = await api.wait_for_messages(resident.id, after=mark)
    mark = after(bot)
    api.press_button(other, card, texts.close_button)
    [_rating] = await api.wait_for_messages(resident.id, after=mark)

    prompt = await bot.tap(resident, answer, texts.more_button)
    assert prompt.content == plain_text(texts.more_prompt_closed.format(id=1))
    mark = after(bot)
    api.send_text(resident, "合同找不到了，还能维权吗")
    [offer] = await api.wait_for_messages(resident.id, after=mark)
    assert offer.content.startswith(texts.more_closed.format(id=1))
    assert f"送到：{THERE}" in offer.content and PHONE not in offer.content
    mark = after(bot)
    sent = await bot.tap(resident, offer, texts.send_as_new_button)
    assert sent.content.startswith(f"✅ 留言已送到 {THERE}（编号 #2）")
    [new_card] = await api.wait_for_messages(STAFF_OTHER_DESK, after=mark)
    assert "合同找不到了" in new_card.content and PHONE not in new_card.content
    async with bot.services.db.session() as session:
        second = await get_ticket(session=session, ticket_id=2)
    assert second is not None and second.contact == "" and second.desk_id == "other-office"
    assert not [m for m in api.messages_to(DESK_GROUP) if "合同找不到了" in m.content]
