"""How broadcasting is timed (from `bot.settings.Settings`)."""

from dataclasses import dataclass
from datetime import time, timedelta


@dataclass(frozen=True)
class BroadcastConfig:
    grace: timedelta = timedelta(minutes=30)  # how late a missed time may still be sent
    poll_seconds: float = 30.0  # the periodic due-check
    horizon: timedelta = timedelta(days=365)  # how far ahead the calendar is expanded
    volunteer_reminder_day: int = 25  # 0: no month-end reminder
    volunteer_reminder_time: time = time(10, 0)
    calendar_time: time = time(0, 10)  # daily expansion, local time
