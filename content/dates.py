"""How the bot writes a day to people, the same everywhere: 12月4日, 周六, 2026年9月14日,
2027年12月4日（周六）."""

from datetime import date

WEEKDAYS = "一二三四五六日"


def short_date(day: date) -> str:
    return f"{day.month}月{day.day}日"


def weekday(day: date) -> str:
    return f"周{WEEKDAYS[day.weekday()]}"


def long_date(day: date) -> str:
    return f"{day.year}年{short_date(day)}"


def full_date(day: date) -> str:
    return f"{long_date(day)}（{weekday(day)}）"
