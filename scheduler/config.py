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
    weekly_case_day: int = 5  # ISO weekday (1 = Monday) of the weekly case; 0: none
    weekly_case_time: time = time(19, 0)
