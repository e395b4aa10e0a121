"""What `pufa run` logs when polling Telegram fails: a network blip (the Bot API restarting,
a dropped connection) is one WARNING line without a traceback, and only an outage that
lasts PERSISTING (5 minutes) is an ERROR, once. PTB's own handler would log every failed
`getUpdates` as an ERROR with a traceback; polling retries by itself either way."""

import logging
from datetime import datetime, timedelta

from telegram.error import BadRequest, NetworkError, TelegramError

from storage.models import Clock

log = logging.getLogger(__name__)
PERSISTING = timedelta(minutes=5)
# PTB waits at most 30 s between failed polls, and a working long poll answers within
# seconds: a failure longer than this after the previous one starts a new outage.
SAME_OUTAGE = timedelta(seconds=90)


class PollingErrors:
    """`error_callback` for `Updater.start_polling`: called (synchronously) with each
    TelegramError a `getUpdates` ends in, except timeouts and flood waits, which PTB retries
    without calling it."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._since: datetime | None = None  # when the present outage began
        self._last: datetime | None = None
        self._reported = False  # the outage's ERROR is logged

    def __call__(self, error: TelegramError) -> None:
        if not isinstance(error, NetworkError) or isinstance(error, BadRequest):
            # Conflict (another poller or a webhook), Forbidden...: a mistake to fix, not a blip
            log.error("polling for updates failed: %s", _said(error), exc_info=error)
            return
        now = self._clock()
        if self._since is None or self._last is None or now - self._last > SAME_OUTAGE:
            self._since, self._reported = now, False
            log.warning("Telegram out of reach while polling (%s); retrying", _said(error))
        elif not self._reported and now - self._since >= PERSISTING:
            self._reported = True
            minutes = int((now - self._since).total_seconds() // 60)
            log.error(
                "Telegram out of reach while polling for %d minutes (%s); still retrying",
                minutes,
                _said(error),
            )
        else:
            log.debug("Telegram still out of reach while polling (%s)", _said(error))
        self._last = now


def _said(error: TelegramError) -> str:
    return f"{type(error).__name__}: {error.message}"
