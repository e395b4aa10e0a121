"""Groups: the bot speaks only when addressed (@mention, a reply to it, or /ask)."""

import pytest

from domain.answers import plain_text
from local_api import FakeChat
from storage.models import QuestionLog
from tests.e2e.conftest import Harness

DEBT = "debt-collection"


def debt_title(bot: Harness) -> str:
    return bot.services.library.cards[DEBT].title


def new_group(bot: Harness) -> FakeChat:
    return bot.api.group(-1001900, "村民群")


async def assert_silent(bot: Harness, group: FakeChat) -> None:
    await bot.settle()
    assert bot.api.messages_to(group.id) == []


async def test_plain_text_in_a_group_gets_no_reply(bot: Harness) -> None:
    group, user = new_group(bot), bot.api.user(1901)
    bot.api.send_text(user, "借钱不还怎么办", chat=group)
    await assert_silent(bot, group)


@pytest.mark.parametrize(
    "text",
    [
        "@pufa_demo_bot 借钱不还怎么办",
        "借钱不还怎么办 @pufa_demo_bot",
        "@PUFA_DEMO_BOT 借钱不还怎么办",
    ],
)
async def test_mention_in_a_group_gets_a_card(bot: Harness, text: str) -> None:
    group, user = new_group(bot), bot.api.user(1902)
    card = await bot.ask(user, text, chat=group)
    assert card.content.startswith(debt_title(bot))
    await bot.services.question_log.flush()  # logged a moment after the answer
    async with bot.services.db.session() as session:
        row = await session.get(QuestionLog, 1)
    assert row is not None and (row.chat_type, row.source) == ("supergroup", "group")
    assert row.text.strip() == "借钱不还怎么办"


@pytest.mark.parametrize("command", ["/ask 借钱不还", "/ask@pufa_demo_bot 借钱不还"])
async def test_ask_command_in_a_group_gets_a_card(bot: Harness, command: str) -> None:
    group, user = new_group(bot), bot.api.user(1903)
    bot.api.send_command(user, command, chat=group)
    [card] = await bot.api.wait_for_messages(group.id)
    assert card.content.startswith(debt_title(bot))


async def test_bare_mention_or_empty_ask_gets_the_group_hint(bot: Harness) -> None:
    group, user = new_group(bot), bot.api.user(1904)
    hint = await bot.ask(user, "@pufa_demo_bot", chat=group)
    assert hint.text == bot.ui.group_hint
    bot.api.send_command(user, "/ask", chat=group)
    [again] = await bot.api.wait_for_messages(group.id)
    assert again.text == bot.ui.group_hint


async def test_reply_to_the_bot_is_a_question(bot: Harness) -> None:
    group, user = new_group(bot), bot.api.user(1905)
    hint = await bot.ask(user, "@pufa_demo_bot", chat=group)
    bot.api.send_text(user, "借钱不还怎么办", chat=group, reply_to=hint.message_id)
    [card] = await bot.api.wait_for_messages(group.id)
    assert card.content.startswith(debt_title(bot))


async def test_reply_to_a_person_or_mention_of_someone_else_is_ignored(bot: Harness) -> None:
    group, user, friend = new_group(bot), bot.api.user(1906), bot.api.user(1907)
    bot.api.send_text(friend, "大家好", chat=group)
    bot.api.send_text(user, "借钱不还怎么办", chat=group, reply_to=1)
    bot.api.send_text(user, "@someone_else 借钱不还怎么办", chat=group)
    bot.api.send_text(user, "@pufa_demo_bot2 借钱不还怎么办", chat=group)
    await assert_silent(bot, group)


@pytest.mark.parametrize("command", ["/foo", "/foo@pufa_demo_bot", "/legalaid_now"])
async def test_unknown_command_in_a_group_gets_no_reply(bot: Harness, command: str) -> None:
    group, user = new_group(bot), bot.api.user(1908)
    bot.api.send_command(user, command, chat=group)
    await assert_silent(bot, group)


async def test_media_and_locations_in_a_group_get_no_reply(bot: Harness) -> None:
    group, user = new_group(bot), bot.api.user(1909)
    bot.api.send_sticker(user, chat=group)
    bot.api.send_photo(user, "借钱不还", chat=group)
    bot.api.send_voice(user, chat=group)
    bot.api.send_location(user, 30.0, 110.0, chat=group)
    await assert_silent(bot, group)


async def test_commands_work_in_a_group(bot: Harness) -> None:
    group, user = new_group(bot), bot.api.user(1910)
    bot.api.send_command(user, "/help@pufa_demo_bot", chat=group)
    [help_message] = await bot.api.wait_for_messages(group.id)
    assert "/legalaid" in help_message.content
    bot.api.send_command(user, "/topics", chat=group)
    [topics] = await bot.api.wait_for_messages(group.id)
    assert topics.text == bot.ui.topics_title


async def test_leaving_a_message_from_a_group_opens_it_in_the_private_chat(bot: Harness) -> None:
    """留言给工作人员 under an answer in a group is a link that opens the message (its field
    known) in the private chat; a button from before it was a link says the same with one;
    /help's too. Nothing about the resident's case is asked in the group."""
    group, user = new_group(bot), bot.api.user(1920)
    texts, username = bot.ui.tickets, bot.app.bot.username
    field = bot.services.library.cards[DEBT].category
    bot.api.send_command(user, "/ask 借钱不还怎么办", chat=group)
    [card] = await bot.api.wait_for_messages(group.id)
    bot.api.press_button(user, card, bot.ui.unsolved_button)
    [thanks] = await bot.api.wait_for_messages(group.id)
    link = thanks.find_button(texts.leave_button)
    assert link["url"] == f"https://t.me/{username}?start=msg_c_{field}"
    assert "callback_data" not in link
    bot.api.send_command(user, "/help", chat=group)
    [help_message] = await bot.api.wait_for_messages(group.id)
    assert help_message.find_button(texts.leave_button)["url"].endswith("?start=msg")
    answer = await bot.press(user, card, f"1:dk:new:{field}")  # an older message's button
    assert answer["text"] is None  # no bare alert: a link follows
    [note] = await bot.api.wait_for_messages(group.id)
    assert note.content == texts.private_only
    assert note.find_button(texts.private_button)["url"] == link["url"]
    assert await bot.services.chats.open(user.id) == []
    bot.api.send_command(user, f"/start msg_c_{field}")
    [town] = await bot.api.wait_for_messages(user.id)
    assert town.content == plain_text(f"{texts.ask_title}\n{texts.ask_town}")  # field known
    bot.api.send_command(user, "/start msg")
    left, category = await bot.replies(user.id, 2)
    assert left.content.startswith("已退出") and category.content.startswith("✉️ 留言给工作人员")
    assert bot.as_now(town).buttons() == []  # the chat ended on it


async def test_adviser_in_a_group_links_to_the_adviser_lookup(bot: Harness) -> None:
    group, user = new_group(bot), bot.api.user(1921)
    bot.api.send_command(user, "/adviser", chat=group)
    [note] = await bot.api.wait_for_messages(group.id)
    [[button]] = note.buttons()
    assert button["url"] == f"https://t.me/{bot.app.bot.username}?start=adviser"
    bot.api.send_command(user, "/start adviser")
    [towns] = await bot.api.wait_for_messages(user.id)
    assert towns.content.startswith(bot.ui.residents.adviser_ask_town)


async def test_the_menus_legal_aid_button_in_a_group_links_to_the_private_chat(
    bot: Harness,
) -> None:
    """📍 找法律援助 under /start's menu in a group: the link to the private chat, once
    answered (the press was answered twice, and the second answer's error left no reply)."""
    group, user = new_group(bot), bot.api.user(1922)
    bot.api.send_command(user, "/start", chat=group)
    [menu] = await bot.api.wait_for_messages(group.id)
    answer = await bot.press(user, menu, "1:m:aid")
    assert answer["text"] is None
    [note] = await bot.api.wait_for_messages(group.id)
    assert note.content == bot.ui.residents.private_only
    [[button]] = note.buttons()
    assert button["url"] == f"https://t.me/{bot.app.bot.username}?start=legalaid"
    answers = [call for call in bot.api.calls if call.method == "answerCallbackQuery"]
    assert len(answers) == 1


async def test_the_menus_ask_button_in_a_group_says_how_to_ask_there(bot: Harness) -> None:
    """💬 问个问题 in a group says to @ the bot or use /ask: plain text there gets no answer."""
    group, user = new_group(bot), bot.api.user(1923)
    bot.api.send_command(user, "/start", chat=group)
    [menu] = await bot.api.wait_for_messages(group.id)
    hint = await bot.tap(user, menu, bot.ui.menu_ask)
    assert hint.text == bot.ui.group_hint
    private_menu = await bot.ask(user, "/start")
    prompt = await bot.tap(user, private_menu, bot.ui.menu_ask)
    assert prompt.text == bot.ui.ask_prompt


async def test_a_greeting_in_a_group_says_how_to_ask_there(bot: Harness) -> None:
    """你好 to the bot in a group gets the group hint, not "send me your question" (plain text
    there gets no answer); in the private chat it still gets the greeting and the menu."""
    group, user = new_group(bot), bot.api.user(1924)
    hint = await bot.ask(user, "@pufa_demo_bot 你好", chat=group)
    assert hint.text == bot.ui.group_hint
    bot.api.send_text(user, "你好", chat=group, reply_to=hint.message_id)
    [again] = await bot.api.wait_for_messages(group.id)
    assert again.text == bot.ui.group_hint
    greeting = await bot.ask(user, "你好")
    assert greeting.content == bot.ui.small_talk_greeting
    assert bot.ui.menu_ask in greeting.button_labels()


async def test_thanks_in_a_group_says_how_to_ask_there(bot: Harness) -> None:
    """谢谢 to the bot in a group is thanked with how to ask there (@ the bot or /ask), not
    "随时发给我" (plain text there gets no answer); in the private chat it keeps its reply."""
    group, user = new_group(bot), bot.api.user(1925)
    thanked = await bot.ask(user, "@pufa_demo_bot 谢谢", chat=group)
    assert thanked.source_text is not None and bot.ui.group_hint in thanked.source_text
    assert thanked.source_text == f"{bot.ui.small_talk_thanks_group}\n{bot.ui.group_hint}"
    bot.api.send_text(user, "好的，谢谢你", chat=group, reply_to=thanked.message_id)
    [replied] = await bot.api.wait_for_messages(group.id)
    bot.api.send_command(user, "/ask 谢谢啦", chat=group)
    [asked] = await bot.api.wait_for_messages(group.id)
    assert replied.source_text == asked.source_text == thanked.source_text
    private = await bot.ask(user, "谢谢你啊！")
    assert private.source_text == bot.ui.small_talk_thanks


async def test_goodbye_in_a_group_says_how_to_ask_there(bot: Harness) -> None:
    """拜拜 in a group: not "需要的时候随时来问我" (plain text there gets no answer)."""
    group, user = new_group(bot), bot.api.user(1926)
    left = await bot.ask(user, "@pufa_demo_bot 拜拜", chat=group)
    assert left.source_text == f"{bot.ui.small_talk_goodbye_group}\n{bot.ui.group_hint}"
    private = await bot.ask(user, "再见")
    assert private.source_text == bot.ui.small_talk_goodbye
