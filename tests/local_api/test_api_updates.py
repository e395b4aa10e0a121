"""getUpdates and webhook semantics, and every kind of user update parsed by PTB."""

from __future__ import annotations

import asyncio

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Conflict

from local_api import LocalBotApi

KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton("详情", callback_data="card:v1:1")]])


async def test_get_updates_confirms_with_offset(api: LocalBotApi, bot: Bot) -> None:
    user = api.user(1001)
    for text in ("一", "二", "三"):
        api.send_text(user, text)

    updates = await bot.get_updates()
    assert [u.message.text for u in updates if u.message] == ["一", "二", "三"]
    assert len(await bot.get_updates(offset=updates[1].update_id)) == 2
    assert len(await bot.get_updates(offset=-1)) == 1
    assert await bot.get_updates(offset=updates[-1].update_id + 1) == ()


async def test_get_updates_long_poll_returns_when_an_update_arrives(
    api: LocalBotApi, bot: Bot
) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await api.wait_until_polling()
    await asyncio.sleep(0.05)
    assert not poll.done()

    api.send_text(api.user(1001), "你好")
    updates = await asyncio.wait_for(poll, timeout=60)

    assert [u.message.text for u in updates if u.message] == ["你好"]


async def test_allowed_updates_are_honoured(api: LocalBotApi, bot: Bot) -> None:
    user = api.user(1001)
    api.send_text(user, "不要")
    sent = await bot.send_message(user.id, "选", reply_markup=KEYBOARD)
    api.press(user, sent.message_id, "card:v1:1")

    updates = await bot.get_updates(allowed_updates=["callback_query"])

    assert [u.callback_query.data for u in updates if u.callback_query] == ["card:v1:1"]
    assert len(updates) == 1


async def test_webhook_blocks_get_updates_until_deleted(api: LocalBotApi, bot: Bot) -> None:
    await bot.set_webhook("https://example.org/hook", secret_token="s3cret")
    assert (await bot.get_webhook_info()).url == "https://example.org/hook"

    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()

    await bot.delete_webhook()
    assert await bot.get_updates() == ()


async def test_every_user_action_parses_as_a_ptb_update(api: LocalBotApi, bot: Bot) -> None:
    user = api.user(1001, "张三", "zhangsan")
    group = api.group(-100700, "村委会")
    sent = await bot.send_message(user.id, "选", reply_markup=KEYBOARD)
    api.send_text(user, "@pufa_demo_bot 你好", chat=group)
    api.send_command(user, "/开始")
    api.send_location(user, 31.2, 121.5)
    api.send_photo(user, "合影")
    api.send_document(user, "材料.pdf")
    api.send_sticker(user)
    api.send_voice(user)
    api.send_contact(user, "+8613800000000")
    api.press_button(user, sent, "详情")
    api.inline_query(user, "借条")
    api.chosen_inline_result(user, "r1", "借条")
    api.block(user.id, notify=True)

    updates = await bot.get_updates(allowed_updates=[])

    messages = [u.message for u in updates if u.message]
    assert messages[0].chat.type == "supergroup"
    assert messages[0].parse_entities() == {messages[0].entities[0]: "@pufa_demo_bot"}
    assert messages[1].text == "/开始"
    assert messages[1].entities[0].type == "bot_command"
    assert messages[2].location is not None
    assert messages[3].photo[-1].width == 800
    assert messages[4].document is not None
    assert messages[4].document.file_name == "材料.pdf"
    assert messages[5].sticker is not None
    assert messages[6].voice is not None
    assert messages[7].contact is not None
    assert messages[7].contact.user_id == user.id
    press, query, chosen, blocked = updates[len(messages) :]
    assert press.callback_query is not None
    assert press.callback_query.data == "card:v1:1"
    assert query.inline_query is not None
    assert chosen.chosen_inline_result is not None
    assert blocked.my_chat_member is not None
    assert blocked.my_chat_member.new_chat_member.status == "kicked"


async def test_edits_group_membership_and_migrations_parse_as_telegram_sends_them(
    api: LocalBotApi, bot: Bot
) -> None:
    """An edited text, the bot made an admin of a group, removed from it, and a group that
    became a supergroup (a service message in each of the two chats)."""
    user = api.user(1001)
    group = api.group(-5001, "测试群", supergroup=False)
    sent = api.send_text(user, "老板拖欠工资怎么办")
    api.edit_text(user, sent["message"]["message_id"], "/legalaid 改了")
    api.my_chat_member(user, "administrator", chat=group)
    api.my_chat_member(user, "left", old_status="administrator", chat=group)
    api.migrate_group(user, group.id, -1_000_000_005_001)
    with pytest.raises(LookupError):  # only one's own messages can be edited
        api.edit_text(api.user(1002), sent["message"]["message_id"], "别人的")

    _first, edited, admin, left, moved_to, moved_from = await bot.get_updates()
    assert edited.edited_message is not None and edited.edited_message.text == "/legalaid 改了"
    assert edited.edited_message.message_id == sent["message"]["message_id"]
    assert edited.edited_message.entities[0].type == "bot_command"
    assert admin.my_chat_member is not None and admin.my_chat_member.chat.id == group.id
    assert admin.my_chat_member.new_chat_member.status == "administrator"
    assert left.my_chat_member is not None
    assert left.my_chat_member.new_chat_member.status == "left"
    assert moved_to.message is not None and moved_from.message is not None
    assert moved_to.message.migrate_to_chat_id == -1_000_000_005_001
    assert moved_from.message.chat.id == -1_000_000_005_001
    assert moved_from.message.migrate_from_chat_id == group.id


async def test_press_sends_any_data_and_queries_are_answered_once(
    api: LocalBotApi, bot: Bot
) -> None:
    user = api.user(1001)
    sent = await bot.send_message(user.id, "选", reply_markup=KEYBOARD)
    press = api.press(user, sent.message_id, "forged:data")

    [update] = await bot.get_updates()
    assert update.callback_query is not None
    assert update.callback_query.data == "forged:data"
    assert await bot.answer_callback_query(press["callback_query"]["id"], "好")
    assert api.callback_answers[press["callback_query"]["id"]]["text"] == "好"
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(press["callback_query"]["id"])


async def test_users_cannot_send_what_utf8_cannot_carry(api: LocalBotApi, bot: Bot) -> None:
    """Telegram's wire is UTF-8: a lone surrogate (half an emoji) is refused where a test or
    the demo acts, before it is queued; queued, it failed every getUpdates after it."""
    user = api.user(1001)
    sent = await bot.send_message(user.id, "选", reply_markup=KEYBOARD)
    lone = "\ud83d"

    actions = [
        lambda: api.send_text(user, f"hi {lone}"),
        lambda: api.send_command(user, f"/start {lone}"),
        lambda: api.send_photo(user, caption=lone),
        lambda: api.send_album(user, 2, caption=lone),
        lambda: api.press(user, sent.message_id, lone),
        lambda: api.inline_query(user, lone),
        lambda: api.send_text(api.user(1002, f"名{lone}"), "你好"),
    ]
    for act in actions:
        with pytest.raises(ValueError, match="UTF-8"):
            act()
    api.send_text(user, "还在")

    [update] = await bot.get_updates()
    assert update.message is not None and update.message.text == "还在"


async def test_a_forged_update_reaches_the_bot_as_telegram_would_escape_it(
    api: LocalBotApi, bot: Bot
) -> None:
    """`forge_text` queues what the user actions refuse, for tests of how a bot copes with it:
    it goes out as the JSON escape (``\\ud83d``), which a JSON reader takes for a lone
    surrogate again, and the updates after it are delivered as usual."""
    user = api.user(1001)
    api.forge_text(user, "hi \ud83d")
    api.send_text(user, "😀")

    forged, fine = await bot.get_updates()
    assert forged.message is not None and fine.message is not None
    assert forged.message.text == "hi \ud83d"
    assert fine.message.text == "😀"
