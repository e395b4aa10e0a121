"""`pufa webhook` as a service, through the local Bot API server delivering webhooks: the
webhook is registered with its secret, allowed updates and connection limit; updates queued
while the bot was down are kept unless it is told to drop them; a request without the secret
is refused and logged without its body; a stop finishes the updates in flight and frees the
lock for the standby."""

import signal
from pathlib import Path

import aiohttp

from local_api import LocalBotApi
from tests.e2e.test_instances import conflicts, is_role
from tests.processes import BotProcess, Store, free_port, start_bot, stop_all, store
from tests.waiting import eventually

SECRET = "s3cret-Token_1"
PHONE = "13912345678"


async def start_webhook(
    api: LocalBotApi, data: Store, tmp_path: Path, name: str, **settings: str
) -> BotProcess:
    port = free_port()
    return await start_bot(
        api,
        data,
        tmp_path,
        mode="webhook",
        name=name,
        port=port,
        settings={"webhook_url": f"http://127.0.0.1:{port}/tg/hook", "webhook_secret": SECRET}
        | settings,
    )


def set_webhook_calls(api: LocalBotApi) -> list[dict[str, object]]:
    return [c.params for c in api.calls if c.method == "setWebhook" and c.ok]


async def test_webhook_is_registered_and_keeps_what_telegram_queued(tmp_path: Path) -> None:
    async with LocalBotApi() as api, store("sqlite", tmp_path) as data:
        early = api.user(41_001, "早到的居民")
        api.send_command(early, "/start")  # queued while the bot is not running yet
        bot = await start_webhook(api, data, tmp_path, "hook", webhook_max_connections="7")
        try:
            await eventually(lambda: is_role(bot, "active", 200))
            [params] = set_webhook_calls(api)
            assert params["url"] == f"http://127.0.0.1:{bot.port}/tg/hook"
            assert params["secret_token"] == SECRET and params["max_connections"] == 7
            assert "message" in params["allowed_updates"]  # type: ignore[operator]
            assert "callback_query" in params["allowed_updates"]  # type: ignore[operator]
            assert not params.get("drop_pending_updates")
            [_welcome] = await api.wait_for_messages(early.id)
            user = api.user(41_002, "居民")
            api.send_text(user, "老板拖欠工资怎么办")
            [_answer] = await api.wait_for_messages(user.id)
            async with aiohttp.ClientSession() as client:
                url = f"http://127.0.0.1:{bot.port}/tg/hook"
                body = {"update_id": 9, "message": {"text": f"我的电话 {PHONE}"}}
                async with client.post(url, json=body) as refused:
                    assert refused.status == 403
                headers = {"X-Telegram-Bot-Api-Secret-Token": "wrong"}
                async with client.post(url, json=body, headers=headers) as refused:
                    assert refused.status == 403
        finally:
            assert await bot.stop() == 0
        assert "without the right secret refused" in bot.output()
        assert PHONE not in bot.output()
        assert not [c for c in api.calls if c.method == "getUpdates"]


async def test_drop_pending_updates_only_when_told(tmp_path: Path) -> None:
    async with LocalBotApi() as api, store("sqlite", tmp_path) as data:
        early = api.user(42_001, "早到的居民")
        api.send_command(early, "/start")
        bot = await start_webhook(api, data, tmp_path, "hook", webhook_drop_pending="true")
        try:
            await eventually(lambda: is_role(bot, "active", 200))
            [params] = set_webhook_calls(api)
            assert params["drop_pending_updates"] is True
            later = api.user(42_002, "居民")
            api.send_command(later, "/start")
            [_welcome] = await api.wait_for_messages(later.id)
            assert not api.messages_to(early.id)
        finally:
            await bot.stop()


async def test_a_stop_finishes_updates_in_flight_and_hands_over_to_the_standby(
    tmp_path: Path,
) -> None:
    async with LocalBotApi() as api, store("sqlite", tmp_path) as data:
        first = await start_webhook(api, data, tmp_path, "first")
        second: BotProcess | None = None
        try:
            await eventually(lambda: is_role(first, "active", 200))
            second = await start_webhook(api, data, tmp_path, "second")
            await eventually(lambda: is_role(second, "standby", 503))
            async with aiohttp.ClientSession() as client:  # the standby takes no updates
                headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
                hook = f"http://127.0.0.1:{second.port}/tg/hook"
                async with client.post(hook, json={"update_id": 1}, headers=headers) as answer:
                    assert answer.status == 503
            api.latency(2.0, methods=["sendMessage"])  # the reply is still on its way ...
            user = api.user(43_001, "居民")
            api.send_command(user, "/start")

            async def taken() -> bool:  # ... when the webhook request has been answered
                return not api.state.updates

            await eventually(taken)
            first.process.send_signal(signal.SIGTERM)
            assert await first.process.wait() == 0
            assert len([m for m in api.messages_to(user.id) if m.action == "send"]) == 1
            assert "queued updates handled, delivery engine stopped" in first.output()
            api.latency(0.0)
            await eventually(lambda: is_role(second, "active", 200))
            assert set_webhook_calls(api)[-1]["url"] == f"http://127.0.0.1:{second.port}/tg/hook"
            other = api.user(43_002, "居民")
            api.send_command(other, "/start")
            [_welcome] = await api.wait_for_messages(other.id)
        finally:
            await stop_all(first, *([second] if second else []))
        assert conflicts(api) == 0
