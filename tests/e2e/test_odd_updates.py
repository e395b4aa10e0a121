"""The less common updates real users and groups produce: a desk's staff group that becomes a
supergroup or removes the bot, albums where one message is wanted, and messages edited after
they were sent, in and out of guided chats."""

import logging

import pytest

from domain.answers import plain_text
from local_api import FakeUser, SentMessage
from tests.e2e.conftest import ADMIN_ID, THROTTLED_RATE, Harness
from tests.e2e.ticket_steps import (
    DESK_GROUP,
    HERE,
    STAFF,
    TOWN,
    after,
    group,
    leave_message,
    no_phone,
)

SUPERGROUP = -1_002_000_009  # what DESK_GROUP becomes


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


# --- a desk's staff group becomes a supergroup, or removes the bot --------------------------


async def test_a_desk_group_that_becomes_a_supergroup_is_told_what_to_change(
    desks_bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """Telegram gives the group a new id; desks.yaml still names the old one, so residents'
    messages to the desk would go nowhere. The new supergroup and the coordinators are told,
    once (both service messages arrive), which desk's staff_chat_id to change to what, and
    so is the log; a message left before the change says it again in the log."""
    bot, texts = desks_bot, desks_bot.ui.tickets
    group(bot)
    coordinator = bot.api.user(ADMIN_ID, "协调员")
    bot.api.migrate_group(bot.api.user(STAFF), DESK_GROUP, SUPERGROUP)
    [notice] = await bot.api.wait_for_messages(SUPERGROUP)
    [told] = await bot.api.wait_for_messages(coordinator.id)
    await bot.settle()
    expected = texts.desk_group_migrated.format(desks=HERE, old=DESK_GROUP, new=SUPERGROUP)
    assert notice.content == told.content == plain_text(expected)
    assert len(bot.sent_to(SUPERGROUP)) == 1 and len(bot.sent_to(coordinator.id)) == 1
    logged = [m for m in warnings(caplog) if "test-office" in m and str(SUPERGROUP) in m]
    assert len(logged) == 1 and "staff_chat_id" in logged[0], warnings(caplog)

    caplog.clear()
    await leave_message(bot, bot.api.user(7_300_100), "老板拖欠我三个月工资")
    await bot.settle()
    [failed] = [m for m in warnings(caplog) if str(SUPERGROUP) in m]
    assert "test-office" in failed and "staff_chat_id" in failed
    assert "拖欠" not in "\n".join(warnings(caplog))


async def test_a_group_that_is_no_desks_becomes_a_supergroup_quietly(desks_bot: Harness) -> None:
    bot = desks_bot
    bot.api.group(-4_100_001, "居民群")
    coordinator = bot.api.user(ADMIN_ID, "协调员")
    bot.api.migrate_group(bot.api.user(7_300_101), -4_100_001, -1_004_100_001)
    await bot.settle()
    assert bot.sent_to(-1_004_100_001) == [] and bot.sent_to(coordinator.id) == []


@pytest.mark.parametrize("status", ["left", "kicked"])
async def test_a_desk_group_that_removes_the_bot_is_reported_to_the_coordinators(
    desks_bot: Harness, caplog: pytest.LogCaptureFixture, status: str
) -> None:
    bot, texts = desks_bot, desks_bot.ui.tickets
    group(bot)
    coordinator = bot.api.user(ADMIN_ID, "协调员")
    bot.api.my_chat_member(bot.api.user(STAFF), status, chat=DESK_GROUP)
    [told] = await bot.api.wait_for_messages(coordinator.id)
    assert told.content == plain_text(texts.desk_group_left.format(desks=HERE, chat=DESK_GROUP))
    assert [m for m in warnings(caplog) if "test-office" in m and str(DESK_GROUP) in m]
    # made an admin again later, or added to another group: nothing to tell
    bot.api.my_chat_member(bot.api.user(STAFF), "administrator", old_status=status, chat=-77)
    await bot.settle()
    assert len(bot.sent_to(coordinator.id)) == 1


# --- albums: one answer, not one per photo -------------------------------------------------


async def test_an_album_outside_any_chat_gets_one_reply(bot: Harness) -> None:
    resident = bot.api.user(7_300_102)
    bot.api.send_album(resident, 3)
    [reply] = await bot.api.wait_for_messages(resident.id)
    await bot.settle()
    assert reply.text == bot.ui.non_text
    assert len(bot.sent_to(resident.id)) == 1


async def text_prompt(bot: Harness, resident: FakeUser) -> SentMessage:
    """/help → 留言给工作人员 → 劳动 → TOWN: the question asking for the message's text."""
    texts = bot.ui.tickets
    help_message = await bot.ask(resident, "/help")
    category = await bot.tap(resident, help_message, texts.leave_button)
    field = next(c for c in bot.services.library.categories if c.id == "labor")
    town_prompt = await bot.answer(resident, category, field.name)
    return await bot.answer(resident, town_prompt, TOWN)


async def test_an_album_at_a_step_that_wants_text_is_answered_once(desks_bot: Harness) -> None:
    """A resident sends three photos of their contract where the message to staff asks for
    text: told once (with the question again), not three times."""
    bot = desks_bot
    resident = bot.api.user(7_300_103)
    await text_prompt(bot, resident)
    mark = after(bot)
    bot.api.send_album(resident, 3)
    told, question = await bot.api.wait_for_messages(resident.id, 2, after=mark)
    await bot.settle()
    assert told.text == bot.ui.tickets.wrong_input
    assert [m.index for m in bot.api.messages_to(resident.id) if m.index >= mark] == [
        told.index,
        question.index,
    ]
    # the chat goes on
    bot.api.send_text(resident, "老板拖欠我三个月工资")
    _kept, skip = await bot.api.wait_for_messages(resident.id, 2, after=question.index + 1)
    assert "老板拖欠我三个月工资" in (await no_phone(bot, resident, skip)).content


async def test_an_album_at_a_question_with_buttons_redraws_it_once(desks_bot: Harness) -> None:
    """At the phone question (with its 不留电话 button) an album: one reply and one copy of
    the question with its button, not three."""
    bot = desks_bot
    resident = bot.api.user(7_300_104)
    await text_prompt(bot, resident)
    bot.api.send_text(resident, "老板拖欠我三个月工资")
    await bot.api.wait_for_messages(resident.id, 2)
    mark = after(bot)
    bot.api.send_album(resident, 3)
    await bot.api.wait_for_messages(resident.id, 2, after=mark)
    await bot.settle()
    sent = [m for m in bot.api.messages_to(resident.id) if m.index >= mark and m.action == "send"]
    assert len(sent) == 3 and sent[0].text == bot.ui.tickets.wrong_input, sent
    assert sum(bool(m.buttons()) for m in sent) == 1


# --- a message edited after it was sent ----------------------------------------------------


async def test_a_text_edited_during_a_message_to_staff_is_not_answered_as_a_question(
    desks_bot: Harness,
) -> None:
    """The resident corrects their message to staff (an edit) at the phone question: no
    legal card comes back as if it were a new question; they are told the change is not
    taken, and the summary still shows what the desk will get."""
    bot = desks_bot
    resident = bot.api.user(7_300_105)
    await text_prompt(bot, resident)
    sent = bot.api.send_text(resident, "老板拖欠我三个月工资")
    _ask, skip = await bot.api.wait_for_messages(resident.id, 2)
    mark = after(bot)
    bot.api.edit_text(resident, sent["message"]["message_id"], "被公司辞退了怎么办")
    [reply] = await bot.api.wait_for_messages(resident.id, after=mark)
    await bot.settle()
    assert reply.text == bot.ui.chat.edit_not_taken.format(name="留言给工作人员")
    assert [m.index for m in bot.api.messages_to(resident.id) if m.index >= mark] == [reply.index]
    summary = await no_phone(bot, resident, skip)
    assert "老板拖欠我三个月工资" in summary.content and "辞退" not in summary.content


async def test_a_broadcast_text_edited_before_it_goes_out_is_not_taken_for_a_question(
    bot_with_admins: Harness,
) -> None:
    """The coordinator fixes a typo in the text they gave /broadcast: told the edit is not
    used, not answered with a legal card; the chat goes on where it was."""
    bot = bot_with_admins
    coordinator = bot.api.user(ADMIN_ID, "协调员")
    await bot.ask(coordinator, "/broadcast")
    sent = bot.api.send_text(coordinator, "本周六上午普法集市")
    [audience] = await bot.replies(coordinator.id, 1)
    assert audience.buttons()
    mark = after(bot)
    bot.api.edit_text(coordinator, sent["message"]["message_id"], "本周日上午普法集市")
    [reply] = await bot.api.wait_for_messages(coordinator.id, after=mark)
    await bot.settle()
    assert reply.text == bot.ui.chat.edit_not_taken.format(name="新建通知")
    assert bot.as_now(audience).buttons()
    assert [m.index for m in bot.api.messages_to(coordinator.id) if m.index >= mark] == [
        reply.index
    ]


@pytest.mark.parametrize(
    ("first", "edited"),
    [
        ("城关社区文化广场", "东山村委会"),  # an answer given to a chat that has ended
        ("老板拖欠工资怎么办", "被公司辞退了能拿多少补偿"),  # a question answered
        ("/hotlines", "/legalaid"),  # a command: not run again (nor would /start end chats)
    ],
)
async def test_a_message_edited_outside_any_chat_is_not_handled_again(
    bot: Harness, first: str, edited: str
) -> None:
    """With no chat open the edit gets one line saying to send it again, never a legal card
    (the edited text may well be an answer a finished report or message to staff took)."""
    resident = bot.api.user(7_300_106)
    sent = bot.api.send_text(resident, first)
    await bot.api.wait_for_messages(resident.id)
    await bot.settle()
    mark = after(bot)
    bot.api.edit_text(resident, sent["message"]["message_id"], edited)
    [reply] = await bot.api.wait_for_messages(resident.id, after=mark)
    await bot.settle()
    assert reply.text == bot.ui.chat.edit_not_read
    assert [m.index for m in bot.api.messages_to(resident.id) if m.index >= mark] == [reply.index]


async def test_staff_editing_their_reply_in_the_desk_group_gets_no_legal_card(
    desks_bot: Harness,
) -> None:
    """Staff answer a resident by replying to the ticket in their group, then fix a typo:
    the edit is not taken for a question to the bot (no card in the staff group), nor sent
    to the resident a second time."""
    bot = desks_bot
    staff_group = group(bot)
    resident = bot.api.user(7_300_108)
    mark = after(bot)
    await leave_message(bot, resident, "老板拖欠我三个月工资")
    [ticket] = await bot.api.wait_for_messages(DESK_GROUP, after=mark)
    mark = after(bot)
    sent = bot.api.send_text(
        bot.api.user(STAFF), "请带上劳动合同来所里", chat=staff_group, reply_to=ticket.message_id
    )
    await bot.api.wait_for_messages(resident.id, after=mark)
    await bot.settle()
    mark = after(bot)
    bot.api.edit_text(
        bot.api.user(STAFF), sent["message"]["message_id"], "请带上劳动合同和工资条来所里",
        chat=staff_group,
    )  # fmt: skip
    await bot.settle()
    assert [m for m in bot.api.state.sent[mark:] if m.chat_id in (DESK_GROUP, resident.id)] == []


async def test_a_flood_of_edits_is_limited_like_a_flood_of_messages(
    throttled_bot: Harness,
) -> None:
    """Each edit is answered (one line), so edits count against the person's limit as
    messages do: past it they are dropped, and the bot says nothing more."""
    bot = throttled_bot
    resident = bot.api.user(7_300_107)
    sent = bot.api.send_text(resident, "借钱不还怎么办")
    await bot.api.wait_for_messages(resident.id)
    await bot.settle()
    mark = after(bot)
    for n in range(30):
        bot.api.edit_text(resident, sent["message"]["message_id"], f"借钱不还怎么办{n}")
    await bot.settle()
    said = [m.text for m in bot.api.messages_to(resident.id) if m.index >= mark]
    assert said == [bot.ui.chat.edit_not_read] * (THROTTLED_RATE - 1)
