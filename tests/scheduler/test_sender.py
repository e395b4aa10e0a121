"""How a failed send through the bot's HTTP client is classified: resent only when it
certainly never reached Telegram."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from telegram import Bot
from telegram.error import NetworkError, TelegramError

from bot.telegram_http import AiohttpRequest
from scheduler.messages import Retry, Uncertain
from scheduler.sender import classify
from tests.processes import refusing_port

TOKEN = "1:test"


@asynccontextmanager
async def _bot(port: int) -> AsyncIterator[Bot]:
    request = AiohttpRequest(2)
    await request.initialize()  # not `async with bot`: that would call getMe
    try:
        yield Bot(TOKEN, base_url=f"http://127.0.0.1:{port}/bot", request=request)
    finally:
        await request.shutdown()


async def _send_error(port: int) -> TelegramError:
    async with _bot(port) as bot:
        with pytest.raises(NetworkError) as raised:
            await bot.send_message(1, "你好")
    return raised.value


async def test_no_connection_is_sent_again() -> None:
    with refusing_port() as port:
        outcome = classify(await _send_error(port))
    assert isinstance(outcome, Retry)


async def test_a_connection_dropped_after_the_request_is_uncertain() -> None:
    received = asyncio.Event()

    async def swallow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")  # the request went out: it may have been acted on
        received.set()
        writer.close()

    server = await asyncio.start_server(swallow, "127.0.0.1", 0)
    async with server:
        port = server.sockets[0].getsockname()[1]
        outcome = classify(await _send_error(port))
    assert received.is_set()
    assert isinstance(outcome, Uncertain)
