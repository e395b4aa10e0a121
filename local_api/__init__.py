"""A local fake of Telegram's Bot API for end-to-end tests, benchmarks and ``pufa demo``.

The real python-telegram-bot ``Application`` talks to it over loopback HTTP (``base_url``),
while tests and the demo web chat act as users and watch what the bot sends::

    async with LocalBotApi() as api:
        app = (
            Application.builder()
            .token(api.token)
            .base_url(api.base_url)
            .base_file_url(api.base_file_url)
            .build()
        )
        ...
        user = api.user(1001, "张三")
        api.send_command(user, "/start")
        [reply] = await api.wait_for_messages(user.id)
"""

from local_api.errors import ApiError
from local_api.limits import FloodGate, FloodLimits, ManualClock
from local_api.records import ApiCall, FakeChat, FakeUser, SentMessage, StoredFile
from local_api.server import LocalBotApi

__all__ = [
    "ApiCall",
    "ApiError",
    "FakeChat",
    "FakeUser",
    "FloodGate",
    "FloodLimits",
    "LocalBotApi",
    "ManualClock",
    "SentMessage",
    "StoredFile",
]
