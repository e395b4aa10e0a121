"""The bot's aiohttp client for the Bot API, against the local Bot API server over loopback:
what PTB's own client did (markup, uploads, Telegram's errors, timeouts, a server that is
gone) holds with it."""

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut

from bot.broadcasting import timedelta_retry_after
from bot.telegram_http import AiohttpRequest
from local_api import LocalBotApi
from tests.processes import refusing_port

USER = 501


@pytest.fixture
async def api() -> AsyncIterator[LocalBotApi]:
    async with LocalBotApi() as server:
        server.user(USER, "居民")
        yield server


def _bot(base_url: str, token: str = "1:test") -> Bot:
    return Bot(token, base_url=base_url, request=AiohttpRequest(4))


async def test_text_with_buttons_and_html_arrives_as_sent(api: LocalBotApi) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("看卡片 123", callback_data="c:1")]])
    async with _bot(api.base_url, api.token) as bot:
        sent = await bot.send_message(USER, "<b>123</b> 你好 😀", "HTML", reply_markup=markup)
    assert sent.text == "123 你好 😀"
    call = next(c for c in api.calls if c.method.lower() == "sendmessage")
    assert call.params["text"] == "<b>123</b> 你好 😀"  # digits stay text, not a number
    assert call.params["reply_markup"] == markup.to_dict()


async def test_an_upload_goes_as_a_multipart_form(api: LocalBotApi) -> None:
    content = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40
    async with _bot(api.base_url, api.token) as bot:
        await bot.send_document(
            USER, content, filename="报表.xlsx", caption="<i>12</i>", parse_mode="HTML"
        )
    call = next(c for c in api.calls if c.method.lower() == "senddocument")
    assert call.ok
    [message] = [m for m in api.sent if m.method.lower() == "senddocument"]
    assert message.caption == "12"


async def test_telegrams_errors_reach_ptb_unchanged(api: LocalBotApi) -> None:
    timedelta_retry_after()  # as the bot does
    async with _bot(api.base_url, api.token) as bot:
        api.fail_method(
            "sendMessage", error_code=429, description="Too Many Requests", times=1, retry_after=7
        )
        with pytest.raises(RetryAfter) as flood:
            await bot.send_message(USER, "a")
        assert flood.value.retry_after == timedelta(seconds=7)
        api.fail_method("sendMessage", description="Bad Request: chat not found", times=1)
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.send_message(USER, "b")


async def test_a_slow_answer_times_out_as_ptb_says(api: LocalBotApi) -> None:
    api.latency(30, methods=["sendMessage"])
    async with _bot(api.base_url, api.token) as bot:
        with pytest.raises(TimedOut):
            await bot.send_message(USER, "慢", read_timeout=0.3)


async def test_a_server_that_is_gone_is_a_network_error() -> None:
    request = AiohttpRequest(1)
    await request.initialize()
    try:
        with refusing_port() as port, pytest.raises(NetworkError) as failed:
            await request.post(f"http://127.0.0.1:{port}/bot1:test/getMe")
        assert not isinstance(failed.value, TimedOut)
    finally:
        await request.shutdown()


async def test_a_request_before_initialize_is_refused() -> None:
    with pytest.raises(NetworkError, match="not initialized"):
        await AiohttpRequest(1).post("http://127.0.0.1:1/bot1:test/getMe")
