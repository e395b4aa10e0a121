"""The phone number a resident leaves is for the desks they agreed to give it to: a ticket moved
by 转办 reaches the new desk without it, and the resident is asked, with one tap, whether that
desk may have it too (checked at every press: their own ticket, open, at that desk; pressed
twice, recorded once, and the desk's message drawn with the number where Telegram refused it;
across a restart; also for a desk a coordinator moved it to from one gone from desks.yaml).
已电话联系 is offered only to a desk with a number to call, and a 补充 on the ended ticket goes
out as a new message to the new desk still without it."""

from dataclasses import replace
from pathlib import Path

import pytest
from sqlmodel import select

from content.loader import Library
from content.search import SearchIndex
from domain.answers import plain_text
from handlers.kit.callbacks import Kind, make
from storage.models import CloseReason, TicketConsent
from storage.people import names_of
from storage.tickets import get_ticket
from tests.clock import local
from tests.e2e.conftest import ADMIN_ID, Harness
from tests.e2e.ticket_steps import (
    DESK_GROUP,
    HERE,
    PHONE,
    STAFF,
    STAFF_OTHER_DESK,
    THERE,
    after,
    agreed_here,
    declined_move,
    desk_message,
    desks_server,
    group,
    leave_message,
    moved_there,
    run_sla_check,
    stored_ticket,
)
from tests.e2e.volunteer_steps import answer_question
from tests.waiting import eventually


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
        f"{texts.transferred_contact_ask.format(desk=HERE, new=THERE)}"
    )
    assert heard.button_labels() == [
        texts.phone_agree_button.format(desk=THERE), texts.phone_decline_button,
    ]  # fmt: skip
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
    sent = await bot.last_answer(resident, offer, texts.send_as_new_button)
    assert sent.content.startswith(f"✅ 留言已送到 {THERE}（编号 #2）")
    [new_card] = await api.wait_for_messages(STAFF_OTHER_DESK, after=mark)
    assert "合同找不到了" in new_card.content and PHONE not in new_card.content
    async with bot.services.db.session() as session:
        second = await get_ticket(session=session, ticket_id=2)
    assert second is not None and second.contact == "" and second.desk_id == "other-office"
    assert not [m for m in api.messages_to(DESK_GROUP) if "合同找不到了" in m.content]


async def test_the_resident_gives_the_number_to_the_new_desk_with_one_tap(
    desks_bot: Harness,
) -> None:
    """Only their own press counts, for the desk the ticket is at; the new desk's card shows
    the number (its buttons as they were: who took it) and 结束 offers 📞 已电话联系; a second
    press records nothing and sends nothing."""
    bot, api, texts = desks_bot, desks_bot.api, desks_bot.ui.tickets
    resident, other = api.user(7_380_003), api.user(STAFF_OTHER_DESK, "王五")
    card, notice = await moved_there(bot, resident)
    agree = notice.find_button(texts.phone_agree_button.format(desk=THERE))["callback_data"]
    assert agree == make(Kind.DESK, "phone", 1, "other-office")
    mark = after(bot)
    api.press_button(other, card, texts.take_button)
    await api.wait_for_messages(STAFF_OTHER_DESK, 2, after=mark)  # 已接单, and the card's buttons

    async def name_known() -> bool:
        async with bot.services.db.session() as session:
            return STAFF_OTHER_DESK in await names_of(session=session, ids=[STAFF_OTHER_DESK])

    await eventually(name_known)

    # someone else's press, forged ids and a desk the ticket is not at are refused
    stranger = api.user(7_380_004)  # (pressing in the resident's chat: not the stranger's own)
    assert (await bot.press(stranger, notice, agree))["text"] == bot.ui.own_chat_button_only
    for forged in (make(Kind.DESK, "phone", 99, "other-office"), make(Kind.DESK, "phone", 1)):
        assert (await bot.press(resident, notice, forged))["text"] == bot.ui.stale_button
    for elsewhere in ("no-such-desk", "test-office"):
        refused = await bot.press(resident, notice, make(Kind.DESK, "phone", 1, elsewhere))
        assert refused["text"] == texts.phone_consent_moved.format(id=1)
    assert (await stored_ticket(bot)).contact_desks == {"test-office"}
    assert not [m for m in api.messages_to(STAFF_OTHER_DESK) if PHONE in m.content]

    redrawn = await agreed_here(bot, resident, notice)
    assert redrawn.message_id == card.message_id
    assert redrawn.button_labels() == [
        texts.taken_by_button.format(name="王五"), texts.reply_button,
        texts.transfer_button, texts.close_button,
    ]  # fmt: skip
    assert (await stored_ticket(bot)).contact_desks == {"test-office", "other-office"}
    # pressed again (a second device, a slow client): said once, nothing sent
    sent = len(bot.sent_to(STAFF_OTHER_DESK)), len(bot.sent_to(resident.id))
    again = await bot.press(resident, notice, agree)
    assert again["text"] == texts.phone_agreed_already.format(desk=THERE)
    await bot.settle()
    assert (len(bot.sent_to(STAFF_OTHER_DESK)), len(bot.sent_to(resident.id))) == sent

    question = await bot.tap(other, redrawn, texts.close_button)
    assert texts.close_phoned_button in question.button_labels()
    mark = after(bot)
    api.press_button(other, question, texts.close_phoned_button)
    [ended] = await api.wait_for_messages(resident.id, after=mark)
    assert ended.content == plain_text(texts.closed_resident_phoned.format(id=1))
    stored = await stored_ticket(bot)
    assert stored.closed and stored.close_reason is CloseReason.PHONED


@pytest.mark.parametrize("pressed_by", ["resident", "staff"])
async def test_a_number_telegram_would_not_show_the_desk_is_shown_at_the_next_press(
    desks_bot: Harness, pressed_by: str
) -> None:
    """The resident agreed, but Telegram refused both the redraw of the desk's message and
    the ticket sent anew (as a crash in between would leave it): the resident's 同意 pressed
    again, or the desk's 📱 请居民给电话 (on a message that still shows it), draws the message
    with the number, and says so there; a press after that sends and draws nothing more."""
    bot, api, texts = desks_bot, desks_bot.api, desks_bot.ui.tickets
    resident, other = api.user(7_380_008), api.user(STAFF_OTHER_DESK)
    card, notice = await moved_there(bot, resident)
    agree = notice.find_button(texts.phone_agree_button.format(desk=THERE))["callback_data"]
    api.block(STAFF_OTHER_DESK)  # every edit and send there answers 403
    mark = after(bot)
    assert not (await bot.press(resident, notice, agree)).get("text")
    _dropped, told = await api.wait_for_messages(resident.id, 2, after=mark)
    assert told.content == plain_text(texts.phone_agreed.format(id=1, desk=THERE))
    await bot.settle()
    api.unblock(STAFF_OTHER_DESK)
    assert not [m for m in api.messages_to(STAFF_OTHER_DESK) if PHONE in m.content]
    assert (await stored_ticket(bot)).contact_desks == {"test-office", "other-office"}

    mark = after(bot)
    if pressed_by == "resident":
        again = await bot.press(resident, notice, agree)
        assert again["text"] == texts.phone_agreed_already.format(desk=THERE)
    else:
        again = await bot.press(other, card, make(Kind.DESK, "askphone", 1))
        assert again["text"] == texts.phone_ask_has_it
    redrawn, note = await api.wait_for_messages(STAFF_OTHER_DESK, 2, after=mark)
    assert (redrawn.action, redrawn.message_id) == ("edit", card.message_id)
    assert f"电话：{PHONE}" in redrawn.content
    assert note.content == plain_text(texts.phone_agreed_desk.format(id=1))

    journal = len(api.messages_to(STAFF_OTHER_DESK))
    for who, data in ((resident, agree), (other, make(Kind.DESK, "askphone", 1))):
        await bot.press(who, notice if who is resident else card, data)
    await bot.settle()
    assert len(api.messages_to(STAFF_OTHER_DESK)) == journal


async def test_no_thanks_and_a_press_after_the_ticket_ended_give_nothing(
    desks_bot: Harness,
) -> None:
    """不用 takes the question away (the desk still sees no number); the same question's
    同意 pressed once the ticket has ended is refused, and nothing is recorded."""
    bot, api, texts = desks_bot, desks_bot.api, desks_bot.ui.tickets
    resident, other = api.user(7_380_005), api.user(STAFF_OTHER_DESK)
    card, notice = await moved_there(bot, resident)
    agree = notice.find_button(texts.phone_agree_button.format(desk=THERE))["callback_data"]
    await declined_move(bot, resident, notice)
    question = await bot.tap(other, card, texts.close_button)
    assert texts.close_phoned_button not in question.button_labels()
    mark = after(bot)
    api.press_button(other, question, texts.close_duplicate_button)
    await api.wait_for_messages(resident.id, after=mark)

    for data in (agree, make(Kind.DESK, "nophone", 1)):
        refused = await bot.press(resident, notice, data)
        assert refused["text"] == texts.phone_consent_ended.format(id=1)
    await bot.settle()
    stored = await stored_ticket(bot)
    assert stored.closed and stored.contact_desks == {"test-office"}
    assert not [m for m in api.messages_to(STAFF_OTHER_DESK) if PHONE in m.content]


async def test_the_question_still_works_after_a_restart_and_deleteme_erases_the_consent(
    tmp_path: Path, library: Library, index: SearchIndex
) -> None:
    async with desks_server(tmp_path, library, index) as server:
        assert server.harness is not None
        resident = server.api.user(7_380_006)
        card, notice = await moved_there(server.harness, resident)
        bot = await server.restart()
        redrawn = await agreed_here(bot, resident, notice)
        assert redrawn.message_id == card.message_id
        confirm = await bot.ask(resident, "/deleteme")
        await answer_question(bot, resident, confirm, bot.ui.volunteers.confirm_yes)
        async with bot.services.db.session() as session:
            consents = (await session.exec(select(TicketConsent))).all()
        erased = await stored_ticket(bot)
        assert consents == [] and erased.contact == "" and erased.contact_desks == frozenset()


async def test_the_desk_a_coordinator_moved_a_ticket_to_from_a_removed_desk_can_get_the_number(
    desks_bot: Harness,
) -> None:
    """The desk the number was given to left desks.yaml: the number is hidden everywhere until
    the resident agrees for the desk a coordinator moved the ticket to."""
    bot, api, texts = desks_bot, desks_bot.api, desks_bot.ui.tickets
    bot.clock.flowing = False
    bot.clock.set(local(2026, 3, 10, 10, 0))
    resident, coordinator = api.user(7_380_007), api.user(ADMIN_ID)
    group(bot)
    mark = after(bot)
    await leave_message(bot, resident, "公司不给交社保", phone=PHONE)
    await desk_message(bot, mark)
    current = bot.services.library
    first, second = current.desks
    renamed = first.model_copy(update={"id": "renamed-office", "name": "测试镇新司法所"})
    bot.services.swap_content(replace(current, desks=[second, renamed]), bot.services.index)
    mark = after(bot)
    await run_sla_check(bot, local(2026, 3, 10, 16, 0))  # escalation time
    [told] = await api.wait_for_messages(ADMIN_ID, after=mark)
    pick = await bot.tap(coordinator, told, texts.transfer_gone_button)
    mark = after(bot)
    api.press_button(coordinator, pick, THERE)
    [card] = await api.wait_for_messages(STAFF_OTHER_DESK, after=mark)
    gone = texts.contact_desk_gone
    assert f"电话：{texts.desk_contact_withheld.format(desk=gone)}" in card.content
    [notice] = await api.wait_for_messages(resident.id, after=mark)
    assert notice.content == plain_text(
        f"{texts.transferred_resident.format(id=1, desk=THERE)}\n"
        f"{texts.transferred_contact_ask.format(desk=gone, new=THERE)}"
    )
    redrawn = await agreed_here(bot, resident, notice, came_from=gone)
    assert redrawn.message_id == card.message_id
    assert (await stored_ticket(bot)).contact_desks == {"test-office", "other-office"}
