"""How the charts name a week: by its days ("12/1–12/7"), never by its Monday alone, which
reads as a single day."""

from datetime import date, timedelta


def week_label(monday: date, first: date | None = None, last: date | None = None) -> str:
    """Monday to Sunday, cut to the charted period's `first` and `last` days (its first and
    last weeks are partial); one day as just that day."""
    start = max(monday, first) if first is not None else monday
    end = monday + timedelta(days=6)
    end = min(end, last) if last is not None else end
    if start == end:
        return f"{start.month}/{start.day}"
    return f"{start.month}/{start.day}–{end.month}/{end.day}"
