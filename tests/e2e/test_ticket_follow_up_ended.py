"""A resident's 补充 (or reply) to a ticket that has ended is not lost: it is kept, card numbers
hidden, as the draft of a new message to the same desk (across a restart), sent with one tap."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from content.loader import Library
from content.search import SearchIndex
from domain.answers import plain_text
from storage.tickets import entries, get_ticket
from tests.e2e.conftest import RestartableBot
from tests.e2e.test_precheck import choose, open_check
from tests.e2e.ticket_steps import (
    DESK_GROUP,
    STAFF,
    TOWN,
    after,
    desk_message,
    desks_server,
    group,
    leave_message,
)

PHONE = "13912345678"
ID_CARD = "11010519491231002X"


@pytest.fixture
async def desks_bot(
    tmp_path: Path, library: Library, index: SearchIndex
) -> AsyncIterator[RestartableBot]:
    async with desks_server(tmp_path, library, index) as bot:
        yield bot


async def test_a_follow_up_to_an_ended_ticket_is_offered_as_a_new_message(
    desks_bot: RestartableBot,
) -> None:
    bot = desks_bot.harness
    assert bot is not None
    api, texts = bot.api, bot.ui.tickets
    resident, staff = api.user(7_370_001), api.user(STAFF)
    desk_chat = group(bot)
    mark = after(bot)
    await leave_message(bot, resident, "老板拖欠我三个月工资", phone=PHONE)
    ticket = await desk_message(bot, mark)
    mark = after(bot)
    api.send_text(staff, "请带上劳动合同来司法所。", chat=desk_chat, reply_to=ticket.message_id)
    [answer] = await api.wait_for_messages(resident.id, after=mark)
    more = await bot.tap(resident, answer, texts.more_button)  # 补充, then the desk ends it
    assert more.content == texts.more_prompt.format(id=1)
    mark = after(bot)
    api.press_button(staff, ticket, texts.close_button)
    [_rating] = await api.wait_for_messages(resident.id, after=mark)

    mark = after(bot)
    api.send_text(resident, "谢谢！")  # a few words: only told it has ended
    [thanked] = await api.wait_for_messages(resident.id, after=mark)
    assert thanked.content == texts.ticket_closed and thanked.buttons() == []
    await bot.settle()  # (the 补充 prompt ends after the reply)
    assert await bot.services.chats.open(resident.id) == []
    mark = after(bot)
    api.send_text(resident, f"合同找不到了，身份证{ID_CARD}", reply_to=answer.message_id)
    [offer] = await api.wait_for_messages(resident.id, after=mark)
    masked = f"合同找不到了，身份证{'*' * 18}"
    assert offer.content.startswith(
        plain_text(f"{texts.numbers_hidden}\n{texts.more_closed.format(id=1)}")
    )
    assert texts.more_closed_offer in offer.content
    assert masked in offer.content and ID_CARD[:6] not in offer.content
    assert "送到：测试镇司法所" in offer.content and f"电话：{PHONE}" in offer.content
    assert offer.button_labels() == [texts.send_as_new_button, texts.cancel_button]
    async with bot.services.db.session() as session:
        exchange = await entries(session=session, ticket_id=1)
    assert [e.author for e in exchange] == ["desk"]  # nothing was added to the ended ticket

    bot = await desks_bot.restart()  # the draft is kept
    mark = after(bot)
    sent = await bot.last_answer(resident, offer, texts.send_as_new_button)
    assert sent.content.startswith("✅ 留言已送到 测试镇司法所（编号 #2）")
    card = await desk_message(bot, mark)
    assert masked in card.content and ID_CARD not in card.content and PHONE in card.content
    async with bot.services.db.session() as session:
        first = await get_ticket(session=session, ticket_id=1)
        second = await get_ticket(session=session, ticket_id=2)
    assert first is not None and first.closed
    assert second is not None and not second.closed
    assert (second.desk_id, second.town, second.category, second.text, second.contact) == (
        first.desk_id, TOWN, first.category, masked, PHONE,
    )  # fmt: skip

    # A Telegram reply to the ended ticket's answer: the same offer; 取消 drops it.
    mark = after(bot)
    api.send_text(resident, "还想问问加班费怎么算", reply_to=answer.message_id)
    [again] = await api.wait_for_messages(resident.id, after=mark)
    assert again.content.startswith(texts.more_closed.format(id=1))
    api.press_button(resident, again, texts.cancel_button)
    [cancelled] = await bot.replies(resident.id, 1)  # the offer keeps its text, no button
    assert cancelled.content == texts.cancelled and bot.as_now(again).buttons() == []
    await bot.settle()
    async with bot.services.db.session() as session:
        assert await get_ticket(session=session, ticket_id=3) is None
    assert not [m for m in api.messages_to(DESK_GROUP) if "加班费" in m.content]


async def test_a_follow_up_over_a_chat_with_answers_asks_first(
    desks_bot: RestartableBot,
) -> None:
    """A reply to an ended ticket's answer while a pre-check holds an answer: the check is not
    pushed aside unasked; giving it up makes the offer of the same text."""
    bot = desks_bot.harness
    assert bot is not None
    api, texts = bot.api, bot.ui.tickets
    resident, staff = api.user(7_370_002), api.user(STAFF)
    mark = after(bot)
    await leave_message(bot, resident, "老板拖欠我三个月工资")
    ticket = await desk_message(bot, mark)
    mark = after(bot)
    api.send_text(staff, "请带上劳动合同来司法所。", chat=group(bot), reply_to=ticket.message_id)
    [answer] = await api.wait_for_messages(resident.id, after=mark)
    mark = after(bot)
    api.press_button(staff, ticket, texts.close_button)
    [_rating] = await api.wait_for_messages(resident.id, after=mark)
    first = await open_check(bot, resident)
    await choose(bot, resident, first, first.button_labels()[0])

    mark = after(bot)
    api.send_text(resident, "还想问问加班费怎么算", reply_to=answer.message_id)
    [question] = await api.wait_for_messages(resident.id, after=mark)
    assert question.source_text == bot.ui.chat.unfinished.format(name="法律援助自测", count=1)
    drop = bot.ui.chat.drop_for.format(name="留言给工作人员")
    assert question.button_labels() == [bot.ui.chat.keep_button, drop]
    await bot.settle()
    assert [c.flow.name for c in await bot.services.chats.open(resident.id)] == ["precheck"]
    mark = after(bot)
    api.press_button(resident, question, drop)
    # the question and the check's own lose their buttons
    _dropped, _check_dropped, left, offer = await api.wait_for_messages(resident.id, 4, after=mark)
    assert left.source_text == bot.ui.chat.left_chats.format(names="“法律援助自测”")
    assert texts.more_closed_offer in offer.content and "加班费" in offer.content
    assert offer.button_labels() == [texts.send_as_new_button, texts.cancel_button]
    assert [c.flow.name for c in await bot.services.chats.open(resident.id)] == ["ticket"]
