"""Groups: the bot speaks only when addressed (@mention, a reply to it, or /ask)."""

import pytest

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
