"""`pufa demo`: the real bot against a local Bot API server, with a web chat to talk to it."""

import logging
from importlib.resources import files

from aiohttp import web

from bot.app import build_application
from bot.runners import poll_until, serving, stop_event
from bot.server import build_web_app
from bot.settings import Settings
from local_api import LocalBotApi

log = logging.getLogger(__name__)


async def run_demo(settings: Settings, port: int) -> None:
    api = LocalBotApi(host=settings.web_host, port=port)
    page = files("bot.web").joinpath("chat.html").read_text(encoding="utf-8")

    async def chat_page(_request: web.Request) -> web.Response:
        return web.Response(text=page, content_type="text/html")

    api.app.router.add_get("/", chat_page)
    await api.start()
    # The bot's own web app (the coordinators' dashboard) listens on the next port.
    web_port = api.port + 1
    demo = settings.model_copy(
        update={
            "api_base_url": api.base_url,
            "web_port": web_port,
            "public_url": f"http://{settings.web_host}:{web_port}",
        }
    )
    app = build_application(demo, api.token)
    print(
        f"\n  普法小助手演示已启动：在浏览器打开 {api.url}/\n"
        f"  协调员工作台：{demo.public_base}/dashboard/\n"
        "  （协调员在聊天里发送 /dashboard 获取登录链接）\n"
        "  按 Ctrl+C 结束。\n",
        flush=True,
    )
    try:
        async with serving(build_web_app(app), demo):
            await poll_until(app, stop_event())
    finally:
        await api.stop()
