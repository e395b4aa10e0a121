"""留言给工作人员, the other paths: 转办 to a desk whose staff work in private chats (回复, then
typed text), /deleteme, bad input in the chat, a sample desk, contacts and groups."""

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from content.desks import SAMPLE_STAFF_IDS
from content.loader import Library
from content.search import SearchIndex
from handlers.kit.callbacks import Kind, make
from local_api import FakeUser, SentMessage
from storage.tickets import NewTicket, entries, get_ticket, open_ticket
from tests.e2e.conftest import ADMIN_ID, Harness
from tests.e2e.ticket_steps import (
    DESK_GROUP,
    STAFF,
    STAFF_OTHER_DESK,
    TOWN,
    after,
    desk_message,
    desks_library,
    desks_running,
    group,
    leave_message,
    run_sla_check,
    stored_ticket,
)
from tests.e2e.volunteer_steps import answer_question
from tests.waiting import eventually


async def move_to_east(
    bot: Harness, staff: FakeUser, pick: SentMessage, other: FakeUser
) -> tuple[SentMessage, SentMessage]:
    """Staff pick 测试东山司法所 under 转办: the group's copy says so, the group is told once
    the desk got it, and that desk's one staff member gets the ticket in private (the note
    and the ticket returned)."""
    mark = after(bot)
    bot.api.press_button(staff, pick, "测试东山司法所")
    _copy, moved = await bot.api.wait_for_messages(DESK_GROUP, 2, after=mark)
    assert moved.content == bot.ui.tickets.transferred_desk.format(id=1, desk="测试东山司法所")
    [private] = await bot.api.wait_for_messages(other.id, after=mark)
    assert "工地不发工资" in private.content
    return moved, private


async def test_transfer_to_a_desk_answering_in_private(desks_bot: Harness) -> None:
    bot, texts = desks_bot, desks_bot.ui.tickets
    resident, staff, other = (
        bot.api.user(7_320_001), bot.api.user(STAFF), bot.api.user(STAFF_OTHER_DESK),
    )  # fmt: skip
    group(bot)
    mark = after(bot)
    await leave_message(bot, resident, "我在东山镇打工，工地不发工资")
    ticket = await desk_message(bot, mark)
    pick = await bot.tap(staff, ticket, texts.transfer_button)
    assert pick.button_labels() == ["测试东山司法所", texts.transfer_cancel_button]
    mark = after(bot)
    moved, private = await move_to_east(bot, staff, pick, other)
    [told] = await bot.api.wait_for_messages(resident.id, after=mark)
    assert "测试东山司法所" in told.content
    # The first desk no longer acts on it: a reply to its note or a button says where it is.
    await bot.settle()
    mark = after(bot)
    bot.api.send_text(staff, "我们来答复", chat=group(bot), reply_to=moved.message_id)
    [not_yours] = await bot.api.wait_for_messages(DESK_GROUP, after=mark)
    assert not_yours.content == texts.moved_away.format(desk="测试东山司法所")
    refused = await bot.press(
        staff, ticket, ticket.find_button(texts.take_button)["callback_data"]
    )
    assert refused["text"] == texts.moved_away.format(desk="测试东山司法所")
    prompt = await bot.tap(other, private, texts.reply_button)
    assert prompt.content.startswith("✍️")
    mark = after(bot)
    bot.api.send_text(other, "请周一带上考勤记录来所里。")  # typed, not a reply
    [answer] = await bot.api.wait_for_messages(resident.id, after=mark)
    assert answer.content.startswith("💬 测试东山司法所 答复你的留言 #1")
    [done] = await bot.api.wait_for_messages(other.id, after=mark)
    assert done.content == texts.replied.format(id=1)
    await bot.settle()  # the prompt's draft ends after the answer is sent
    assert await bot.services.chats.open(other.id) == []


async def test_transfer_buttons_name_the_desk_and_forged_ones_are_refused(
    desks_bot: Harness,
) -> None:
    """The button carries the target desk's id: desks.yaml reordered (and a desk added) after
    the list was shown still sends the ticket where the button said. Unknown ids, old
    index-style data, the ticket's own desk are refused with an alert; nothing moves."""
    bot, texts = desks_bot, desks_bot.ui.tickets
    staff, other = bot.api.user(STAFF), bot.api.user(STAFF_OTHER_DESK)
    group(bot)
    mark = after(bot)
    await leave_message(bot, bot.api.user(7_320_050), "工地不发工资")
    ticket = await desk_message(bot, mark)
    pick = await bot.tap(staff, ticket, texts.transfer_button)
    # never the ticket's own desk
    assert pick.button_labels() == ["测试东山司法所", texts.transfer_cancel_button]
    assert pick.find_button("测试东山司法所")["callback_data"] == make(
        Kind.DESK, "to", 1, "other-office"
    )
    for forged in (
        make(Kind.DESK, "to", 1, "no-such-desk"),
        make(Kind.DESK, "to", 1, "test-office"),  # its own desk
        make(Kind.DESK, "to", 1, 1),  # the old index into desks.yaml
        make(Kind.DESK, "to", 1),
        make(Kind.DESK, "to", 1, "other-office", "x"),
    ):
        answer = await bot.press(staff, ticket, forged)
        assert answer["text"] == texts.transfer_unknown_desk, forged
        assert answer["show_alert"], forged
    malformed = await bot.press(staff, ticket, "1:dk:to:1:Other-Office")  # never a desk id
    assert malformed["text"] == bot.ui.stale_button
    async with bot.services.db.session() as session:
        stored = await get_ticket(session=session, ticket_id=1)
    assert stored is not None and stored.desk_id == "test-office"

    library = bot.services.library
    first, second = library.desks
    added = second.model_copy(update={"id": "third-office", "name": "测试第三司法所"})
    bot.services.swap_content(
        replace(library, desks=[first, added, second]), bot.services.index
    )  # edited and reloaded while the list was on screen
    await move_to_east(bot, staff, pick, other)


async def test_deleteme_erases_the_tickets_and_the_desks_copies(desks_bot: Harness) -> None:
    """/deleteme: the ticket is anonymised in the database, and the bot's messages about it in
    the desk's group are deleted; one Telegram refuses to delete (older than 48 hours) is
    edited to a neutral line instead. Nothing the resident wrote stays visible there."""
    bot, texts, api = desks_bot, desks_bot.ui.tickets, desks_bot.api
    resident, staff = api.user(7_320_002), api.user(STAFF)
    mark = after(bot)
    await leave_message(bot, resident, "家暴怎么申请保护令", phone="13900001111")
    ticket = await desk_message(bot, mark)
    await bot.tap(staff, ticket, texts.take_button)  # a note in the group
    await bot.settle()  # (and the ticket's buttons say who took it)
    mark = after(bot)
    api.send_text(staff, "可以向法院申请。", chat=group(bot), reply_to=ticket.message_id)
    [answer] = await api.wait_for_messages(resident.id, after=mark)
    await api.wait_for_messages(DESK_GROUP, after=mark)  # 已把答复发给居民
    await bot.tap(resident, answer, texts.more_button)
    mark = after(bot)
    api.send_text(resident, "他今天又打我了")
    follow = await desk_message(bot, mark)
    assert "他今天又打我了" in follow.content
    await api.wait_for_messages(resident.id, after=mark)  # 已把补充内容送到
    posted = [m.message_id for m in bot.sent_to(DESK_GROUP)]
    assert len(posted) == 4  # the ticket, 已接单, 已把答复发给居民, the follow-up
    api.fail_method(
        "deleteMessage", description="Bad Request: message can't be deleted for everyone", times=1
    )  # the first, the ticket itself, is too old to delete

    confirm = await bot.ask(resident, "/deleteme")
    await answer_question(bot, resident, confirm, bot.ui.volunteers.confirm_yes)

    def last_state(message_id: int) -> SentMessage:
        return [m for m in api.messages_to(DESK_GROUP) if m.message_id == message_id][-1]

    async def withdrawn() -> bool:
        return all(
            last_state(m).action == "delete" or last_state(m).content == texts.erased_by_resident
            for m in posted
        )

    await eventually(withdrawn)
    edited = last_state(ticket.message_id)
    assert (edited.action, edited.content, edited.buttons()) == (
        "edit", texts.erased_by_resident, [],
    )  # fmt: skip
    assert [last_state(m).action for m in posted[1:]] == ["delete"] * 3
    async with bot.services.db.session() as session:
        stored = await get_ticket(session=session, ticket_id=1)
    assert stored is not None and stored.closed
    assert (stored.resident_id, stored.text, stored.contact) == (None, "", "")
    mark = after(bot)
    api.send_text(staff, "您好", chat=group(bot), reply_to=ticket.message_id)
    [closed] = await api.wait_for_messages(DESK_GROUP, after=mark)
    assert closed.content == texts.ended_for_staff.format(id=1, why=texts.ended_answered)
    assert api.messages_to(resident.id)[-1].content != "您好"


async def test_desk_copies_left_by_a_telegram_outage_are_withdrawn_later(
    desks_bot: Harness,
) -> None:
    """Telegram does not answer while the resident erases themselves: the erasure is done and
    the desk's copy stays marked in the database; the next periodic ticket check withdraws
    it once Telegram answers again."""
    bot, api = desks_bot, desks_bot.api
    resident = api.user(7_320_004)
    mark = after(bot)
    await leave_message(bot, resident, "被人打了想报警")
    ticket = await desk_message(bot, mark)
    for method in ("deleteMessage", "editMessageText"):
        api.fail_method(method, error_code=502, description="Bad Gateway")
    confirm = await bot.ask(resident, "/deleteme")
    done = await answer_question(bot, resident, confirm, bot.ui.volunteers.confirm_yes)
    assert done.content.startswith(bot.ui.volunteers.deleted.split("{")[0])
    assert [
        m.action for m in api.messages_to(DESK_GROUP) if m.message_id == ticket.message_id
    ] == ["send"]  # still showing what the resident wrote
    api.clear_failures()
    await run_sla_check(bot, bot.services.now())
    withdrawn = [m for m in api.messages_to(DESK_GROUP) if m.message_id == ticket.message_id]
    assert [m.action for m in withdrawn] == ["send", "delete"]
    mark = after(bot)
    await run_sla_check(bot, bot.services.now())  # nothing is withdrawn twice
    assert [m for m in api.messages_to(DESK_GROUP) if m.index >= mark] == []


async def test_bad_input_is_explained_and_loses_nothing(desks_bot: Harness) -> None:
    bot, texts = desks_bot, desks_bot.ui.tickets
    resident = bot.api.user(7_320_003)
    help_message = await bot.ask(resident, "/help")
    category = await bot.tap(resident, help_message, texts.leave_button)
    town = await bot.answer(resident, category, "劳动")
    await bot.answer(resident, town, TOWN)
    assert (await bot.ask(resident, "😭😭😭")).content == texts.text_no_letters
    too_long = await bot.ask(resident, "工" * 1001)
    assert too_long.content == texts.text_too_long.format(max=1000)
    bot.api.send_contact(resident, "13900002222")  # a contact where text is asked
    wrong = await bot.api.wait_for_messages(resident.id, 2)
    assert wrong[0].content == texts.wrong_input
    bot.api.send_text(resident, "<b>老板</b> & 工头都不见了 😡")
    _ask, skip = await bot.api.wait_for_messages(resident.id, 2)
    bot.api.send_contact(resident, "13900003333", own=False)  # someone else's number
    [not_own] = await bot.api.wait_for_messages(resident.id)
    assert not_own.content == texts.phone_not_own
    bot.api.send_contact(resident, "13900004444")
    _noted, summary = await bot.next_question(resident, skip, said=1)
    assert "<b>老板</b> & 工头都不见了 😡" in summary.content and "13900004444" in summary.content
    cancelled = await bot.ask(resident, "/cancel")
    assert cancelled.content == texts.cancelled
    answer = await bot.press(
        resident, summary, summary.find_button(texts.send_button)["callback_data"]
    )
    assert answer["text"] == bot.ui.stale_button  # the chat is gone: nothing is sent


async def test_three_unanswered_messages_are_enough(desks_bot: Harness) -> None:
    bot, resident = desks_bot, desks_bot.api.user(7_320_006)
    at = bot.clock()
    async with bot.services.db.session() as session:
        for key in "abc":
            await open_ticket(
                session=session,
                new=NewTicket(
                    key, resident.id, "test-office", "labor", TOWN, "工资", "", at, at, at
                ),
            )
    help_message = await bot.ask(resident, "/help")
    refused = await bot.tap(resident, help_message, bot.ui.tickets.leave_button)
    assert refused.content == bot.ui.tickets.too_many.format(count=3)
    assert await bot.services.chats.open(resident.id) == []


async def test_in_a_group_the_button_links_to_the_private_chat(desks_bot: Harness) -> None:
    bot, texts = desks_bot, desks_bot.ui.tickets
    resident, chat = bot.api.user(7_320_004), bot.api.group(-1_002_000_009)
    reply = await bot.ask(resident, "/ask 今天天气怎么样", chat=chat)
    link = reply.find_button(texts.leave_button)
    assert "callback_data" not in link
    assert link["url"].startswith(f"https://t.me/{bot.app.bot.username}?start=msg")


async def test_a_sample_desk_is_never_sent_to(bot: Harness) -> None:
    """The resident is told once, in the first message, that nobody will answer; it keeps
    the follow-up path of a real desk's (➕ 补充, or a reply to it): what they add is kept in
    the message, not searched as a new question, and still reaches nobody."""
    texts, resident = bot.ui.tickets, bot.api.user(7_320_005)
    sent = await leave_message(bot, resident, "邻居的树倒在我家院子里")
    desk = next(d for d in bot.services.library.desks if d.sample and d.name in sent.content)
    sample = texts.sample_desk.format(desk=desk.name, id=1)
    assert "✅" not in sent.content and sent.button_labels() == [texts.more_button]
    assert sent.source_text == f"{sample}\n{texts.sample_footer}"
    await bot.settle()
    assert bot.api.last_message(resident.id).message_id == sent.message_id  # nothing after
    bot.api.send_text(resident, "补充一下：树是昨晚刮风倒的", reply_to=sent.message_id)
    [kept] = await bot.api.wait_for_messages(resident.id)
    assert kept.source_text == texts.more_sample.format(desk=desk.name, id=1)
    prompt = await bot.tap(resident, sent, texts.more_button)
    assert prompt.source_text == texts.more_prompt.format(id=1)
    again = await bot.ask(resident, "院墙也被砸坏了一角")
    assert again.source_text == texts.more_sample.format(desk=desk.name, id=1)
    async with bot.services.db.session() as session:
        added = [e.text for e in await entries(session=session, ticket_id=1)]
    assert added[-2:] == ["补充一下：树是昨晚刮风倒的", "院墙也被砸坏了一角"]
    for desk in bot.services.library.desks:
        for chat in [*desk.staff, *([desk.staff_chat_id] if desk.staff_chat_id else [])]:
            assert bot.api.messages_to(chat) == []


async def test_staff_list_their_desks_waiting_tickets_in_its_chat_only(
    desks_bot: Harness,
) -> None:
    bot, texts = desks_bot, desks_bot.ui.tickets
    staff, member, chat = bot.api.user(STAFF), bot.api.user(7_320_007), group(desks_bot)
    mark = after(bot)
    await leave_message(bot, bot.api.user(7_320_008), "宅基地被占了")
    await desk_message(bot, mark)
    listing = await bot.ask(staff, "/tickets", chat=chat)
    assert listing.content.startswith("📋 测试镇司法所 等待答复的留言（1 条")
    assert "#1 · " in listing.content and "宅基地" not in listing.content
    again = await bot.tap(staff, listing, texts.show_button.format(id=1))
    assert "宅基地被占了" in again.content and texts.take_button in again.button_labels()
    assert (await bot.ask(member, "/tickets", chat=chat)).content == texts.tickets_staff_only
    # the desk's tickets are shown in its group only, not in a staff member's private chat
    elsewhere = await bot.ask(staff, "/tickets")
    assert elsewhere.source_text == texts.tickets_where.format(desks="测试镇司法所")
    nobody = await bot.ask(bot.api.user(7_320_009), "/tickets")
    assert nobody.content == texts.tickets_nowhere


async def test_tickets_tells_a_coordinator_where_it_works(desks_bot: Harness) -> None:
    """A coordinator who is no desk's staff hears whom to ask to become it, in plain words:
    the file the desks are set in is the operator's, not something to tell them."""
    bot, texts = desks_bot, desks_bot.ui.tickets
    answer = await bot.ask(bot.api.user(ADMIN_ID), "/tickets")
    assert answer.content.startswith(f"{texts.tickets_nowhere}\n{texts.tickets_join_desk}")
    assert "运维人员" in texts.tickets_join_desk
    assert "yaml" not in answer.content and "content/" not in answer.content
    assert texts.tickets_desk_group.format(desk="测试镇司法所", count=1) in answer.content
    assert texts.tickets_desk_private.format(desk="测试东山司法所", count=1) in answer.content
    assert texts.not_staff not in answer.content


@pytest.fixture
async def sample_beside_bot(
    tmp_path: Path, library: Library, index: SearchIndex
) -> AsyncIterator[Harness]:
    """The two reachable desks, and a sample desk left over in desks.yaml."""
    real = desks_library(library)
    sample = real.desks[1].model_copy(
        update={
            "id": "left-over", "name": "示例镇司法所（示例）", "staff": [SAMPLE_STAFF_IDS[0]],
            "sample": True,
        }
    )  # fmt: skip
    async with desks_running(tmp_path, library, index, [*real.desks, sample]) as bot:
        yield bot


async def test_a_real_desk_cannot_transfer_to_a_sample_desk(sample_beside_bot: Harness) -> None:
    bot, texts = sample_beside_bot, sample_beside_bot.ui.tickets
    staff = bot.api.user(STAFF)
    group(bot)
    mark = after(bot)
    await leave_message(bot, bot.api.user(7_320_040), "工地不发工资")
    ticket = await desk_message(bot, mark)
    pick = await bot.tap(staff, ticket, texts.transfer_button)
    assert pick.button_labels() == ["测试东山司法所", texts.transfer_cancel_button]
    forged = await bot.press(staff, ticket, make(Kind.DESK, "to", 1, "left-over"))
    assert forged["text"] == texts.transfer_unknown_desk
    async with bot.services.db.session() as session:
        stored = await get_ticket(session=session, ticket_id=1)
    assert stored is not None and stored.desk_id == "test-office"


async def test_desk_commands_in_an_ordinary_group_say_where_they_work(
    desks_bot: Harness,
) -> None:
    """/tickets in a group that is no desk's (a village's chat): what it is for and where it
    works, for anyone, staff too, and nothing about any ticket; a ticket's buttons there (a
    forwarded copy) do nothing and say where tickets are handled."""
    bot, texts = desks_bot, desks_bot.ui.tickets
    village = bot.api.group(-1_002_000_777, "村民群")
    resident, staff = bot.api.user(7_320_011), bot.api.user(STAFF)
    mark = after(bot)
    await leave_message(bot, resident, "宅基地被占了")
    await desk_message(bot, mark)
    for person in (bot.api.user(7_320_012), staff, bot.api.user(STAFF_OTHER_DESK)):
        answer = await bot.ask(person, "/tickets", chat=village)
        assert answer.content == texts.tickets_staff_only
        assert "#1" not in answer.content and "测试" not in answer.content
    copy = await bot.ask(staff, "/help", chat=village)  # a bot's message there, as a forward
    mark = after(bot)
    for action in ("show", "take", "reply", "move", "close", "askphone"):
        pressed = await bot.press(staff, copy, make(Kind.DESK, action, 1))
        assert pressed["text"] == texts.desk_chat_only, action
    await bot.settle()
    chats = {village.id, DESK_GROUP, STAFF, resident.id}
    assert [m for m in bot.api.state.sent[mark:] if m.chat_id in chats] == []
    assert (await stored_ticket(bot)).taken_by is None
