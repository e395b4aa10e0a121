"""Telegram out of reach while `pufa run` polls: a blip is one WARNING line, no traceback."""

import logging
from datetime import timedelta
from pathlib import Path

import pytest
from telegram.error import Conflict, NetworkError

from bot.polling import PERSISTING, SAME_OUTAGE, PollingErrors
from local_api import LocalBotApi
from tests.clock import ControlledClock
from tests.conftest import sqlite_url
from tests.outage import TcpProxy
from tests.processes import Store, start_bot, stop_all
from tests.waiting import INDEX_BUILD_SECONDS, eventually


def _logged(caplog: pytest.LogCaptureFixture) -> list[tuple[str, str, bool]]:
    found = [(r.levelname, r.getMessage(), r.exc_info is not None) for r in caplog.records]
    caplog.clear()
    return found


def test_an_outage_is_one_warning_and_one_error_only_when_it_persists(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = ControlledClock(flowing=False)
    errors = PollingErrors(clock)
    refused = NetworkError("Connection refused")
    caplog.set_level(logging.DEBUG, logger="bot.polling")

    errors(refused)
    assert _logged(caplog) == [
        (
            "WARNING",
            "Telegram out of reach while polling (NetworkError: Connection refused); retrying",
            False,
        )
    ]
    longest_wait = timedelta(seconds=30)  # PTB's, between failed polls
    for _ in range(PERSISTING // longest_wait):
        clock.advance(longest_wait)
        errors(refused)
    levels = [level for level, _, _ in _logged(caplog)]
    assert levels == ["DEBUG"] * (PERSISTING // longest_wait - 1) + ["ERROR"]
    clock.advance(timedelta(seconds=30))
    errors(refused)  # still the same outage: said once
    assert [level for level, _, _ in _logged(caplog)] == ["DEBUG"]

    clock.advance(SAME_OUTAGE + timedelta(seconds=1))  # polling worked meanwhile
    errors(refused)
    assert [level for level, _, _ in _logged(caplog)] == ["WARNING"]

    errors(Conflict("terminated by other getUpdates request"))  # not a blip: said each time
    assert _logged(caplog) == [
        (
            "ERROR",
            "polling for updates failed: Conflict: terminated by other getUpdates request",
            True,
        )
    ]


async def test_the_bot_api_restarting_under_a_polling_bot_logs_one_warning_line(
    tmp_path: Path,
) -> None:
    async with LocalBotApi() as api:
        proxy = TcpProxy("127.0.0.1", api.port)
        await proxy.start()
        bot = await start_bot(
            api,
            Store(sqlite_url(tmp_path)),
            tmp_path,
            settings={"api_base_url": f"http://127.0.0.1:{proxy.port}/bot", "log_level": "DEBUG"},
        )
        try:

            async def long_polling() -> bool:  # its connection through the proxy is open
                return await bot.role() == "active" and api.is_polling

            await eventually(long_polling, INDEX_BUILD_SECONDS)  # its start may build the index
            await proxy.cut()

            async def retried() -> bool:  # the second failed poll
                return "DEBUG bot.polling: Telegram still out of reach" in bot.output()

            await eventually(retried)
            await proxy.restore()
            user = api.user(61_001, "居民")
            api.send_command(user, "/start")
            await api.wait_for_messages(user.id)
        finally:
            await stop_all(bot)  # before the proxy closes: no failed poll is logged after this
            await proxy.close()
    log = bot.output()
    warnings = [line for line in log.splitlines() if " WARNING " in line]
    assert [w for w in warnings if " bot.go_live: " not in w] == [
        w for w in warnings if " WARNING bot.polling: Telegram out of reach while polling (" in w
    ]
    assert log.count(" WARNING bot.polling: ") == 1
    assert " ERROR " not in log and "Traceback" not in log
