"""📱 请居民给电话: the desk a ticket was moved to, which may not see the resident's number, asks
them itself, with the move notice's question (and its checks). The resident is asked once
while the ticket is there, and the move notice's question is that ask: a resident who said 不用
to it may be asked once more by the desk, never pestered; a question Telegram could not deliver,
or one the bot stopped before sending, does not count. By that desk's staff only (checked at
each press, across a restart). Every redraw of the desk's message (the number given, 查看,
ended) says where it came from."""

from pathlib import Path

from sqlmodel import update

from content.loader import Library
from content.search import SearchIndex
from domain.answers import plain_text
from handlers.kit.callbacks import Kind, make
from handlers.tickets.common import local_when
from local_api import FakeUser, SentMessage
from storage.models import Ticket
from storage.tickets import ask_for_contact
from tests.clock import local
from tests.e2e.conftest import Harness
from tests.e2e.ticket_steps import (
    DESK_GROUP,
    GROUP_MEMBER,
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
    stored_ticket,
)

ASK = make(Kind.DESK, "askphone", 1)


def latest(bot: Harness, message: SentMessage) -> SentMessage:
    """The message as it is now (after the bot's edits)."""
    chat = bot.api.messages_to(message.chat_id)
    return [m for m in chat if m.message_id == message.message_id][-1]


async def asked(bot: Harness, resident: FakeUser, card: SentMessage) -> SentMessage:
    """测试东山司法所's staff member presses 📱 请居民给电话 on the card: the resident gets the
    question (returned), the staff member a note, and the card loses the button."""
    api, texts = bot.api, bot.ui.tickets
    assert texts.phone_ask_button in latest(bot, card).button_labels()
    mark = after(bot)
    assert not (await bot.press(api.user(STAFF_OTHER_DESK), card, ASK)).get("text")
    [question] = await api.wait_for_messages(resident.id, after=mark)
    assert question.content == plain_text(
        f"{texts.phone_ask_resident.format(desk=THERE, id=1)}\n"
        f"{texts.transferred_contact_ask.format(desk=HERE, new=THERE)}"
    )
    assert question.button_labels() == [
        texts.phone_agree_button.format(desk=THERE), texts.phone_decline_button,
    ]  # fmt: skip
    note, _redrawn = await api.wait_for_messages(STAFF_OTHER_DESK, 2, after=mark)
    assert note.content == plain_text(texts.phone_asked_desk.format(id=1))
    await bot.settle()  # every copy with the staff's buttons is redrawn
    assert texts.phone_ask_button not in latest(bot, card).button_labels()
    return question


async def test_the_desk_asks_a_resident_who_said_no_and_they_agree(desks_bot: Harness) -> None:
    bot, api, texts = desks_bot, desks_bot.api, desks_bot.ui.tickets
    resident, other = api.user(7_381_001), api.user(STAFF_OTHER_DESK)
    card, notice = await moved_there(bot, resident)
    came_from = plain_text(texts.moved_from.format(desk=HERE))
    assert came_from in card.content
    await declined_move(bot, resident, notice)

    question = await asked(bot, resident, card)
    redrawn = await agreed_here(bot, resident, question)
    assert redrawn.message_id == card.message_id
    assert redrawn.button_labels() == [
        texts.take_button, texts.reply_button, texts.transfer_button, texts.close_button,
    ]  # fmt: skip
    has_it = await bot.press(other, card, ASK)
    assert has_it["text"] == texts.phone_ask_has_it

    # 查看 and the ended message say where it came from too
    mark = after(bot)
    api.press(other, card, make(Kind.DESK, "show", 1))
    [shown] = await api.wait_for_messages(STAFF_OTHER_DESK, after=mark)
    assert came_from in shown.content and f"电话：{PHONE}" in shown.content
    assert texts.phone_ask_button not in shown.button_labels()
    reasons = await bot.tap(other, card, texts.close_button)
    mark = after(bot)
    api.press_button(other, reasons, texts.close_phoned_button)
    await api.wait_for_messages(resident.id, after=mark)  # 已结束
    await bot.settle()
    ended = latest(bot, card)
    assert came_from in ended.content and f"电话：{PHONE}" in ended.content
    assert ended.buttons() == []


async def test_only_the_desks_staff_may_ask(desks_bot: Harness) -> None:
    """Staff of the desk it came from, a group member, the resident and forged ids are refused
    (in Chinese) and nothing is asked; a ticket without a number has no question to ask."""
    bot, api, texts = desks_bot, desks_bot.api, desks_bot.ui.tickets
    resident, other = api.user(7_381_002), api.user(STAFF_OTHER_DESK)
    card, notice = await moved_there(bot, resident)
    await declined_move(bot, resident, notice)
    before = await stored_ticket(bot)
    in_group = bot.sent_to(DESK_GROUP)[0]  # the ticket where it was
    heard = len(bot.sent_to(resident.id))
    moved = await bot.press(api.user(STAFF), in_group, ASK)
    assert moved["text"] == texts.moved_away.format(desk=THERE)
    for stranger, message in ((api.user(GROUP_MEMBER), in_group), (resident, notice)):
        assert (await bot.press(stranger, message, ASK))["text"] == texts.not_staff
    for forged in ("askphone:2", "askphone:x", "askphone:1:other-office", "askphone"):
        pressed = await bot.press(other, card, make(Kind.DESK, *forged.split(":")))
        assert pressed["text"] == bot.ui.stale_button
    await bot.settle()
    assert len(bot.sent_to(resident.id)) == heard
    assert await stored_ticket(bot) == before and before.contact_asked_at is None

    mark = after(bot)
    await leave_message(bot, api.user(7_381_003), "邻居装修太吵", phone="")
    bare = await desk_message(bot, mark)
    assert texts.phone_ask_button not in bare.button_labels()
    pressed = await bot.press(api.user(STAFF), bare, make(Kind.DESK, "askphone", 2))
    assert pressed["text"] == texts.desk_no_contact


async def test_a_desk_asks_once_while_the_ticket_is_there(desks_bot: Harness) -> None:
    """A question Telegram could not deliver does not count; one that reached the resident
    is not asked again, answered or not, until the ticket has moved away and back."""
    bot, api, texts = desks_bot, desks_bot.api, desks_bot.ui.tickets
    bot.clock.flowing = False
    bot.clock.set(local(2026, 3, 10, 10, 0))
    resident, other = api.user(7_381_004), api.user(STAFF_OTHER_DESK)
    card, notice = await moved_there(bot, resident)
    await declined_move(bot, resident, notice)
    heard = len(bot.sent_to(resident.id))
    api.block(resident.id)
    blocked = await bot.press(other, card, ASK)
    assert blocked["text"] == texts.phone_ask_unreachable
    assert (await stored_ticket(bot)).contact_asked_at is None
    api.unblock(resident.id)
    assert texts.phone_ask_button in latest(bot, card).button_labels()

    question = await asked(bot, resident, card)
    stored = await stored_ticket(bot)
    assert stored.contact_asked_at == local(2026, 3, 10, 10, 0)
    when = local_when(texts, bot.services.tz, stored.contact_asked_at)
    again = await bot.press(other, card, ASK)
    assert again["text"] == texts.phone_ask_already.format(when=when)
    mark = after(bot)
    api.press_button(resident, question, texts.phone_decline_button)
    await api.wait_for_messages(resident.id, 2, after=mark)
    bot.clock.set(local(2026, 3, 11, 10, 0))  # the next day: still once
    again = await bot.press(other, card, ASK)
    assert again["text"] == texts.phone_ask_already.format(when=when)
    await bot.settle()
    assert len(bot.sent_to(resident.id)) == heard + 2  # the question and 好的
    assert (await stored_ticket(bot)).contact_desks == {"test-office"}

    # away (to the desk with the number: no button) and back: the desk may ask once more
    pick = await bot.tap(other, card, texts.transfer_button)
    mark = after(bot)
    api.press_button(other, pick, HERE)
    back_here = await desk_message(bot, mark)
    await api.wait_for_messages(resident.id, after=mark)  # told, with nothing to ask
    assert texts.phone_ask_button not in back_here.button_labels()
    assert plain_text(texts.moved_from.format(desk=THERE)) in back_here.content
    pick = await bot.tap(api.user(STAFF), back_here, texts.transfer_button)
    mark = after(bot)
    api.press_button(api.user(STAFF), pick, THERE)
    [card_again] = await api.wait_for_messages(STAFF_OTHER_DESK, after=mark)
    [notice_again] = await api.wait_for_messages(resident.id, after=mark)  # it asks again
    assert texts.phone_ask_button not in card_again.button_labels()
    await declined_move(bot, resident, notice_again)
    question = await asked(bot, resident, card_again)
    await agreed_here(bot, resident, question)


async def test_the_limit_and_the_question_outlast_a_restart(
    tmp_path: Path, library: Library, index: SearchIndex
) -> None:
    """Also a ticket moved before the desk it came from was kept and the move notice's
    question counted (as migrations 0025 and 0027 leave it): 查看 brings the button to ask
    (its old message has none), without a moved-from line."""
    async with desks_server(tmp_path, library, index) as server:
        assert server.harness is not None
        bot, api, texts = server.harness, server.api, server.harness.ui.tickets
        resident, other = api.user(7_381_005), api.user(STAFF_OTHER_DESK)
        card, _notice = await moved_there(bot, resident)
        await bot.settle()  # the notice is marked sent
        async with bot.services.db.session() as session:
            await session.exec(
                update(Ticket).values(
                    moved_from_desk_id=None, contact_asked_at=None, contact_asked_on_move=False
                )
            )
        mark = after(bot)
        api.press(other, card, make(Kind.DESK, "show", 1))
        [shown] = await api.wait_for_messages(STAFF_OTHER_DESK, after=mark)
        assert plain_text(texts.moved_from.format(desk=HERE)) not in shown.content
        question = await asked(bot, resident, shown)
        assert texts.phone_ask_button not in latest(bot, card).button_labels()
        bot = await server.restart()
        stored = await stored_ticket(bot)
        assert stored.contact_asked_at is not None
        when = local_when(texts, bot.services.tz, stored.contact_asked_at)
        again = await bot.press(other, shown, ASK)
        assert again["text"] == texts.phone_ask_already.format(when=when)
        redrawn = await agreed_here(bot, resident, question, came_from=None)
        assert redrawn.message_id == card.message_id


async def test_the_move_notice_is_the_desks_ask_until_the_resident_says_no(
    desks_bot: Harness,
) -> None:
    """The moved ticket's message comes without 📱 请居民给电话 while the move notice's question
    is open (a press from elsewhere is told so, and asks nothing); 不用 to it brings the button,
    and the desk asks once; after a 不用 to that, nothing brings it back."""
    bot, api, texts = desks_bot, desks_bot.api, desks_bot.ui.tickets
    bot.clock.flowing = False
    bot.clock.set(local(2026, 3, 10, 10, 0))
    resident, other = api.user(7_381_006), api.user(STAFF_OTHER_DESK)
    card, notice = await moved_there(bot, resident)
    heard = len(bot.sent_to(resident.id))
    on_move = local_when(texts, bot.services.tz, local(2026, 3, 10, 10, 0))
    early = await bot.press(other, card, ASK)
    assert early["text"] == texts.phone_ask_on_move.format(when=on_move)
    await bot.settle()
    assert len(bot.sent_to(resident.id)) == heard

    bot.clock.set(local(2026, 3, 10, 11, 0))
    await declined_move(bot, resident, notice)
    question = await asked(bot, resident, card)
    mark = after(bot)
    api.press_button(resident, question, texts.phone_decline_button)
    await api.wait_for_messages(resident.id, 2, after=mark)  # the buttons go; 好的
    # the move notice's 不用 again (a second device): it was the desk's turn since
    replayed = notice.find_button(texts.phone_decline_button)["callback_data"]
    await bot.press(resident, notice, replayed)
    await bot.settle()
    assert texts.phone_ask_button not in latest(bot, card).button_labels()
    when = local_when(texts, bot.services.tz, local(2026, 3, 10, 11, 0))
    again = await bot.press(other, card, ASK)
    assert again["text"] == texts.phone_ask_already.format(when=when)
    await bot.settle()
    assert len(bot.sent_to(resident.id)) == heard + 4  # 好的, the question, 好的 (twice)


async def test_a_move_notice_telegram_could_not_deliver_leaves_the_ask_to_the_desk(
    desks_bot: Harness,
) -> None:
    bot, api, texts = desks_bot, desks_bot.api, desks_bot.ui.tickets
    resident, staff = api.user(7_381_007), api.user(STAFF)
    group(bot)
    mark = after(bot)
    await leave_message(bot, resident, "老板拖欠我三个月工资", phone=PHONE)
    ticket = await desk_message(bot, mark)
    pick = await bot.tap(staff, ticket, texts.transfer_button)
    api.block(resident.id)
    mark = after(bot)
    api.press_button(staff, pick, THERE)
    card, redrawn = await api.wait_for_messages(STAFF_OTHER_DESK, 2, after=mark)
    assert texts.phone_ask_button not in card.button_labels()
    assert (redrawn.action, redrawn.message_id) == ("edit", card.message_id)
    assert texts.phone_ask_button in redrawn.button_labels()
    assert (await stored_ticket(bot)).contact_asked_at is None
    api.unblock(resident.id)
    question = await asked(bot, resident, card)
    await agreed_here(bot, resident, question)


async def test_an_ask_the_bot_stopped_before_sending_does_not_count(
    tmp_path: Path, library: Library, index: SearchIndex
) -> None:
    """Each ask is recorded before its question goes: one the bot stopped before sending (the
    move notice's, or the desk's) is forgotten at the next start, and the desk's message of the
    ticket offers 📱 请居民给电话 (again)."""
    async with desks_server(tmp_path, library, index) as server:
        assert server.harness is not None
        bot, api, texts = server.harness, server.api, server.harness.ui.tickets
        resident = api.user(7_381_008)
        card, _notice = await moved_there(bot, resident)
        await bot.settle()  # the notice is marked sent
        async with bot.services.db.session() as session:  # as if it stopped before the notice
            await session.exec(update(Ticket).values(contact_ask_sending=True))
        mark = after(bot)
        bot = await server.restart()
        [redrawn] = await api.wait_for_messages(STAFF_OTHER_DESK, after=mark)
        assert (redrawn.action, redrawn.message_id) == ("edit", card.message_id)
        assert texts.phone_ask_button in redrawn.button_labels()
        assert (await stored_ticket(bot)).contact_asked_at is None

        async with bot.services.db.session() as session:  # pressed, stopped before the question
            recorded = await ask_for_contact(
                session=session, ticket_id=1, desk_id="other-office", now=bot.services.now()
            )
        assert recorded
        bot = await server.restart()
        assert (await stored_ticket(bot)).contact_asked_at is None
        question = await asked(bot, resident, card)
        bot = await server.restart()  # an ask that went stays one
        stored = await stored_ticket(bot)
        assert stored.contact_asked_at is not None
        when = local_when(texts, bot.services.tz, stored.contact_asked_at)
        again = await bot.press(api.user(STAFF_OTHER_DESK), card, ASK)
        assert again["text"] == texts.phone_ask_already.format(when=when)
        await agreed_here(bot, resident, question)
