"""Webhook semantics: updates POSTed to a loopback receiver, retries, limits, conflicts."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import Conflict
from telegram.ext import Application, CommandHandler, ContextTypes

from local_api import LocalBotApi

KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton("详情", callback_data="card:1")]])


@dataclass
class Receiver:
    """A webhook endpoint on loopback that records what it got and answers as told."""

    url: str = ""
    received: list[tuple[dict[str, Any], str | None]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)  # answers to give first, then 200
    gate: asyncio.Event | None = None  # when set, requests wait for it before answering
    in_flight: int = 0
    most_in_flight: int = 0
    arrivals: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def handle(self, request: web.Request) -> web.Response:
        self.received.append((await request.json(), request.headers.get(SECRET)))
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        async with self.arrivals:
            self.arrivals.notify_all()
        try:
            if self.gate is not None:
                await self.gate.wait()
        finally:
            self.in_flight -= 1
        return web.Response(status=self.statuses.pop(0) if self.statuses else 200)

    async def wait_in_flight(self, count: int) -> None:
        async with self.arrivals:
            await asyncio.wait_for(
                self.arrivals.wait_for(lambda: self.in_flight == count), timeout=60
            )

    def update_ids(self) -> list[int]:
        return [update["update_id"] for update, _ in self.received]


SECRET = "X-Telegram-Bot-Api-Secret-Token"


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    hook = Receiver()
    app = web.Application()
    app.router.add_post("/hook", hook.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    hook.url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    yield hook
    if hook.gate is not None:
        hook.gate.set()
    await runner.cleanup()


async def test_updates_are_posted_with_the_secret(
    api: LocalBotApi, bot: Bot, receiver: Receiver
) -> None:
    assert await bot.set_webhook(receiver.url, secret_token="s3cret")
    user = api.user(1001, "张三")

    api.send_text(user, "你好")
    await api.wait_until(lambda: len(receiver.received) == 1, "the POST")

    body, secret = receiver.received[0]
    update = Update.de_json(body, bot)
    assert update.message is not None
    assert update.message.text == "你好"
    assert secret == "s3cret"
    await api.wait_until(lambda: not api.state.updates, "the update to be confirmed")
    info = await bot.get_webhook_info()
    assert (info.url, info.pending_update_count, info.last_error_message) == (
        receiver.url,
        0,
        None,
    )


async def test_a_webhook_application_answers_through_the_api(
    api: LocalBotApi, receiver: Receiver
) -> None:
    """A PTB Application fed by the webhook, as a webhook-mode bot would be."""

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text("欢迎")

    app = Application.builder().token(api.token).base_url(api.base_url).build()
    app.add_handler(CommandHandler("start", start))
    async with app:
        await app.bot.set_webhook(receiver.url)
        user = api.user(1001)
        api.send_command(user, "/start")
        await api.wait_until(lambda: bool(receiver.received), "the POST")

        await app.process_update(Update.de_json(receiver.received[0][0], app.bot))

    [reply] = await api.wait_for_messages(user.id)
    assert reply.text == "欢迎"


async def test_failed_posts_are_retried_and_reported(
    api: LocalBotApi, bot: Bot, receiver: Receiver
) -> None:
    receiver.statuses = [500, 503]
    await bot.set_webhook(receiver.url)

    update = api.send_text(api.user(1001), "重试")
    await api.wait_until(lambda: not api.state.updates, "the update to be delivered")

    assert receiver.update_ids() == [update["update_id"]] * 3
    info = await bot.get_webhook_info()
    assert info.last_error_message == "Wrong response from the webhook: 503 Service Unavailable"
    assert info.last_error_date is not None
    assert info.pending_update_count == 0


async def test_at_most_max_connections_posts_at_once(
    api: LocalBotApi, bot: Bot, receiver: Receiver
) -> None:
    receiver.gate = asyncio.Event()
    await bot.set_webhook(receiver.url, max_connections=2)
    user = api.user(1001)

    sent = [api.send_text(user, f"第{number}条")["update_id"] for number in range(5)]
    await receiver.wait_in_flight(2)
    assert (await bot.get_webhook_info()).pending_update_count == 5
    receiver.gate.set()
    await api.wait_until(lambda: not api.state.updates, "every update to be delivered")

    assert receiver.most_in_flight == 2
    assert sorted(receiver.update_ids()) == sent  # each once


async def test_allowed_updates_and_drop_pending_updates(
    api: LocalBotApi, bot: Bot, receiver: Receiver
) -> None:
    user = api.user(1001)
    api.send_text(user, "旧消息")
    sent = await bot.send_message(user.id, "选", reply_markup=KEYBOARD)

    await bot.set_webhook(
        receiver.url, allowed_updates=["callback_query"], drop_pending_updates=True
    )
    api.send_text(user, "不要")
    press = api.press(user, sent.message_id, "card:1")
    await api.wait_until(lambda: bool(receiver.received), "the POST")
    await api.wait_until(lambda: not api.state.updates, "the queue to empty")

    assert receiver.update_ids() == [press["update_id"]]
    info = await bot.get_webhook_info()
    assert info.allowed_updates == ("callback_query",)


async def test_get_updates_conflicts_with_a_webhook(
    api: LocalBotApi, bot: Bot, receiver: Receiver
) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await api.wait_until_polling()

    await bot.set_webhook(receiver.url)

    with pytest.raises(Conflict, match="webhook is active"):
        await asyncio.wait_for(poll, timeout=60)
    with pytest.raises(Conflict, match="use deleteWebhook to delete the webhook first"):
        await bot.get_updates()
    assert await bot.delete_webhook()
    assert await bot.get_updates() == ()
    assert (await bot.get_webhook_info()).url == ""


async def test_a_newer_get_updates_ends_the_older_one(api: LocalBotApi, bot: Bot) -> None:
    """Two bot instances polling at once: the older poll is told so, as on Telegram."""
    older = asyncio.create_task(bot.get_updates(timeout=30))
    await api.wait_until_polling()

    async with Bot(api.token, base_url=api.base_url) as second:
        newer = asyncio.create_task(second.get_updates(timeout=30))
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await asyncio.wait_for(older, timeout=60)
        api.send_text(api.user(1001), "给新的")
        [update] = await asyncio.wait_for(newer, timeout=60)

    assert update.message is not None
    assert update.message.text == "给新的"


async def test_other_hosts_are_never_contacted(api: LocalBotApi, bot: Bot) -> None:
    await bot.set_webhook("https://bot.example.org/hook")

    api.send_text(api.user(1001), "留着")
    info = await bot.get_webhook_info()

    assert info.pending_update_count == 1
    assert info.last_error_message is not None
    assert "loopback" in info.last_error_message
