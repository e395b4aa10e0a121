"""The ``/demo/api/`` JSON endpoints the ``pufa demo`` web chat uses."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from PIL import Image
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from local_api import LocalBotApi


@pytest.fixture
async def demo(api: LocalBotApi) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(base_url=api.url) as session:
        yield session


async def call(
    demo: aiohttp.ClientSession, method: str, path: str, **kwargs: Any
) -> tuple[int, dict[str, Any]]:
    async with demo.request(method, path, **kwargs) as response:
        return response.status, await response.json()


async def test_send_queues_text_or_command(api: LocalBotApi, demo: aiohttp.ClientSession) -> None:
    status, body = await call(demo, "POST", "/demo/api/send", json={"user_id": 7, "text": "你好"})
    await call(demo, "POST", "/demo/api/send", json={"user_id": 7, "text": "/start x"})

    assert (status, body["ok"], body["message_id"]) == (200, True, 1)
    first, second = api.state.updates
    assert first["message"]["text"] == "你好"
    assert first["message"]["from"]["first_name"] == "演示用户"
    assert second["message"]["entities"][0] == {"type": "bot_command", "offset": 0, "length": 6}


async def test_press_and_location(api: LocalBotApi, bot: Bot, demo: aiohttp.ClientSession) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("是", callback_data="yes")]])
    sent = await bot.send_message(7, "确认？", reply_markup=keyboard)

    press = {"user_id": 7, "message_id": sent.message_id, "data": "yes"}
    assert (await call(demo, "POST", "/demo/api/press", json=press))[0] == 200
    location = {"user_id": 7, "lat": 31.2, "lon": 121.5}
    assert (await call(demo, "POST", "/demo/api/location", json=location))[0] == 200
    contact = {"user_id": 7, "phone": "13800138000"}
    assert (await call(demo, "POST", "/demo/api/contact", json=contact))[0] == 200

    callback, located, shared = api.state.updates
    assert callback["callback_query"]["data"] == "yes"
    assert callback["callback_query"]["message"]["text"] == "确认？"
    assert located["message"]["location"] == {"latitude": 31.2, "longitude": 121.5}
    # their own number, as Telegram's "share my phone number" button sends it
    assert shared["message"]["contact"]["user_id"] == 7
    assert shared["message"]["contact"]["phone_number"] == "13800138000"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/demo/api/send", {"user_id": "7", "text": "x"}),
        ("/demo/api/send", {"user_id": 7, "text": ""}),
        ("/demo/api/press", {"user_id": 7, "message_id": 99, "data": "x"}),
        ("/demo/api/press", {"user_id": 7, "message_id": 1, "data": "x" * 65}),
        ("/demo/api/location", {"user_id": 7, "lat": 91, "lon": 0}),
        ("/demo/api/location", {"user_id": 7, "lat": "north", "lon": 0}),
        ("/demo/api/contact", {"user_id": 7, "phone": "打我电话"}),
        ("/demo/api/contact", {"user_id": 7}),
        ("/demo/api/album", {"user_id": 7, "count": 1}),
        ("/demo/api/album", {"user_id": 7, "count": 11}),
        ("/demo/api/album", {"user_id": 7}),
        ("/demo/api/photo", {"user_id": 0}),
    ],
)
async def test_bad_input_is_a_400(
    demo: aiohttp.ClientSession, path: str, body: dict[str, Any]
) -> None:
    status, answer = await call(demo, "POST", path, json=body)

    assert status == 400
    assert answer["ok"] is False
    assert answer["error"]


async def test_messages_long_poll_returns_views_and_a_cursor(
    bot: Bot, demo: aiohttp.ClientSession
) -> None:
    poll = asyncio.create_task(call(demo, "GET", "/demo/api/messages?chat_id=7&after=0"))
    await asyncio.sleep(0.05)
    assert not poll.done()

    keyboard = ReplyKeyboardMarkup([[KeyboardButton("发送位置", request_location=True)]])
    await bot.send_message(
        7, "<b>欢迎</b> &lt;新用户&gt;", parse_mode="HTML", reply_markup=keyboard
    )
    status, body = await asyncio.wait_for(poll, timeout=60)

    assert status == 200
    [view] = body["messages"]
    assert view["text"] == "欢迎 <新用户>"
    assert view["html"] == "<b>欢迎</b> &lt;新用户&gt;"
    assert view["parse_mode"] == "HTML"
    assert view["reply_keyboard"]["keyboard"][0][0]["request_location"] is True
    assert body["next"] == 1


async def test_messages_after_cursor_include_edits_of_that_chat_only(
    bot: Bot, demo: aiohttp.ClientSession
) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("下一页", callback_data="p:2")]])
    sent = await bot.send_message(7, "第一页", reply_markup=keyboard)
    await bot.send_message(8, "别人的")
    await bot.edit_message_text("第二页", 7, sent.message_id)

    _, body = await call(demo, "GET", "/demo/api/messages?chat_id=7&after=1&timeout=0")
    _, first = await call(demo, "GET", "/demo/api/messages?chat_id=7&after=0&timeout=0")

    assert [(v["action"], v["text"]) for v in body["messages"]] == [("edit", "第二页")]
    assert first["messages"][0]["reply_markup"]["inline_keyboard"][0][0]["text"] == "下一页"
    assert body["next"] == 3


async def test_messages_needs_a_chat_id(demo: aiohttp.ClientSession) -> None:
    status, _ = await call(demo, "GET", "/demo/api/messages?after=0")

    assert status == 400


async def test_photos_are_served_to_the_page(bot: Bot, demo: aiohttp.ClientSession) -> None:
    await bot.send_photo(7, b"\xff\xd8 photo", caption="合影")
    _, body = await call(demo, "GET", "/demo/api/messages?chat_id=7&timeout=0")

    [view] = body["messages"]
    async with demo.get(view["file"]["url"]) as response:
        assert await response.read() == b"\xff\xd8 photo"
    assert view["caption"] == "合影"


async def test_the_user_sends_a_sample_photo_and_an_album(
    api: LocalBotApi, bot: Bot, demo: aiohttp.ClientSession
) -> None:
    """Real JPEGs the bot can fetch as from Telegram; the album's photos share a
    media_group_id, each its own picture; the page gets their views to show, then and in the
    history."""
    _, photo = await call(demo, "POST", "/demo/api/photo", json={"user_id": 7})
    _, album = await call(demo, "POST", "/demo/api/album", json={"user_id": 7, "count": 3})

    single, *grouped = (update["message"] for update in api.state.updates)
    assert [u["update_id"] for u in api.state.updates] == photo["update_ids"] + album["update_ids"]
    assert len(grouped) == 3 and "media_group_id" not in single
    assert len({message["media_group_id"] for message in grouped}) == 1
    images = []
    for message in (single, *grouped):
        file = await bot.get_file(message["photo"][-1]["file_id"])
        data = bytes(await file.download_as_bytearray())
        with Image.open(io.BytesIO(data)) as image:
            assert (image.format, image.size) == ("JPEG", (480, 360))
        images.append(data)
    assert images[0] == images[1] and len(set(images[1:])) == 3  # photo 1, then 1, 2, 3
    views = photo["messages"] + album["messages"]
    assert [v["message_id"] for v in views] == [m["message_id"] for m in (single, *grouped)]
    async with demo.get(views[-1]["file"]["url"]) as response:
        assert response.content_type == "image/jpeg"
        assert await response.read() == images[-1]
    _, history = await call(demo, "GET", "/demo/api/history?chat_id=7")
    assert history["messages"] == views


async def test_bot_profile_and_commands(bot: Bot, demo: aiohttp.ClientSession) -> None:
    await bot.set_my_commands([("start", "开始")])

    _, body = await call(demo, "GET", "/demo/api/bot")

    assert body["bot"]["username"] == "pufa_demo_bot"
    assert body["commands"] == [{"command": "start", "description": "开始"}]


async def test_photos_show_inline_and_documents_download(
    bot: Bot, demo: aiohttp.ClientSession
) -> None:
    await bot.send_photo(7, b"\xff\xd8 photo")  # PTB sends raw bytes as octet-stream
    await bot.send_document(7, "条例 全文".encode(), filename="条例 全文.txt")
    _, body = await call(demo, "GET", "/demo/api/messages?chat_id=7&timeout=0")

    photo, document = (view["file"] for view in body["messages"])
    assert (photo["kind"], photo["mime_type"]) == ("photo", "image/jpeg")
    async with demo.get(photo["url"]) as response:
        assert response.content_type == "image/jpeg"
        assert "Content-Disposition" not in response.headers
    assert (document["kind"], document["file_name"]) == ("document", "条例 全文.txt")
    async with demo.get(document["url"]) as response:
        assert response.content_type == "text/plain"
        assert response.headers["Content-Disposition"] == (
            "attachment; filename*=UTF-8''%E6%9D%A1%E4%BE%8B%20%E5%85%A8%E6%96%87.txt"
        )
        assert await response.read() == "条例 全文".encode()
    async with demo.get("/demo/api/files/none") as response:
        assert response.status == 404


async def test_polls_are_shown_and_can_be_voted(
    api: LocalBotApi, bot: Bot, demo: aiohttp.ClientSession
) -> None:
    sent = await bot.send_poll(7, "<讲座>选哪天？", ["周六", "周日"], is_anonymous=False)

    _, body = await call(demo, "GET", "/demo/api/messages?chat_id=7&timeout=0")
    vote = {"user_id": 7, "message_id": sent.message_id, "option_ids": [1]}
    status, voted = await call(demo, "POST", "/demo/api/vote", json=vote)
    bad = {"user_id": 7, "message_id": sent.message_id, "option_ids": [0, 1]}
    refused, _ = await call(demo, "POST", "/demo/api/vote", json=bad)

    [view] = body["messages"]
    assert view["kind"] == "poll"
    assert view["html"] == "📊 <b>&lt;讲座&gt;选哪天？</b>\n<i>投票</i>\n○ 周六 · 0\n○ 周日 · 0"
    assert [option["text"] for option in view["poll"]["options"]] == ["周六", "周日"]
    assert (status, len(voted["update_ids"]), refused) == (200, 2, 400)
    [answer] = [u["poll_answer"] for u in api.state.updates if "poll_answer" in u]
    assert answer["option_ids"] == [1]


async def test_press_returns_the_bots_answer(
    api: LocalBotApi, bot: Bot, demo: aiohttp.ClientSession
) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("静音", callback_data="mute")]])
    sent = await bot.send_message(7, "提醒", reply_markup=keyboard)
    press = {"user_id": 7, "message_id": sent.message_id, "data": "mute", "wait_answer": 10}

    async def answer() -> None:
        await api.wait_until(lambda: bool(api.state.updates), "the press")
        query = api.state.updates[-1]["callback_query"]
        await bot.answer_callback_query(query["id"], "已静音", show_alert=True)

    (status, body), _ = await asyncio.gather(
        call(demo, "POST", "/demo/api/press", json=press), answer()
    )

    assert status == 200
    assert body["answer"]["text"] == "已静音" and body["answer"]["show_alert"] is True
    press_unanswered = {**press, "wait_answer": 0.2}
    assert (await call(demo, "POST", "/demo/api/press", json=press_unanswered))[1][
        "answer"
    ] is None


async def test_history_replays_both_sides_in_order(
    api: LocalBotApi, bot: Bot, demo: aiohttp.ClientSession
) -> None:
    await call(demo, "POST", "/demo/api/send", json={"user_id": 7, "text": "/start"})
    first = await bot.send_message(7, "你好")
    await call(demo, "POST", "/demo/api/send", json={"user_id": 7, "text": "欠薪怎么办"})
    await bot.edit_message_text("你好！", 7, first.message_id)
    gone = await bot.send_message(7, "临时消息")
    await bot.send_message(7, "卡片")
    await bot.delete_message(7, gone.message_id)
    await bot.send_message(8, "别人的")

    status, body = await call(demo, "GET", "/demo/api/history?chat_id=7")

    assert status == 200
    assert [(v["from"], v["text"]) for v in body["messages"]] == [
        ("user", "/start"),
        ("bot", "你好！"),
        ("user", "欠薪怎么办"),
        ("bot", "卡片"),
    ]
    assert body["next"] == len(api.sent)
    assert (await call(demo, "GET", "/demo/api/history"))[0] == 400


async def test_web_addresses_in_the_bots_text_are_links(
    bot: Bot, demo: aiohttp.ClientSession
) -> None:
    """As Telegram's apps show them (the demo's start links are followed on the page); one
    already a link, or across a bold edge, is left alone; a caption's too."""
    await bot.send_message(
        7,
        '邀请链接：http://127.0.0.1:9/?start=join_ab 。<a href="https://example.org/a">'
        "https://example.org/a</a> <b>粗 http://x.org/b</b> <b>半 http://x.org</b>/c",
        parse_mode="HTML",
    )
    await bot.send_photo(7, b"\xff\xd8 photo", caption="http://127.0.0.1:9/?start=ev_cd")
    _, body = await call(demo, "GET", "/demo/api/messages?chat_id=7&timeout=0")
    text, photo = (view["html"] for view in body["messages"])
    link = '<a href="{}" target="_blank" rel="noopener">{}</a>'
    start = "http://127.0.0.1:9/?start=join_ab"
    assert f"邀请链接：{link.format(start, start)} 。" in text, text
    assert text.count("https://example.org/a") == 2 and text.count("<a ") == 3, text
    assert f"<b>粗 {link.format('http://x.org/b', 'http://x.org/b')}</b>" in text, text
    assert "<b>半 http://x.org</b>/c" in text, text
    ev = "http://127.0.0.1:9/?start=ev_cd"
    assert photo == link.format(ev, ev), photo


LONE = "hi \ud83d"  # the first half of 😀: what cutting text inside an emoji leaves


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/demo/api/send", {"user_id": 7, "text": LONE}),
        ("/demo/api/send", {"user_id": 7, "text": "\udc00 alone"}),
        ("/demo/api/send", {"user_id": 7, "text": "你好", "first_name": "小\ud83d"}),
        ("/demo/api/press", {"user_id": 7, "message_id": 1, "data": "a\ud83d"}),
    ],
)
async def test_text_utf8_cannot_carry_is_refused_and_polling_goes_on(
    api: LocalBotApi, bot: Bot, demo: aiohttp.ClientSession, path: str, body: dict[str, Any]
) -> None:
    """A lone surrogate (text cut inside an emoji) is refused with a 400 the page can name;
    accepted, it made every getUpdates fail with a 500, for every user, until a restart."""
    api.user(7, "演示用户")
    await bot.send_message(7, "确认？")

    status, answer = await call(demo, "POST", path, json=body)
    await call(demo, "POST", "/demo/api/send", json={"user_id": 8, "text": "/start"})

    assert (status, answer["ok"], answer["reason"]) == (400, False, "not_utf8"), answer
    assert "UTF-8" in answer["error"]
    updates = await bot.get_updates()
    assert [u.effective_user.id for u in updates if u.effective_user] == [8]
    assert api.state.users[7].first_name == "演示用户"
