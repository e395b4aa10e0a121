"""A real polling PTB ``Application`` against the fake: users act, handlers answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from local_api import LocalBotApi

Context = ContextTypes.DEFAULT_TYPE
StartApp = Callable[..., Awaitable[Application]]


async def echo(update: Update, context: Context) -> None:
    assert update.effective_message is not None
    assert update.effective_message.text
    text = update.effective_message.text
    await update.effective_message.reply_text(f"收到：{text}", do_quote=True)


async def start(update: Update, context: Context) -> None:
    assert update.effective_message is not None
    assert context.args
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton("查看卡片", callback_data=f"card:v1:{context.args[0]}")]]
    )
    await update.effective_message.reply_html(f"<b>欢迎</b> {context.args}", reply_markup=keyboard)


async def show_card(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None
    assert query.data is not None
    await query.answer("已打开")
    await query.edit_message_text(f"卡片 {query.data.rsplit(':', 1)[-1]}")


async def answer_inline(update: Update, context: Context) -> None:
    assert update.inline_query is not None
    query = update.inline_query.query
    article = InlineQueryResultArticle(
        "r1", f"关于{query}", InputTextMessageContent(f"{query}答案")
    )
    await update.inline_query.answer([article], cache_time=0)


async def count_photo_bytes(update: Update, context: Context) -> None:
    message = update.effective_message
    assert message is not None
    assert message.photo
    file = await message.photo[-1].get_file()
    data = await file.download_as_bytearray()
    await message.reply_text(f"{len(data)} 字节")


async def test_text_message_gets_a_reply(api: LocalBotApi, start_app: StartApp) -> None:
    await start_app(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    user = api.user(1001, "张三")

    api.send_text(user, "工资被拖欠怎么办")
    [reply] = await api.wait_for_messages(user.id)

    assert reply.text == "收到：工资被拖欠怎么办"
    assert reply.message["reply_to_message"]["text"] == "工资被拖欠怎么办"


async def test_command_and_button_round_trip(api: LocalBotApi, start_app: StartApp) -> None:
    await start_app(CommandHandler("start", start), CallbackQueryHandler(show_card))
    user = api.user(1001)

    api.send_command(user, "/start labor_1")
    [menu] = await api.wait_for_messages(user.id)
    assert menu.text == "欢迎 ['labor_1']"
    assert menu.entities[0]["type"] == "bold"

    press = api.press_button(user, menu, "查看卡片")
    answer = await api.wait_for_answer(press)
    [edit] = await api.wait_for_messages(user.id)

    assert answer["text"] == "已打开"
    assert (edit.action, edit.message_id, edit.text) == ("edit", menu.message_id, "卡片 labor_1")
    assert edit.buttons() == []


async def test_inline_query_is_answered(api: LocalBotApi, start_app: StartApp) -> None:
    await start_app(InlineQueryHandler(answer_inline))

    query = api.inline_query(api.user(1001), "劳动合同")
    answer = await api.wait_for_answer(query)

    [result] = answer["results"]
    assert result["title"] == "关于劳动合同"
    assert result["input_message_content"]["message_text"] == "劳动合同答案"


async def test_user_photo_is_downloadable_by_the_bot(
    api: LocalBotApi, start_app: StartApp
) -> None:
    await start_app(MessageHandler(filters.PHOTO, count_photo_bytes))
    user = api.user(1001)

    api.send_photo(user, "活动照片", data=b"\xff\xd8" + b"x" * 98)
    [reply] = await api.wait_for_messages(user.id)

    assert reply.text == "100 字节"
    assert await api.wait_for_call("getFile")


async def test_timeout_explains_what_happened(api: LocalBotApi, start_app: StartApp) -> None:
    await start_app(MessageHandler(filters.TEXT, echo))
    user = api.user(1001)
    api.send_text(user, "一")
    await api.wait_for_messages(user.id)

    with pytest.raises(TimeoutError) as caught:
        await api.wait_for_messages(user.id, count=2, timeout=0.1)

    assert "Timed out after 0.1s" in str(caught.value)
    assert "收到：一" in str(caught.value)
    assert "sendMessage -> ok" in str(caught.value)
