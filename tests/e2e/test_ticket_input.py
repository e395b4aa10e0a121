"""What a resident types into 留言给工作人员: card numbers hidden before anything is stored or
passed on, a phone number in the text said plainly on the summary, a message long enough to
act on, later bubbles added to it, and a typed mobile number as consent to share it."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from content.loader import Library
from content.search import SearchIndex
from local_api import FakeUser, SentMessage
from storage.tickets import get_ticket
from tests.e2e.conftest import Harness
from tests.e2e.ticket_steps import TOWN, after, desk_message, desks_running, group, no_phone

ID_CARD, BANK_CARD = "11010519491231002X", "6222 0212 3456 7890 123"


@pytest.fixture
async def desks_bot(
    tmp_path: Path, library: Library, index: SearchIndex
) -> AsyncIterator[Harness]:
    async with desks_running(tmp_path, library, index) as bot:
        group(bot)
        yield bot


async def to_the_text(bot: Harness, resident: FakeUser) -> SentMessage:
    """/help → 留言给工作人员 → 劳动 → the town; returns the text prompt."""
    texts = bot.ui.tickets
    help_message = await bot.ask(resident, "/help")
    category = await bot.tap(resident, help_message, texts.leave_button)
    town = await bot.answer(resident, category, "劳动")
    return await bot.answer(resident, town, TOWN)


async def test_card_numbers_are_hidden_before_anyone_sees_them(desks_bot: Harness) -> None:
    bot, texts, api = desks_bot, desks_bot.ui.tickets, desks_bot.api
    resident = api.user(7_350_001)
    await to_the_text(bot, resident)
    api.send_text(resident, f"工资没到账，身份证{ID_CARD}，工资卡{BANK_CARD}")
    hidden, _ask, skip = await api.wait_for_messages(resident.id, 3)
    assert hidden.content == texts.numbers_hidden
    summary = await no_phone(bot, resident, skip)
    masked = f"工资没到账，身份证{'*' * 18}，工资卡{'*' * len(BANK_CARD)}"
    assert masked in summary.content and "电话：不留电话\n" in summary.content
    mark = after(bot)
    sent = await bot.last_answer(resident, summary, texts.send_button)
    ticket = await desk_message(bot, mark)
    assert masked in ticket.content and "1231" not in ticket.content
    # 补充 too
    await bot.tap(resident, sent, texts.more_button)
    mark = after(bot)
    api.send_text(resident, f"卡号是{BANK_CARD.replace(' ', '')}")
    follow = await desk_message(bot, mark)
    assert follow.content.endswith("卡号是" + "*" * 19)
    [told] = await api.wait_for_messages(resident.id, after=mark)
    assert told.content.startswith(texts.numbers_hidden)
    async with bot.services.db.session() as session:
        stored = await get_ticket(session=session, ticket_id=1)
    assert stored is not None and stored.text == masked


async def test_a_phone_number_in_the_text_is_not_called_no_phone(desks_bot: Harness) -> None:
    """No number shared, but one written in the message: it goes as written (it may well be
    the boss's, which staff need), and the summary says staff will see it."""
    bot, texts, api = desks_bot, desks_bot.ui.tickets, desks_bot.api
    resident = api.user(7_350_002)
    await to_the_text(bot, resident)
    api.send_text(resident, "老板不接电话，他的号码是13812345678")
    _ask, skip = await api.wait_for_messages(resident.id, 2)
    summary = await no_phone(bot, resident, skip)
    assert f"电话：{texts.contact_in_text}" in summary.content
    assert "13812345678" in summary.content


async def test_a_message_too_short_is_asked_for_more(desks_bot: Harness) -> None:
    bot, texts, api = desks_bot, desks_bot.ui.tickets, desks_bot.api
    resident = api.user(7_350_003)
    await to_the_text(bot, resident)
    too_short = await bot.ask(resident, "短")
    assert too_short.content == texts.text_too_short.format(min=5)
    api.send_text(resident, "老板欠薪 三个月")  # five characters and more (spaces aside)
    _ask, _skip = await api.wait_for_messages(resident.id, 2)


async def test_later_bubbles_are_added_to_the_message(desks_bot: Harness) -> None:
    """Residents write in several bubbles: those sent while the phone number or the summary is
    asked are added to the message, not refused and lost; only the summary showing them
    sends."""
    bot, texts, api = desks_bot, desks_bot.ui.tickets, desks_bot.api
    resident = api.user(7_350_004)
    await to_the_text(bot, resident)
    api.send_text(resident, "老板拖欠工资三个月了")
    _ask, skip = await api.wait_for_messages(resident.id, 2)
    added = await bot.ask(resident, "一共一万二千元")
    assert added.content == texts.text_added
    summary = await no_phone(bot, resident, skip)
    assert "老板拖欠工资三个月了\n一共一万二千元" in summary.content
    api.send_text(resident, f"工资卡{BANK_CARD}")
    hidden_added, again = await bot.next_question(resident, summary, said=1)
    assert hidden_added.content == f"{texts.numbers_hidden}\n{texts.text_added}"
    assert again.content.endswith("一共一万二千元\n工资卡" + "*" * len(BANK_CARD))
    full = await bot.ask(resident, "工" * 990)
    assert full.content == texts.text_full.format(max=1000)
    # The older summary does not show what was added: it lost its buttons, and its 发送 (a
    # press already on its way) sends nothing; the summary as it is now comes again, and
    # that one sends it all.
    answer = await bot.press(
        resident, summary, summary.find_button(texts.send_button)["callback_data"]
    )
    assert answer["text"] == bot.ui.chat.outdated_card and answer["show_alert"]
    [latest] = await bot.next_question(resident, again)
    assert latest.content == again.content
    mark = after(bot)
    await bot.tap(resident, latest, texts.send_button)
    ticket = await desk_message(bot, mark)
    assert "一万二千元\n工资卡****" in ticket.content and "工工" not in ticket.content


async def test_a_typed_mobile_number_is_shared(desks_bot: Harness) -> None:
    bot, texts, api = desks_bot, desks_bot.ui.tickets, desks_bot.api
    resident = api.user(7_350_005)
    await to_the_text(bot, resident)
    api.send_text(resident, "老板拖欠工资三个月了")
    _ask, skip = await api.wait_for_messages(resident.id, 2)
    wrong = await bot.ask(resident, "1391234567")  # ten digits
    assert wrong.content == texts.phone_typed_bad
    api.send_text(resident, "+86 139-1234-5678")
    _noted, summary = await bot.next_question(resident, skip, said=1)
    assert "电话：13912345678" in summary.content
    assert "1391234567\n" not in summary.content  # the wrong one was not added to the text
    mark = after(bot)
    await bot.last_answer(resident, summary, texts.send_button)
    assert "电话：13912345678" in (await desk_message(bot, mark)).content


async def test_wrong_input_points_below(desks_bot: Harness) -> None:
    bot, texts, api = desks_bot, desks_bot.ui.tickets, desks_bot.api
    resident = api.user(7_350_006)
    help_message = await bot.ask(resident, "/help")
    fields = await bot.tap(resident, help_message, texts.leave_button)
    api.send_text(resident, "好的")  # too short to be the message, where the field is asked
    wrong, again = await bot.next_question(resident, fields, said=1)
    assert wrong.content == texts.wrong_input and "下面" in wrong.content
    assert again.content == texts.ask_category  # (its title came with it once, above)


async def test_the_summary_after_sending_says_what_is_possible(desks_bot: Harness) -> None:
    """发送 again says it went; 取消 says it cannot be taken back, and how to add to it."""
    bot, texts, api = desks_bot, desks_bot.ui.tickets, desks_bot.api
    resident = api.user(7_350_007)
    await to_the_text(bot, resident)
    api.send_text(resident, "老板拖欠工资三个月了")
    _ask, skip = await api.wait_for_messages(resident.id, 2)
    summary = await no_phone(bot, resident, skip)
    await bot.last_answer(resident, summary, texts.send_button)
    for label, said in (
        (texts.send_button, texts.already_sent),
        (texts.cancel_button, texts.cancel_after_sent),
    ):
        answer = await bot.press(resident, summary, summary.find_button(label)["callback_data"])
        assert answer["text"] == said, label


async def test_a_message_typed_where_the_town_is_asked_is_kept_and_only_the_town_asked(
    desks_bot: Harness,
) -> None:
    """Residents often write their story at once: it is not thrown away; a town typed the
    way /adviser reads it (城关镇 for 示例县城关镇) then goes on to the phone question."""
    bot, texts, api = desks_bot, desks_bot.ui.tickets, desks_bot.api
    resident = api.user(7_350_020)
    help_message = await bot.ask(resident, "/help")
    category = await bot.tap(resident, help_message, texts.leave_button)
    town_prompt = await bot.answer(resident, category, "劳动")
    assert town_prompt.content == texts.ask_town
    api.send_text(resident, "老板拖欠工资三个月了，怎么办")
    kept, again = await bot.next_question(resident, town_prompt, said=1)
    assert kept.content == texts.text_kept and again.content == texts.ask_town
    assert again.button_labels() == town_prompt.button_labels()
    api.send_text(resident, "还有加班费也没给")  # another bubble before the town: added
    added, third = await bot.next_question(resident, again, said=1)
    assert added.content == texts.text_added and third.content == texts.ask_town
    api.send_text(resident, "城关镇")
    dropped, ask, skip = await api.wait_for_messages(resident.id, 3)
    assert ask.content.startswith("需要工作人员打电话给你吗")
    # the town was typed: no copy of its question has buttons left to press
    assert (dropped.action, dropped.message_id) == ("edit", third.message_id)
    copies = [town_prompt, again, third]
    assert [bot.as_now(m).buttons() for m in copies] == [[], [], []]
    summary = await no_phone(bot, resident, skip)
    assert "老板拖欠工资三个月了，怎么办\n还有加班费也没给" in summary.content
    assert f"乡镇：{TOWN}" in summary.content


async def test_the_pre_checks_town_is_not_asked_again(desks_bot: Harness) -> None:
    bot, api = desks_bot, desks_bot.api
    resident = api.user(7_350_021)
    api.send_command(resident, "/legalaid")
    [menu] = await api.wait_for_messages(resident.id)
    api.press_button(resident, menu, bot.ui.residents.aid_menu_check)
    _intro, question = await api.wait_for_messages(resident.id, 2)
    api.press_button(resident, question, "受虐待、遗弃或家庭暴力，要维权")
    _edited, town = await api.wait_for_messages(resident.id, 2)
    result = await bot.last_answer(resident, town, TOWN)
    prompt = await bot.tap(resident, result, bot.ui.tickets.leave_button)
    assert "字以内" in prompt.content  # the field (legal aid) and the town are known
    api.send_text(resident, "家暴想申请法律援助，去哪里")
    _ask, skip = await api.wait_for_messages(resident.id, 2)
    summary = await no_phone(bot, resident, skip)
    assert f"乡镇：{TOWN}" in summary.content and "送到：测试镇司法所" in summary.content
