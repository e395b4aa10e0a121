"""Days are written with the words of ui.zh.yaml's `dates` section (content.dates): the
running bot with its content's, so a coordinator changes them there, not in Python; and
`pufa content check` refuses a pattern that lost a placeholder or a week that is not seven
days."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from bot.app import build_application
from bot.settings import Settings
from content import dates
from content.campaigns import render, when_text
from content.dates import full_date, long_date, short_date, weekday
from content.loader import load_library
from content.office_hours import Holidays, Workday, check_holidays
from content.search import SearchIndex
from handlers.tickets.common import local_when
from scheduler.timeparse import Weekly, describe_weekly
from tests.conftest import sqlite_url
from tests.content.content_copy import Edit, copy_content, edit, refused

WEEK = "  weekdays: [一, 二, 三, 四, 五, 六, 日]\n"
SEVEN = "dates.weekdays: weekdays 要正好写七天的名字，从星期一写到星期日，一个也不能空"


@pytest.fixture
def packaged_words_after() -> Iterator[None]:
    """The test may install other words: the next ones get the packaged words again."""
    yield
    dates.use(dates.packaged())


async def test_the_bot_writes_days_with_its_contents_words(
    tmp_path: Path, packaged_words_after: None, index: SearchIndex
) -> None:
    content = copy_content(tmp_path)
    ui = content / "ui.zh.yaml"
    edit(ui, "  weekday: 周{name}\n", "  weekday: 星期{name}\n")
    edit(ui, WEEK, "  weekdays: [一, 二, 三, 四, 五, 六, 天]\n")
    edit(ui, '  long_date: "{year}年{month}月{day}日"\n', '  long_date: "{year}.{month}.{day}"\n')
    edit(ui, "  tomorrow: 明天\n", "  tomorrow: 就在明天\n")
    edit(ui, '  days_ahead: "{days} 天后"\n', '  days_ahead: "还有 {days} 天"\n')
    edit(ui, '  month: "{month}月"\n', '  month: "{month}月份"\n')
    edit(ui, '  date_range: "{start}至{end}"\n', '  date_range: "{start}到{end}"\n')
    saturday = date(2027, 12, 4)
    assert full_date(saturday) == "2027年12月4日（周六）"

    library = load_library(content)
    settings = Settings(_env_file=None, database_url=sqlite_url(tmp_path))
    app = build_application(settings, "1:TEST", library=library, index=index)
    await app.services.db.dispose()

    assert full_date(saturday) == "2027.12.4（星期六）"
    assert (long_date(saturday), short_date(saturday)) == ("2027.12.4", "12月4日")
    assert weekday(date(2027, 12, 5)) == "星期天"
    assert describe_weekly(Weekly(6, time(9, 0))) == "每星期天 09:00"
    assert when_text(saturday, date(2027, 12, 3)) == "就在明天"
    assert when_text(saturday, date(2027, 11, 27)) == "还有 7 天"
    assert when_text(saturday, date(2026, 12, 5)) == "2027.12.4（星期六）"
    campaigns = {c.id: c for c in library.campaigns}
    month, week = campaigns["civil-code-month"], campaigns["constitution-week"]
    assert render("{period}", month, *month.period(2027), saturday) == "5月份"
    first, last = week.period(2027)
    assert (
        render("{period}", week, first, last, saturday) == f"12月{first.day}日到12月{last.day}日"
    )
    at = datetime(2027, 12, 5, 1, 30, tzinfo=UTC)
    assert local_when(library.ui.tickets, UTC, at) == "12月5日（星期天）01:30"
    wednesday = Workday(name="示例调休", date=date(2027, 12, 1))
    [workday] = check_holidays(Holidays(sample=True, note="示例日历", workdays=[wednesday]), "h")
    assert "是星期三，" in str(workday)


async def test_content_edited_while_running_brings_its_words(
    tmp_path: Path, packaged_words_after: None, index: SearchIndex
) -> None:
    """A dashboard edit swaps the whole library in (Services.swap_content): its day words
    come with it."""
    content = copy_content(tmp_path)
    edit(content / "ui.zh.yaml", "  weekday: 周{name}\n", "  weekday: 星期{name}\n")
    app = build_application(
        Settings(_env_file=None, database_url=sqlite_url(tmp_path)),
        "1:TEST",
        library=load_library(),
        index=index,
    )
    await app.services.db.dispose()
    assert weekday(date(2027, 12, 4)) == "周六"

    app.services.swap_content(load_library(content), app.services.index)

    assert weekday(date(2027, 12, 4)) == "星期六"


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            '  short_date: "{month}月{day}日"\n',
            '  short_date: "{month}月"\n',
            "dates.short_date: 少了占位符 {day}：这段文字每个占位符都要写",
        ),
        (
            '  full_date: "{long_date}（{weekday}）"\n',
            '  full_date: "{long_date}（{weekday}）{day}"\n',
            "dates.full_date: 占位符 {day} 不认识",
        ),
        (
            WEEK,
            "  weekdays: [一, 二, 三, 四, 五, 六]\n",
            SEVEN,
        ),
        (
            WEEK,
            "  weekdays: [一, 二, 三, 四, 五, 六, ' ']\n",
            SEVEN,
        ),
        (WEEK, "  weekdays: [一, 二, 三, 四, 五, 六, <b>日]\n", "dates.weekdays: 标签 <b>"),
        (
            '  date_range: "{start}至{end}"\n',
            '  date_range: "{start}起"\n',
            "dates.date_range: 少了占位符 {end}：这段文字每个占位符都要写",
        ),
    ],
)
def test_the_check_refuses_a_broken_day_pattern(
    tmp_path: Path, old: str, new: str, problem: str
) -> None:
    [found] = refused(tmp_path, Edit("ui.zh.yaml", old, new))
    assert str(found).startswith(f"ui.zh.yaml: {problem}"), str(found)
