"""`python -m local_api --port P --token T`: the local Bot API server on its own, to try
`pufa run`, `pufa webhook` or a standby without Telegram (README: "Without Telegram"). It
prints the PUFA_API_BASE_URL to set and serves until Ctrl+C; people talk to the bot through
its JSON API (`/demo/api/send`, `/demo/api/messages`: local_api.demo). Its help and output
are English, as a developer's and operator's tool that imports nothing of the bot (not even
`pufa`'s own texts, bot/cli.zh.yaml): what people read in the chats is the bot's."""

import argparse
import asyncio
import contextlib
import signal

from local_api.server import LocalBotApi

DEFAULT_TOKEN = "123456:LOCAL-TEST"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m local_api",
        description="A local Telegram Bot API server (no connection to Telegram): point "
        "PUFA_API_BASE_URL at it and talk to the bot through its JSON API (/demo/api/send).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port (default: any free one)")
    parser.add_argument(
        "--token", default=DEFAULT_TOKEN, help=f"the bot's token, PUFA_BOT_TOKEN ({DEFAULT_TOKEN})"
    )
    parser.add_argument("--username", default="pufa_demo_bot", help="the bot's username")
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.host, args.port, args.token, args.username))


async def serve(host: str, port: int, token: str, username: str) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with LocalBotApi(token=token, bot_username=username, host=host, port=port) as api:
        print(f"Local Bot API server running: PUFA_API_BASE_URL={api.base_url}", flush=True)
        print(f"PUFA_BOT_TOKEN={api.token}", flush=True)
        print(f"Write as a user: POST {api.url}/demo/api/send", flush=True)
        print(f"Read the bot's replies: GET {api.url}/demo/api/messages?chat_id=ID", flush=True)
        print("Press Ctrl+C to stop.", flush=True)
        await stop.wait()


if __name__ == "__main__":
    main()
