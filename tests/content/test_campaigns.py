import shutil
from datetime import date, timedelta
from pathlib import Path

from content.campaigns import find_campaign, render, when_text
from content.loader import CONTENT_DIR, Library, collect
from content.models import TELEGRAM_TEXT_LIMIT
from content.search import SearchIndex
from tests.content.content_copy import named

REQUIRED = {
    "consumer-rights-day": "03-15",
    "national-security-day": "04-15",
    "anti-drug-day": "06-26",
    "constitution-day": "12-04",
}


def test_the_real_calendar_has_the_yearly_campaigns(library: Library) -> None:
    campaigns = {c.id: c for c in library.campaigns}
    assert {k: campaigns[k].date for k in REQUIRED} == REQUIRED
    assert campaigns["civil-code-month"].month == 5
    assert campaigns["cybersecurity-week"].kind == "movable"
    assert campaigns["constitution-week"].start == "12-01"
    for campaign in library.campaigns:
        assert campaign.cards and all(card in library.cards for card in campaign.cards)
        first, last = campaign.period(2026)
        for lead in campaign.lead_days:
            for template in (campaign.message, campaign.volunteer_message):
                assert (
                    len(render(template, campaign, first, last, first - timedelta(days=lead)))
                    < TELEGRAM_TEXT_LIMIT
                )


def test_content_check_names_each_problem_of_the_calendar(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    calendar = content / "campaigns.yaml"
    text = calendar.read_text(encoding="utf-8")
    text = text.replace("cards: [consumer-rights]", "cards: [no-such-card]")
    text = text.replace("categories: [consumer]", "categories: [nonsense]", 1)
    text = text.replace('date: "06-26"', 'date: "02-30"')
    calendar.write_text(text, encoding="utf-8")
    _, problems = collect(content)
    found = {(p.path, p.field) for p in problems}
    assert found == {
        (named(calendar, "- id: consumer-rights-day"), "cards"),
        (named(calendar, "- id: consumer-rights-day"), "categories"),
        (named(calendar, "- id: anti-drug-day"), "date"),
    }
    assert any("no-such-card" in p.message for p in problems)


def test_the_campaigns_the_seed_plans_name_are_in_the_calendar(library: Library) -> None:
    campaigns = {c.id: c for c in library.campaigns}
    food = campaigns["food-safety-week"]  # seed 002 item 9
    assert (food.kind, food.days) == ("movable", 7) and "食安周" in food.aliases
    integrity = campaigns["integrity-month"]  # seed 003 (九)
    assert (integrity.kind, integrity.month) == ("month", 9)
    assert campaigns["constitution-week"].aliases == ["宪法周"]
    assert "网安周" in campaigns["cybersecurity-week"].aliases


def test_every_name_and_alias_finds_the_campaign_and_its_card(
    library: Library, index: SearchIndex
) -> None:
    for campaign in library.campaigns:
        assert find_campaign(library.campaigns, campaign.id) == campaign
        for name in [campaign.name, *campaign.aliases]:
            assert find_campaign(library.campaigns, f" “{name}” ") == campaign, name
            result = index.search(name)
            assert result.matched and result.best is not None, name
            assert result.best.card_id in campaign.cards, name
    assert find_campaign(library.campaigns, "网安周") == find_campaign(
        library.campaigns, "国家网络安全宣传周"
    )
    assert find_campaign(library.campaigns, "植树节") is None


def test_an_alias_may_name_one_campaign_only(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    calendar = content / "campaigns.yaml"
    text = calendar.read_text(encoding="utf-8")
    text = text.replace("aliases: [宪法周]", "aliases: [网安周, 宪法宣传周, 宪法日]")
    text = text.replace("aliases: [美好生活·民法典相伴]", "aliases: [美好生活·民法典相伴, '']")
    calendar.write_text(text, encoding="utf-8")
    _, problems = collect(content)
    month = named(calendar, "- id: civil-code-month")
    week, day = (
        named(calendar, "- id: constitution-week"),
        named(calendar, "- id: constitution-day"),
    )
    assert [(p.path, p.field, p.message) for p in problems] == [
        (month, "aliases", "别名要 2 到 40 个字"),
        (week, "aliases", "别名 '网安周' 已经是 'cybersecurity-week' 的名称或别名"),
        (week, "aliases", "别名 '宪法宣传周' 已经是本活动的名称或别名"),
        (day, "aliases", "别名 '宪法日' 已经是 'constitution-week' 的名称或别名"),
    ]


def test_when_counts_from_the_day_the_reminder_is_sent(library: Library) -> None:
    """{when} is relative to the day it goes out, not to the reminder's slot: a reminder of
    12·4国家宪法日 sent the day before says 明天; next year's sent now names its year."""
    day = next(c for c in library.campaigns if c.id == "constitution-day")
    first = date(2026, 12, 4)
    said = {
        on: render("{when}（{period}）", day, first, first, on)
        for on in (date(2026, 12, 4), date(2026, 12, 3), date(2026, 12, 2), date(2026, 11, 27))
    }
    assert list(said.values()) == [
        "今天（12月4日）",
        "明天（12月4日）",
        "后天（12月4日）",
        "7 天后（12月4日）",
    ]
    assert when_text(date(2027, 12, 4), date(2026, 12, 5)) == "2027年12月4日（周六）"
    assert when_text(date(2027, 1, 3), date(2026, 12, 27)) == "7 天后"
    assert when_text(first, date(2026, 12, 5)) == "12月4日"


def test_a_when_that_names_the_date_is_not_followed_by_it_again(library: Library) -> None:
    """Sent long before the first day, or after it (a reminder moved late), {when} is the date
    itself: the first day in brackets after it goes; a longer period in brackets becomes the
    range from it, its first day said once. ("（{period}）{when}开始" would still say it twice:
    the content check refuses it, tests/content/test_campaign_days_once.py.)"""
    day = next(c for c in library.campaigns if c.id == "constitution-day")
    first = date(2027, 12, 4)
    for template in ("{when}（{period}）是", "{when}（{start}）是", "{when}({start})是"):
        assert render(template, day, first, first, date(2026, 12, 5)) == "2027年12月4日（周六）是"
        assert render(template, day, first, first, date(2027, 12, 5)) == "12月4日是"
        assert render(template, day, first, first, date(2027, 12, 3)).startswith("明天")
    week = next(c for c in library.campaigns if c.id == "constitution-week")
    last = date(2027, 12, 7)
    said = render("{when}（{period}）起", week, first, last, date(2026, 12, 5))
    assert said == "2027年12月4日（周六）至12月7日起"
    said = render("{when}（{period}）起", week, first, last, date(2027, 11, 27))
    assert said == "7 天后（12月4日至12月7日）起"
