"""结束 a ticket nobody answered: staff are asked why first, the resident is told what fits (no
rating request for a message nobody answered, unless staff phoned), and the reason is kept:
the desk's chats are told it and /export 留言 counts it."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from content.loader import Library
from content.search import SearchIndex
from handlers.kit.callbacks import Kind, make
from local_api import SentMessage
from storage.models import CloseReason
from storage.tickets import close, get_ticket
from tests.clock import TZ
from tests.e2e.conftest import ADMIN_ID, Harness
from tests.e2e.ticket_steps import (
    DESK_GROUP,
    STAFF,
    TOWN,
    after,
    desk_message,
    desks_running,
    group,
    leave_message,
    reachable_desk,
)


def sent_since(bot: Harness, chat_id: int, mark: int) -> list[SentMessage]:
    """New messages (not edits) the bot sent to `chat_id` after the journal's position `mark`."""
    return [m for m in bot.api.state.sent[mark:] if m.chat_id == chat_id and m.action == "send"]


async def test_ending_an_unanswered_ticket_asks_why(desks_bot: Harness) -> None:
    bot, texts, api = desks_bot, desks_bot.ui.tickets, desks_bot.api
    resident, staff = api.user(7_340_001), api.user(STAFF)
    group(bot)
    mark = after(bot)
    await leave_message(bot, resident, "邻居家的狗咬了我")
    ticket = await desk_message(bot, mark)
    question = await bot.tap(staff, ticket, texts.close_button)
    assert question.content == texts.close_confirm.format(id=1)
    # no phone number left: nobody could have phoned
    assert question.button_labels() == [
        texts.close_duplicate_button, texts.close_no_reply_button, texts.close_keep_button,
    ]  # fmt: skip
    mark = after(bot)
    forged = await bot.press(staff, question, make(Kind.DESK, "close", 1, CloseReason.PHONED))
    assert forged["text"] == texts.close_phoned_no_phone
    async with bot.services.db.session() as session:
        stored = await get_ticket(session=session, ticket_id=1)
    assert stored is not None and not stored.closed
    assert sent_since(bot, resident.id, mark) == []
    kept = await bot.press(
        staff, question, question.find_button(texts.close_keep_button)["callback_data"]
    )
    assert kept["text"] == texts.close_kept
    async with bot.services.db.session() as session:
        stored = await get_ticket(session=session, ticket_id=1)
    assert stored is not None and not stored.closed
    assert api.last_message(DESK_GROUP).buttons() == []  # the question is done with

    question = await bot.tap(staff, ticket, texts.close_button)
    mark = after(bot)
    api.press_button(staff, question, texts.close_no_reply_button)
    [told] = await api.wait_for_messages(resident.id, after=mark)
    assert told.content == texts.closed_resident_no_reply.format(id=1)
    assert told.buttons() == []  # nothing was answered: nothing to rate
    async with bot.services.db.session() as session:
        stored = await get_ticket(session=session, ticket_id=1)
    assert stored is not None and stored.closed
    assert stored.close_reason is CloseReason.NO_REPLY
    # The ticket's own message says so (in the desk's name, not the account that pressed),
    # without buttons; nothing else is said in the group.
    await bot.settle()
    ended = api.last_message(DESK_GROUP)
    assert (ended.action, ended.message_id) == ("edit", ticket.message_id)
    assert "邻居家的狗咬了我" in ended.content and ended.buttons() == []
    assert ended.content.endswith("✅ 已由 测试镇司法所 结束：没有书面答复，无需答复。")
    assert "测试用户" not in ended.content
    assert sent_since(bot, DESK_GROUP, mark) == []


async def test_a_ticket_staff_phoned_about_may_be_rated(desks_bot: Harness) -> None:
    bot, texts, api = desks_bot, desks_bot.ui.tickets, desks_bot.api
    resident, staff = api.user(7_340_002), api.user(STAFF)
    group(bot)
    mark = after(bot)
    await leave_message(bot, resident, "邻居家的狗咬了我", phone="13912345678")
    ticket = await desk_message(bot, mark)
    question = await bot.tap(staff, ticket, texts.close_button)
    mark = after(bot)
    api.press_button(staff, question, texts.close_phoned_button)
    [told] = await api.wait_for_messages(resident.id, after=mark)
    assert told.content == texts.closed_resident_phoned.format(id=1)
    assert told.button_labels() == [texts.rate_3, texts.rate_2, texts.rate_1]
    forged = await bot.press(staff, ticket, "1:dk:close:1:whatever")
    # ended: nothing more to do, and why
    assert forged["text"] == "留言 #1 已经结束：没有书面答复，已电话联系。不用再处理了。"


async def test_a_duplicate_is_ended_without_a_rating(desks_bot: Harness) -> None:
    bot, texts, api = desks_bot, desks_bot.ui.tickets, desks_bot.api
    resident, staff = api.user(7_340_003), api.user(STAFF)
    group(bot)
    mark = after(bot)
    await leave_message(bot, resident, "邻居家的狗咬了我")
    ticket = await desk_message(bot, mark)
    question = await bot.tap(staff, ticket, texts.close_button)
    mark = after(bot)
    api.press_button(staff, question, texts.close_duplicate_button)
    [told] = await api.wait_for_messages(resident.id, after=mark)
    assert (told.content, told.buttons()) == (
        texts.closed_resident_duplicate.format(id=1), [],
    )  # fmt: skip


async def test_why_tickets_ended_unanswered_is_exported_by_desk(desks_bot: Harness) -> None:
    """/export 留言 counts the tickets that ended with no answer by why, beside the others; a
    ticket answered before 结束 has no reason."""
    bot, texts, api = desks_bot, desks_bot.ui.tickets, desks_bot.api
    staff = api.user(STAFF)
    group(bot)
    labels = [texts.close_phoned_button, texts.close_duplicate_button, None, None]
    for number, label in enumerate(labels, start=1):
        resident = api.user(7_340_010 + number)
        mark = after(bot)
        phone = "13912345678" if label == texts.close_phoned_button else ""
        await leave_message(bot, resident, "邻居家的狗咬了我", phone=phone)
        ticket = await desk_message(bot, mark)
        if label is None and number == 3:  # answered, then ended
            mark = after(bot)
            api.send_text(staff, "可以协商赔偿。", chat=group(bot), reply_to=ticket.message_id)
            await api.wait_for_messages(resident.id, after=mark)
            mark = after(bot)
            api.press_button(staff, ticket, texts.close_button)
            await api.wait_for_messages(resident.id, after=mark)
        elif label is not None:
            question = await bot.tap(staff, ticket, texts.close_button)
            mark = after(bot)
            api.press_button(staff, question, label)
            await api.wait_for_messages(resident.id, after=mark)
    async with bot.services.db.session() as session:
        stored = [await get_ticket(session=session, ticket_id=i) for i in (1, 2, 3, 4)]
    assert [(t.closed, t.close_reason) if t else None for t in stored] == [
        (True, CloseReason.PHONED), (True, CloseReason.DUPLICATE), (True, None), (False, None),
    ]  # fmt: skip
    month = bot.services.now().astimezone(TZ).strftime("%Y-%m")
    sent = await bot.ask(api.user(ADMIN_ID), f"/export 留言 {month} csv")
    assert sent.file is not None
    header, line = sent.file.decode("utf-8-sig").splitlines()
    assert header.split(",")[-5:] == [
        "未答复就结束：已电话联系（算结束时的值班台）", "未答复就结束：重复留言（同上）",
        "未答复就结束：无需答复（同上）", "未答复就结束：居民删除了留言（同上）",
        "未答复就结束：原因未记录（较早结束的，同上）",
    ]  # fmt: skip
    # opened 4, answered 1 (on time), no rating; ended unanswered: 1 phoned, 1 duplicate
    assert line == f"测试镇司法所,{month},4,1,1,0,0,,1,1,0,0,0"


COLLEAGUE = 7_340_090  # the second of a desk's two staff, each in a private chat


@pytest.fixture
async def private_desk_bot(
    tmp_path: Path, library: Library, index: SearchIndex
) -> AsyncIterator[Harness]:
    """One desk whose two staff members work in private chats."""
    every = [c.id for c in library.categories]
    desk = reachable_desk(
        "private-office", "测试私聊司法所", TOWN, every, staff=[STAFF, COLLEAGUE], fallback=True
    )
    async with desks_running(tmp_path, library, index, [desk]) as bot:
        yield bot


async def test_a_colleague_learns_why_the_ticket_ended(private_desk_bot: Harness) -> None:
    """Each staff member has their own copy: the one who did not press 结束 sees their copy
    say the ticket ended and why, without its buttons."""
    bot, texts, api = private_desk_bot, private_desk_bot.ui.tickets, private_desk_bot.api
    resident, staff, colleague = api.user(7_340_020), api.user(STAFF), api.user(COLLEAGUE)
    mark = after(bot)
    await leave_message(bot, resident, "邻居家的狗咬了我", phone="13912345678")
    [mine] = await api.wait_for_messages(STAFF, after=mark)
    [theirs] = await api.wait_for_messages(COLLEAGUE, after=mark)
    question = await bot.tap(staff, mine, texts.close_button)
    mark = after(bot)
    api.press_button(staff, question, texts.close_phoned_button)
    await api.wait_for_messages(resident.id, after=mark)
    await bot.settle()
    footer = "✅ 已由 测试私聊司法所 结束：没有书面答复，已电话联系。"
    for chat_id, copy in ((STAFF, mine), (COLLEAGUE, theirs)):
        assert sent_since(bot, chat_id, mark) == []  # said once: on the ticket itself
        edits = [m for m in api.messages_to(chat_id) if m.message_id == copy.message_id]
        assert (edits[-1].action, edits[-1].buttons()) == ("edit", [])
        assert "邻居家的狗咬了我" in edits[-1].content
        assert edits[-1].content.endswith(footer)
    forged = await bot.press(colleague, theirs, f"1:dk:close:1:{CloseReason.ERASED}")
    assert forged["text"] == texts.ended_for_staff.format(
        id=1, why=texts.ended_unanswered.format(reason=texts.close_reasons["phoned"])
    )  # ended already (and `erased` is never pressable)


async def test_a_ticket_ended_before_reasons_were_kept_says_so(desks_bot: Harness) -> None:
    """A ticket that ended unanswered before migration 0016 has no reason: staff acting on it
    are told so honestly (原因未记录), as /export 留言 counts it."""
    bot, texts, api = desks_bot, desks_bot.ui.tickets, desks_bot.api
    staff = api.user(STAFF)
    group(bot)
    mark = after(bot)
    await leave_message(bot, api.user(7_340_030), "邻居家的狗咬了我")
    ticket = await desk_message(bot, mark)
    async with bot.services.db.session() as session:  # as the old 结束 did: no reason
        assert await close(session=session, ticket_id=1, now=bot.services.now())
    pressed = await bot.press(
        staff, ticket, ticket.find_button(texts.reply_button)["callback_data"]
    )
    assert (
        pressed["text"]
        == "留言 #1 已经结束：没有书面答复，原因未记录（较早结束的）。不用再处理了。"
    )


async def test_an_answered_ticket_ended_says_so_on_itself_or_else_in_a_note(
    desks_bot: Harness,
) -> None:
    """结束 of an answered ticket: its message in the group shows the answer and that the desk
    ended it; where that message cannot be edited (staff deleted it), a note says it once."""
    bot, texts, api = desks_bot, desks_bot.ui.tickets, desks_bot.api
    resident, staff = api.user(7_340_040), api.user(STAFF)
    group(bot)
    for number in (1, 2):
        mark = after(bot)
        await leave_message(bot, api.user(7_340_040 + number), "邻居家的狗咬了我")
        ticket = await desk_message(bot, mark)
        mark = after(bot)
        api.send_text(staff, "可以协商赔偿。", chat=group(bot), reply_to=ticket.message_id)
        await api.wait_for_messages(DESK_GROUP, after=mark)  # 已把答复发给居民
        if number == 2:
            api.fail_method(
                "editMessageText", description="Bad Request: message to edit not found"
            )
        mark = after(bot)
        api.press_button(staff, ticket, texts.close_button)
        await api.wait_for_messages(resident.id + number, after=mark)  # the rating request
        await bot.settle()
        edits = [m for m in api.messages_to(DESK_GROUP) if m.index >= mark and m.action == "edit"]
        notes = [m.content for m in sent_since(bot, DESK_GROUP, mark)]
        if number == 1:
            [card] = [m for m in edits if m.message_id == ticket.message_id]
            assert "可以协商赔偿" in card.content and card.buttons() == []
            assert card.content.endswith("✅ 已由 测试镇司法所 结束：已答复。")
            assert notes == []
        else:
            assert notes == [texts.closed_desk.format(id=2)]
    api.clear_failures()
