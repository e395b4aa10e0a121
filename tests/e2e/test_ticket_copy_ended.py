"""结束 pressed on a copy of a ticket that /tickets → 📄 #n brought up (at the bottom of the
desk's chat, where staff are working): that copy says the desk ended it, as the ticket's
first message does. It only lost its buttons, and staff saw nothing happen where they
pressed (the note that it ended was on the first message, far up the chat)."""

from tests.e2e.conftest import Harness
from tests.e2e.ticket_steps import DESK_GROUP, STAFF, after, desk_message, group, leave_message


async def test_ending_a_ticket_from_its_copy_says_so_on_that_copy(desks_bot: Harness) -> None:
    bot, texts, api = desks_bot, desks_bot.ui.tickets, desks_bot.api
    resident, staff = api.user(7_360_001), api.user(STAFF)
    desk_chat = group(bot)
    mark = after(bot)
    await leave_message(bot, resident, "房东扣了我的押金不还")
    ticket = await desk_message(bot, mark)
    listing = await bot.ask(staff, "/tickets", chat=desk_chat)
    copy = await bot.tap(staff, listing, texts.show_button.format(id=1))
    assert copy.message_id != ticket.message_id and copy.buttons()

    mark = after(bot)
    api.send_text(staff, "押金要退，可以先协商。", chat=desk_chat, reply_to=copy.message_id)
    await api.wait_for_messages(resident.id, after=mark)  # the answer
    await api.wait_for_messages(DESK_GROUP, after=mark)  # 已把答复发给居民
    mark = after(bot)
    api.press_button(staff, copy, texts.close_button)
    await api.wait_for_messages(resident.id, after=mark)  # the rating request
    await bot.settle()

    ended = "✅ 已由 测试镇司法所 结束：已答复。"
    for shown in (bot.as_now(copy), bot.as_now(ticket)):
        assert shown.buttons() == [] and "押金要退" in shown.content
        assert shown.content.endswith(ended), shown.content
    notes = [m for m in api.state.sent[mark:] if m.chat_id == DESK_GROUP and m.action == "send"]
    assert notes == []  # said where it was pressed: no note besides
