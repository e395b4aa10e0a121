"""The fake Bot API spoken to by PTB's real ``Bot``: results, errors and what gets recorded."""

from __future__ import annotations

import datetime as dtm

import pytest
from telegram import (
    Bot,
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter

from local_api import LocalBotApi

KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton("详情", callback_data="card:v1:1")]])


async def test_get_me_describes_the_bot(bot: Bot) -> None:
    me = await bot.get_me()

    assert me.username == "pufa_demo_bot"
    assert me.first_name == "普法助手"
    assert me.is_bot
    assert me.id == 123456
    assert me.supports_inline_queries
    assert me.can_join_groups


async def test_send_message_stores_parsed_html_and_records_the_call(
    api: LocalBotApi, bot: Bot
) -> None:
    user = api.user(1001, "张三")

    sent = await bot.send_message(
        user.id, "<b>劳动合同</b> 须书面订立 &lt;第十条&gt;", parse_mode=ParseMode.HTML
    )

    assert sent.text == "劳动合同 须书面订立 <第十条>"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [("bold", 0, 4)]
    assert sent.chat.id == user.id
    assert sent.from_user is not None
    assert sent.from_user.username == "pufa_demo_bot"
    [entry] = api.messages_to(user.id)
    assert entry.source_text == "<b>劳动合同</b> 须书面订立 &lt;第十条&gt;"
    assert entry.parse_mode == "HTML"
    assert entry.text == sent.text
    assert api.calls[-1].method == "sendMessage"
    assert api.calls[-1].params["chat_id"] == user.id


async def test_message_ids_increase_per_chat(api: LocalBotApi, bot: Bot) -> None:
    first = await bot.send_message(1, "一")
    second = await bot.send_message(1, "二")
    other = await bot.send_message(2, "三")

    assert (first.message_id, second.message_id, other.message_id) == (1, 2, 1)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("<p>段落</p>", 'unsupported start tag "p" at byte offset 0'),
        ("<b>未闭合", 'can\'t find end tag corresponding to start tag "b"'),
        ("<b>错</i>", 'unmatched end tag at byte offset 6, expected "</b>", found "</i>"'),
        ("年龄 < 18 岁", 'unsupported start tag "" at byte offset 7'),
        ('<span class="x">s</span>', 'tag "span" must have class "tg-spoiler" at byte offset 0'),
    ],
)
async def test_invalid_html_is_refused_like_telegram(bot: Bot, text: str, reason: str) -> None:
    with pytest.raises(BadRequest) as caught:
        await bot.send_message(1, text, parse_mode=ParseMode.HTML)

    assert caught.value.message.lower() == f"can't parse entities: {reason}".lower()


async def test_every_documented_html_tag_is_accepted(bot: Bot) -> None:
    text = (
        "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s>"
        "<strike>k</strike><del>d</del><tg-spoiler>p</tg-spoiler>"
        '<span class="tg-spoiler">q</span><a href="https://example.org">a</a><code>c</code>'
        '<pre><code class="language-python">x</code></pre><blockquote>引</blockquote>'
        "&lt;&gt;&amp;&quot;"
    )

    sent = await bot.send_message(1, text, parse_mode=ParseMode.HTML)

    assert sent.text == 'bsieunskdpqacx引<>&"'
    assert {entity.type for entity in sent.entities} >= {"bold", "spoiler", "text_link", "pre"}


async def test_markdown_v2_reserved_characters_must_be_escaped(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)character '\.' is reserved"):
        await bot.send_message(1, "第 1.0 版", parse_mode=ParseMode.MARKDOWN_V2)

    sent = await bot.send_message(1, "*第* 1\\.0 版", parse_mode=ParseMode.MARKDOWN_V2)
    assert sent.text == "第 1.0 版"


@pytest.mark.parametrize(
    ("text", "reason"), [("   ", "message text is empty"), ("法" * 4097, "message is too long")]
)
async def test_text_must_be_non_empty_and_short_enough(bot: Bot, text: str, reason: str) -> None:
    with pytest.raises(BadRequest, match=f"(?i){reason}"):
        await bot.send_message(1, text)


async def test_callback_data_over_64_bytes_is_refused(bot: Bot) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("长", callback_data="法" * 22)]])

    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(1, "text", reply_markup=markup)


async def test_identical_edit_is_not_modified(api: LocalBotApi, bot: Bot) -> None:
    sent = await bot.send_message(1, "问题", reply_markup=KEYBOARD)

    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("问题", 1, sent.message_id, reply_markup=KEYBOARD)

    edited = await bot.edit_message_text("答案", 1, sent.message_id)
    assert isinstance(edited, type(sent))
    assert edited.text == "答案"
    assert edited.reply_markup is None  # an edit without markup drops the keyboard
    assert [entry.action for entry in api.messages_to(1)] == ["send", "edit"]


async def test_edit_and_delete_of_unknown_messages_fail(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", 1, 99)
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(1, 99)


async def test_reply_markup_edit_and_delete_are_journaled(api: LocalBotApi, bot: Bot) -> None:
    sent = await bot.send_message(1, "问题")
    await bot.edit_message_reply_markup(1, sent.message_id, reply_markup=KEYBOARD)
    assert await bot.delete_message(1, sent.message_id)

    entries = api.messages_to(1)
    assert [entry.action for entry in entries] == ["send", "edit", "delete"]
    assert entries[1].button_labels() == ["详情"]


async def test_blocked_user_answers_forbidden(api: LocalBotApi, bot: Bot) -> None:
    api.block(1001)

    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(1001, "提醒")

    api.unblock(1001)
    assert (await bot.send_message(1001, "提醒")).text == "提醒"


async def test_deleted_chat_is_not_found(api: LocalBotApi, bot: Bot) -> None:
    api.delete_chat(-100123)

    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(-100123, "通知")


async def test_fail_method_fails_the_given_number_of_times(api: LocalBotApi, bot: Bot) -> None:
    api.fail_method("sendMessage", description="Bad Request: planned", times=1)

    with pytest.raises(BadRequest, match=r"(?i)planned"):
        await bot.send_message(1, "一")
    assert (await bot.send_message(1, "二")).text == "二"


async def test_injected_429_becomes_retry_after(
    api: LocalBotApi, bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # PTB 22 warns on int retry_after otherwise
    api.fail_method("sendMessage", error_code=429, description="Too Many Requests", retry_after=7)

    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(1, "一")

    assert caught.value.retry_after == dtm.timedelta(seconds=7)


async def test_photo_upload_is_received_and_downloadable(api: LocalBotApi, bot: Bot) -> None:
    payload = b"\xff\xd8\xff\xe0 activity photo \xff\xd9"

    sent = await bot.send_photo(-100200, payload, caption="<i>活动</i>", parse_mode="HTML")

    entry = api.last_message(-100200)
    assert (entry.kind, entry.file, entry.caption) == ("photo", payload, "活动")
    file = await bot.get_file(sent.photo[-1].file_id)
    assert bytes(await file.download_as_bytearray()) == payload
    again = await bot.send_photo(-100200, sent.photo[-1].file_id)
    assert api.last_message(-100200).file == payload
    assert again.photo[-1].file_id == sent.photo[-1].file_id


async def test_unknown_file_id_is_refused(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await bot.send_photo(1, "no-such-file")


async def test_document_location_and_venue(api: LocalBotApi, bot: Bot) -> None:
    document = await bot.send_document(1, b"a,b\n1,2\n", filename="report.csv")
    location = await bot.send_location(1, latitude=31.23, longitude=121.47)
    venue = await bot.send_venue(1, 31.23, 121.47, "法律援助中心", "人民路 1 号")

    assert document.document is not None
    assert document.document.file_name == "report.csv"
    assert location.location is not None
    assert location.location.latitude == 31.23
    assert venue.venue is not None
    assert venue.venue.title == "法律援助中心"
    assert [entry.kind for entry in api.messages_to(1)] == ["document", "location", "venue"]
    assert api.messages_to(1)[0].file == b"a,b\n1,2\n"


async def test_copy_and_forward(api: LocalBotApi, bot: Bot) -> None:
    update = api.send_text(api.user(1001), "我的问题")
    message_id = update["message"]["message_id"]

    copied = await bot.copy_message(-100300, 1001, message_id)
    forwarded = await bot.forward_message(-100300, 1001, message_id)

    assert copied.message_id == 1
    assert forwarded.text == "我的问题"
    assert forwarded.forward_origin is not None
    assert [entry.text for entry in api.messages_to(-100300)] == ["我的问题", "我的问题"]


async def test_commands_are_kept_per_scope_and_language(api: LocalBotApi, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand("start", "开始"), BotCommand("help", "帮助")])
    await bot.set_my_commands([BotCommand("ask", "提问")], language_code="zh")

    assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]
    assert api.commands["default/zh"] == [{"command": "ask", "description": "提问"}]
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Start", "大写")])
    await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()


async def test_chat_members_and_administrators(api: LocalBotApi, bot: Bot) -> None:
    api.user(1001)
    api.group(-100400, "普法志愿者群")
    api.set_chat_admins(-100400, [1001])

    admin = await bot.get_chat_member(-100400, 1001)
    admins = await bot.get_chat_administrators(-100400)
    chat = await bot.get_chat(-100400)

    assert admin.status == "administrator"
    assert [member.user.id for member in admins] == [1001]
    assert chat.title == "普法志愿者群"
    assert (await bot.get_chat_member(-100400, 2002)).status == "left"


async def test_chat_action_validates_the_action(bot: Bot) -> None:
    assert await bot.send_chat_action(1, "typing")
    with pytest.raises(BadRequest, match=r"(?i)wrong parameter action"):
        await bot.send_chat_action(1, "dancing")


async def test_media_group_uploads_every_item(api: LocalBotApi, bot: Bot) -> None:
    album = [
        InputMediaPhoto(b"\xff\xd8 one", caption="<b>活动</b>", parse_mode="HTML"),
        InputMediaPhoto(b"\xff\xd8 two"),
    ]

    messages = await bot.send_media_group(-100800, album)

    assert len({m.media_group_id for m in messages}) == 1
    assert messages[0].caption == "活动"
    assert [entry.file for entry in api.messages_to(-100800)] == [b"\xff\xd8 one", b"\xff\xd8 two"]
    assert await bot.pin_chat_message(-100800, messages[0].message_id)


async def test_an_album_has_no_buttons(api: LocalBotApi, bot: Bot) -> None:
    """sendMediaGroup takes no reply_markup; Telegram ignores one sent anyway."""
    album = [InputMediaPhoto(b"\xff\xd8 one"), InputMediaPhoto(b"\xff\xd8 two")]
    markup = {"inline_keyboard": [[{"text": "🔕", "callback_data": "x"}]]}

    messages = await bot.send_media_group(-100801, album, api_kwargs={"reply_markup": markup})

    assert [m.reply_markup for m in messages] == [None, None]
    assert [entry.buttons() for entry in api.messages_to(-100801)] == [[], []]
