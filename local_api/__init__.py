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

Besides messages, media and queries it knows polls and quizzes (``api.answer_poll``) and
webhooks (POSTed to loopback URLs only). It can misbehave on purpose, as Telegram does:

- ``fail_method``: one method answers an error, ``times`` times or until cleared;
- ``fail_for``: sending methods (or named ones) answer 500/502/503 for a while, measured on
  the server's clock; ``go_down``/``come_back``: every method answers 502 meanwhile;
- ``stall``: requests (of named methods, to named chats) are held before they are processed
  (a client that gives up is never served, or, ``"queued"``, is served later all the same)
  or after (delivered, but the answer is late), ``end_stalls`` lets them go;
- ``latency``: a fixed delay on every call, as over a real network, for benchmarks;
- ``enforce_limits=True``: Telegram's flood limits answer 429 with ``retry_after``; sends
  with ``allow_paid_broadcast`` get their own 1000/s limit (``api.paid_sends`` counts them).

Text UTF-8 cannot carry (a lone surrogate, half an emoji) is refused where it comes in, as
Telegram's wire cannot hold it: a user action raises ``ValueError``, the demo API answers 400,
a bot's request gets Telegram's 400. ``forge``/``forge_text`` queue such an update on purpose,
to test how a bot copes (it goes out as the JSON escape).

Rules on time (outage windows, flood limits, timed polls) run on ``clock`` (a
``ManualClock`` in tests; ``api.tick()`` after advancing it wakes a held long poll); stalls
and latency are real seconds, since they race the client's own timeouts.
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
