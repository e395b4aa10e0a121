"""Whatever users send: huge texts, media, unknown commands, forged buttons, floods."""

import logging
import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import select

from handlers.kit.throttle import BUTTON_COST
from local_api import FakeUser, LocalBotApi
from storage.models import QuestionLog
from tests.e2e.conftest import THROTTLED_RATE, Harness

MEDIA: dict[str, Callable[[LocalBotApi, FakeUser], Any]] = {
    "sticker": lambda api, user: api.send_sticker(user),
    "voice": lambda api, user: api.send_voice(user),
    "photo": lambda api, user: api.send_photo(user),
    "photo with caption": lambda api, user: api.send_photo(user, "老板拖欠工资"),
    "document": lambda api, user: api.send_document(user),
    "contact": lambda api, user: api.send_contact(user, "+8613800000000"),
}


async def test_longest_possible_text_is_answered_within_limits(bot: Harness) -> None:
    user = bot.api.user(1801)
    bot.api.send_text(user, "我" * 4096)
    replies = await bot.api.wait_for_messages(user.id, 2)
    assert replies[0].text == bot.ui.question_too_long
    assert all(len(r.text or "") <= 4096 for r in replies)
    assert all(c.ok for c in bot.api.calls if c.method == "sendMessage")


async def test_long_markup_heavy_text_is_echoed_safely(bot: Harness) -> None:
    user = bot.api.user(1802)
    bot.api.send_text(user, "<b>&amp;" * 512)
    replies = await bot.api.wait_for_messages(user.id, 2)
    assert "<b>&amp;" in replies[1].content


@pytest.mark.parametrize("text", ["🙂🙂🙂", "😀", "👍", "🇨🇳🇨🇳", "\u200b", "？？？", "😀 ！"])
async def test_text_without_words_is_asked_to_be_written_in_words(bot: Harness, text: str) -> None:
    """Emoji only is not searched ("没有找到和“😀”对得上的内容"): the resident is asked to write
    the question in words, as a message to staff is, and nothing is logged as unanswered."""
    user = bot.api.user(1803)
    reply = await bot.ask(user, text)
    assert (reply.text, reply.buttons()) == (bot.ui.question_no_words, [])
    await bot.services.question_log.flush()
    async with bot.services.db.session() as session:
        assert (await session.exec(select(QuestionLog))).all() == []
    assert (await bot.ask(user, "12348")).text != bot.ui.question_no_words  # digits are words


@pytest.mark.parametrize("kind", list(MEDIA))
async def test_media_in_private_gets_the_text_only_reply(bot: Harness, kind: str) -> None:
    user = bot.api.user(1804)
    MEDIA[kind](bot.api, user)
    [reply] = await bot.api.wait_for_messages(user.id)
    assert reply.text == bot.ui.non_text


@pytest.mark.parametrize("command", ["/foo", "/START_NOW", "/topics_x", "/a_b_c 参数"])
async def test_unknown_command_gets_the_unknown_command_reply(bot: Harness, command: str) -> None:
    user = bot.api.user(1805)
    bot.api.send_command(user, command)
    [reply] = await bot.api.wait_for_messages(user.id)
    assert reply.content.startswith("没有这个命令")


# Texts a person means as a command that the bot does not know, Telegram marking them as one
# or not (a command is ASCII only and at most 64 characters).
COMMAND_LIKE = ["/不存在", "/不存在 参数", "/", "//", "/" + "x" * 5000, "/start@OtherBot"]


@pytest.mark.parametrize("text", COMMAND_LIKE, ids=lambda text: text[:20])
async def test_command_like_text_gets_the_unknown_command_reply_not_a_search(
    bot: Harness, caplog: pytest.LogCaptureFixture, text: str
) -> None:
    user = bot.api.user(1808)
    bot.api.send_text(user, text)
    [reply] = await bot.api.wait_for_messages(user.id)
    assert reply.text == bot.ui.unknown_command
    await bot.services.question_log.flush()
    async with bot.services.db.session() as session:
        assert (await session.exec(select(QuestionLog))).all() == []  # not a question
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


@pytest.mark.parametrize(
    "text", [*COMMAND_LIKE, "/start extra args with emoji 😀"], ids=lambda text: text[:20]
)
async def test_command_like_text_in_a_group_gets_silence(
    bot: Harness, caplog: pytest.LogCaptureFixture, text: str
) -> None:
    group, user = bot.api.group(-1001808, "村民群"), bot.api.user(1809)
    bot.api.send_text(user, text, chat=group)
    await bot.settle()
    assert bot.api.messages_to(group.id) == []
    assert bot.api.messages_to(user.id) == []
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


async def test_start_with_an_unknown_payload_says_so_in_private(bot: Harness) -> None:
    user = bot.api.user(1810)
    bot.api.send_text(user, "/start extra args with emoji 😀")
    [menu] = await bot.api.wait_for_messages(user.id)
    assert menu.content.startswith(bot.ui.deep_link_unknown)
    assert bot.ui.menu_ask in menu.button_labels()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("1:c:nope", "card_not_found"),
        ("1:c:" + "a" * 60, "card_not_found"),
        ("1:c", "card_not_found"),
        ("1:c:unpaid-wages\n", "card_not_found"),
        ("9:x:y", "stale_button"),
        ("0:c:unpaid-wages", "stale_button"),
        ("garbage", "stale_button"),
        ("", "stale_button"),
        ("x" * 64, "stale_button"),
        ("🙂" * 16, "stale_button"),
        ("1:f:abc", "stale_button"),
        ("1:f:0", "stale_button"),
        ("1:f:" + "9" * 40, "stale_button"),
        ("1:f:-1", "stale_button"),
        ("1:f:1\n", "stale_button"),
        ("1:t:labor:2\n", "stale_button"),
        ("1:a:towns\n", "stale_button"),
        # Another role's chat, ended or never begun: not how to begin it (a resident was told
        # to send /report, a volunteers' command), only that the button is stale.
        ("1:r:ok:9999", "stale_button"),
        ("1:b:ok:9999", "stale_button"),
    ],
)
async def test_forged_callback_data_gets_a_polite_alert(
    bot: Harness, data: str, expected: str
) -> None:
    user = bot.api.user(1806)
    bot.api.send_command(user, "/start")
    [menu] = await bot.api.wait_for_messages(user.id)
    answer = await bot.press(user, menu, data)
    assert answer["text"] == getattr(bot.ui, expected) and answer["show_alert"] is True
    await bot.settle()
    assert bot.api.messages_to(user.id) == [menu]


async def test_flood_gets_limited_answers_and_one_warning(throttled_bot: Harness) -> None:
    bot = throttled_bot
    user = bot.api.user(1807)
    for _ in range(30):
        bot.api.send_text(user, "借钱不还怎么办")
    await bot.settle()
    texts = [m.text for m in bot.api.messages_to(user.id)]
    assert texts.count(bot.ui.too_fast) == 1
    answers = [t for t in texts if t != bot.ui.too_fast]
    assert len(answers) == THROTTLED_RATE == 5
    assert texts.index(bot.ui.too_fast) == 5


async def test_flooding_buttons_are_answered_too_fast_without_messages(
    throttled_bot: Harness,
) -> None:
    bot = throttled_bot
    user = bot.api.user(1808)
    bot.api.send_command(user, "/topics")
    [topics] = await bot.api.wait_for_messages(user.id)
    # the limit is 5 per minute: /topics costs 1, each press BUTTON_COST, so 16 presses fit
    presses = int((5 - 1) / BUTTON_COST) + 1
    answers = [await bot.press(user, topics, "1:t:labor:1") for _ in range(presses)]
    assert answers[-1]["text"] == bot.ui.too_fast
    assert all(a["text"] is None for a in answers[:-1])
    other = bot.api.user(1809)  # the limit is per user
    assert (await bot.ask(other, "借钱不还怎么办")).text is not None


async def test_the_no_match_reply_echoes_no_personal_number(bot: Harness) -> None:
    """The fallback repeats the question, its ID, bank-card and phone numbers masked (also
    the part of one the 30-character cut leaves)."""
    user = bot.api.user(1806)
    for question in [
        "今天天气真好 110101199003074518",
        "喂 13812345678 喂",
        "今天天气真好" * 4 + " 110101199003074518",
    ]:
        reply = await bot.ask(user, question)
        assert bot.ui.no_match.split("“")[0] in reply.content, reply.content
        assert re.search(r"\d{5}", reply.content.replace("12348", "")) is None, reply.content
        assert "*****" in reply.content, reply.content
        await bot.settle()


async def test_flooding_inside_a_guided_chat_says_the_message_was_not_taken(
    throttled_bot: Harness,
) -> None:
    """Inside a guided chat the one warning says the dropped message was not taken and is to
    be sent again; the chat stays open."""
    bot = throttled_bot
    user = bot.api.user(1809)
    await bot.ask(user, "/adviser")
    for _ in range(THROTTLED_RATE + 3):
        bot.api.send_text(user, "火星镇")
    await bot.settle()
    texts = [m.text for m in bot.api.messages_to(user.id)]
    assert texts.count(bot.ui.too_fast_in_chat) == 1 and bot.ui.too_fast not in texts, texts
    assert [c.flow.name for c in await bot.services.chats.open(user.id)] == ["adviser"]


LONE = "\ud83d"  # half of an emoji: what text cut inside one by UTF-16 units ends with


async def test_a_lone_surrogate_forged_into_an_update_is_answered_and_breaks_nothing(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    """Telegram sends UTF-8 and never such half an emoji, but a JSON escape can carry one.
    The bot reads it as the replacement character: it answers (its answer must pass
    Telegram's own check, strings in UTF-8), stores the question, and goes on polling."""
    user, other = bot.api.user(1810), bot.api.user(1811)
    bot.api.forge_text(user, f"老板拖欠工资怎么办{LONE}")
    [card] = await bot.api.wait_for_messages(user.id)
    bot.api.forge_text(user, f"今天天气真好{LONE}")
    [fallback] = await bot.api.wait_for_messages(user.id)
    bot.api.state.open_queries.add("forged")
    message = bot.api.state.messages[(user.id, card.message_id)]
    press = {"id": "forged", "from": user.to_dict(), "chat_instance": "1", "message": message}
    forged = bot.api.forge("callback_query", press | {"data": f"1:f:{LONE}"}, user.id)
    answer = await bot.api.wait_for_answer(forged)

    assert card.button_labels() and "\ufffd" not in card.content
    assert bot.ui.no_match.split("“")[0] in fallback.content
    assert "今天天气真好\ufffd" in fallback.content
    assert answer["text"] == bot.ui.stale_button
    assert (await bot.ask(other, "/start")).text is not None
    await bot.settle()
    await bot.services.question_log.flush()  # logged a moment after the answer
    async with bot.services.db.session() as session:
        asked = (await session.exec(select(QuestionLog.text))).all()
    assert "今天天气真好\ufffd" in asked, asked
    assert all(c.ok for c in bot.api.calls if c.method != "getUpdates"), bot.api.dump("calls")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
