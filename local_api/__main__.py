"""`python -m local_api --port P --token T`: the local Bot API server on its own, to try
`pufa run`, `pufa webhook` or a standby without Telegram (README: "Without Telegram"). It
prints the PUFA_API_BASE_URL to set and serves until Ctrl+C; people talk to the bot through
its JSON API (`/demo/api/send`, `/demo/api/messages`: local_api.demo). The texts are here,
not in the bot's catalogue: local_api imports nothing of the bot."""

import argparse
import asyncio
import contextlib
import signal

from local_api.server import LocalBotApi

DEFAULT_TOKEN = "123456:LOCAL-TEST"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m local_api", description="本地 Telegram Bot API 服务器（不连 Telegram）"
    )
    parser.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
    parser.add_argument("--port", type=int, default=0, help="端口（默认随便找一个空闲的）")
    parser.add_argument("--token", default=DEFAULT_TOKEN, help="机器人 token（PUFA_BOT_TOKEN）")
    parser.add_argument("--username", default="pufa_demo_bot", help="机器人用户名")
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.host, args.port, args.token, args.username))


async def serve(host: str, port: int, token: str, username: str) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with LocalBotApi(token=token, bot_username=username, host=host, port=port) as api:
        print(f"本地 Bot API 已启动：PUFA_API_BASE_URL={api.base_url}", flush=True)
        print(f"PUFA_BOT_TOKEN={api.token}", flush=True)
        print(f"以用户身份发消息：POST {api.url}/demo/api/send", flush=True)
        print("按 Ctrl+C 结束。", flush=True)
        await stop.wait()


if __name__ == "__main__":
    main()
