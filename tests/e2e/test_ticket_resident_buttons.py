"""A resident's buttons (补充, the rating, the phone question, their message's own: 作为新留言发送,
the guided chat's) on a copy forwarded into a group, or into someone else's private chat with
the bot, do nothing, whoever presses them: the resident there, or anyone else. Nothing about
the ticket is said there, nothing changes; the buttons keep working in the resident's own
private chat. Someone else pressing in their own chat (a forwarded copy, forged data) hears
only that the button has expired."""

import re

from local_api import FakeUser, SentMessage
from storage.tickets import entries
from tests.e2e.conftest import Harness
from tests.e2e.forwarding import forward, press_copy
from tests.e2e.ticket_steps import (
    DESK_GROUP,
    PHONE,
    STAFF,
    STAFF_OTHER_DESK,
    THERE,
    TOWN,
    after,
    agreed_here,
    desk_message,
    group,
    leave_message,
    moved_there,
    no_phone,
    stored_ticket,
)

RESIDENT, OTHER = 7_390_001, 7_390_002
VILLAGE = -1_002_000_779


async def refused_elsewhere(bot: Harness, message: SentMessage, data: str) -> None:
    """`data` (a button of `message`, in the resident's chat, or forged from it) pressed on
    copies forwarded to a group and to another person's private chat, by the resident and by
    that person: each press is refused (anywhere but the presser's own chat as such, in the
    other person's own chat as expired), and the bot says nothing anywhere."""
    api = bot.api
    resident, other = api.user(RESIDENT), api.user(OTHER)
    village = api.group(VILLAGE, "村民群")
    await bot.settle()
    mark = after(bot)
    in_group = forward(bot, resident, message, village)
    theirs = forward(bot, other, message, None)
    own = bot.ui.own_chat_button_only
    assert await press_copy(bot, resident, in_group, data) == own, data
    assert await press_copy(bot, other, in_group, data) == bot.ui.own_chat_button_only, data
    assert await press_copy(bot, other, theirs, data) == bot.ui.stale_button, data
    assert await press_copy(bot, resident, theirs, data) == own, data
    await bot.settle()
    chats = {village.id, other.id, resident.id, DESK_GROUP, STAFF, STAFF_OTHER_DESK}
    assert [m for m in api.state.sent[mark:] if m.chat_id in chats] == [], data


async def answered(bot: Harness, resident: FakeUser) -> tuple[SentMessage, SentMessage]:
    """The resident's message with PHONE, answered by the desk (a reply in its group):
    returns the desk's copy of the ticket and the answer (with ➕ 补充)."""
    api = bot.api
    desk_chat = group(bot)
    mark = after(bot)
    await leave_message(bot, resident, "老板拖欠我三个月工资", phone=PHONE)
    ticket = await desk_message(bot, mark)
    mark = after(bot)
    api.send_text(api.user(STAFF), "请带上劳动合同来司法所。", chat=desk_chat,
                  reply_to=ticket.message_id)  # fmt: skip
    [answer] = await api.wait_for_messages(resident.id, after=mark)
    return ticket, answer


async def answered_and_ended(bot: Harness, resident: FakeUser) -> tuple[SentMessage, SentMessage]:
    """`answered`, then ended: returns the answer (with ➕ 补充) and the closing message
    (with the rating)."""
    api, texts = bot.api, bot.ui.tickets
    ticket, answer = await answered(bot, resident)
    mark = after(bot)
    api.press_button(api.user(STAFF), ticket, texts.close_button)
    [rating] = await api.wait_for_messages(resident.id, after=mark)
    assert rating.button_labels() == [texts.rate_3, texts.rate_2, texts.rate_1]
    return answer, rating


async def test_more_and_the_rating_elsewhere_do_nothing(desks_bot: Harness) -> None:
    """补充 opened no prompt (it was said in the group, for anyone to answer it in the
    resident's name); a rating was recorded and thanked for in the group (😐 一般 and
    🙁 不满意 offering a new message with the ticket's field and town there)."""
    bot, texts, api = desks_bot, desks_bot.ui.tickets, desks_bot.api
    resident = api.user(RESIDENT)
    answer, rating = await answered_and_ended(bot, resident)
    await refused_elsewhere(bot, answer, answer.find_button(texts.more_button)["callback_data"])
    assert await bot.services.chats.open(resident.id) == []  # no 补充 prompt is waiting
    for label in (texts.rate_3, texts.rate_2, texts.rate_1):
        await refused_elsewhere(bot, rating, rating.find_button(label)["callback_data"])
    assert (await stored_ticket(bot)).rating is None
    # in their own chat they still work
    offered = await bot.tap(resident, rating, texts.rate_2)
    assert offered.content == texts.rated_so_so
    prompt = await bot.tap(resident, answer, texts.more_button)
    assert prompt.content == texts.more_prompt_closed.format(id=1)


async def test_the_phone_question_elsewhere_does_nothing(desks_bot: Harness) -> None:
    """同意把电话给… pressed in a group gave the number to the new desk; 不用 let it ask."""
    bot, texts, api = desks_bot, desks_bot.ui.tickets, desks_bot.api
    resident = api.user(RESIDENT)
    _card, notice = await moved_there(bot, resident)
    agree = notice.find_button(texts.phone_agree_button.format(desk=THERE))["callback_data"]
    decline = notice.find_button(texts.phone_decline_button)["callback_data"]
    for data in (agree, decline):
        await refused_elsewhere(bot, notice, data)
    stored = await stored_ticket(bot)
    assert not stored.contact_for("other-office") and stored.contact_asked_at is not None
    await agreed_here(bot, resident, notice)  # their own press still counts


async def test_a_message_offered_as_new_is_sent_only_from_their_own_chat(
    desks_bot: Harness,
) -> None:
    """作为新留言发送 pressed in a group sent the new message; one forged with an older card's
    revision drew the card (the message and the phone number) in the group; 取消 said so
    there."""
    bot, texts, api = desks_bot, desks_bot.ui.tickets, desks_bot.api
    resident = api.user(RESIDENT)
    answer, _rating = await answered_and_ended(bot, resident)
    mark = after(bot)
    api.send_text(resident, "还想问问加班费怎么算", reply_to=answer.message_id)
    [offer] = await api.wait_for_messages(resident.id, after=mark)
    assert offer.button_labels() == [texts.send_as_new_button, texts.cancel_button]
    send = offer.find_button(texts.send_as_new_button)["callback_data"]
    older = re.sub(r"-\d+:send$", "-99:send", send)
    assert older != send
    cancel = offer.find_button(texts.cancel_button)["callback_data"]
    for data in (send, cancel):
        await refused_elsewhere(bot, offer, data)
    # (not the kit's "an older card: see the newest below", as no card is drawn there)
    await refused_elsewhere(bot, offer, older)
    async with bot.services.db.session() as session:
        assert [e.author for e in await entries(session=session, ticket_id=1)] == ["desk"]
    assert [c.flow.name for c in await bot.services.chats.open(resident.id)] == ["ticket"]
    mark = after(bot)
    sent = await bot.last_answer(resident, offer, texts.send_as_new_button)
    assert sent.content.startswith("✅ 留言已送到 测试镇司法所（编号 #2）")


async def test_the_guided_chats_buttons_elsewhere_do_nothing(desks_bot: Harness) -> None:
    """The field, 不留电话 and 发送 pressed in a group asked the next question there (the
    summary with the message); the chat stays where it was."""
    bot, texts, api = desks_bot, desks_bot.ui.tickets, desks_bot.api
    resident = api.user(RESIDENT)
    group(bot)
    help_message = await bot.ask(resident, "/help")
    category = await bot.tap(resident, help_message, texts.leave_button)
    field = category.find_button(bot.services.library.categories[0].name)["callback_data"]
    await refused_elsewhere(bot, category, field)
    [chat] = await bot.services.chats.open(resident.id)
    assert chat.step == "category" and "category" not in chat.data
    town_prompt = await bot.answer(resident, category, bot.services.library.categories[0].name)
    town = town_prompt.find_button(TOWN)["callback_data"]
    await refused_elsewhere(bot, town_prompt, town)
    await bot.answer(resident, town_prompt, TOWN)
    api.send_text(resident, "老板拖欠我三个月工资")
    _ask, skip = await api.wait_for_messages(resident.id, 2)
    no_contact = skip.find_button(texts.no_contact_button)["callback_data"]
    await refused_elsewhere(bot, skip, no_contact)
    [chat] = await bot.services.chats.open(resident.id)
    assert chat.step == "contact"
    summary = await no_phone(bot, resident, skip)  # in their own chat it goes on
    assert "老板拖欠我三个月工资" in summary.content


async def test_a_reply_in_a_group_to_a_forwarded_copy_does_nothing(desks_bot: Harness) -> None:
    """A Telegram reply to a forwarded copy of the bot's message about a ticket, in a group,
    by the resident or anyone else, adds nothing to the ticket and says nothing."""
    bot, api = desks_bot, desks_bot.api
    resident, other = api.user(RESIDENT), api.user(OTHER)
    village = api.group(VILLAGE, "村民群")
    _ticket, answer = await answered(bot, resident)
    copy = forward(bot, resident, answer, village)
    await bot.settle()
    mark = after(bot)
    for person in (resident, other):
        api.send_text(person, "合同找不到了，电话13900001111", chat=village,
                      reply_to=copy.message_id)  # fmt: skip
    await bot.settle()
    chats = {village.id, other.id, resident.id, DESK_GROUP, STAFF}
    assert [m for m in api.state.sent[mark:] if m.chat_id in chats] == []
    async with bot.services.db.session() as session:
        assert [e.author for e in await entries(session=session, ticket_id=1)] == ["desk"]
