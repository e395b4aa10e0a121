"""domain.reports: a report names at least one 普法 topic (a category or a campaign), and
no personal numbers, whatever sends it."""

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from content.loader import Library, load_library
from domain.reports import (
    Outcome,
    campaign_names,
    campaigns_on,
    has_topic,
    submit,
    topic_categories,
)
from storage.db import Database
from storage.reports import get_report, own_reports
from tests.content.content_copy import copy_content, edit
from tests.reporting import NOW, add_report, add_volunteer, report_data

WEEK = timedelta(days=7)
VOLUNTEER = 7101


def test_a_topic_is_a_category_or_a_campaign_not_an_indicator(library: Library) -> None:
    category, indicator = library.categories[0].id, library.indicators[0].id
    campaign = next(c for c in library.campaigns if c.id == "constitution-week")
    assert has_topic([category], library) and has_topic([indicator, category], library)
    assert not has_topic([], library)
    assert not has_topic([indicator, "no-such-topic"], library)
    assert has_topic([campaign.id], library) and has_topic([indicator, campaign.id], library)


def test_a_campaigns_categories_come_from_the_calendar(library: Library) -> None:
    """宪法宣传周 counts for its categories in campaigns.yaml; each category once, in order."""
    week = next(c for c in library.campaigns if c.id == "constitution-week")
    assert topic_categories([week.id], library) == week.categories
    assert "constitution" in week.categories
    indicator = library.indicators[0].id
    assert topic_categories(["fraud", indicator, week.id, "constitution"], library) == [
        "fraud",
        *week.categories,
    ]
    assert topic_categories([indicator, "no-such-topic"], library) == []


def test_campaigns_are_named_in_the_words_of_the_catalogue(
    library: Library, tmp_path: Path
) -> None:
    """How a text sets a campaign's name apart and lists several (the /report chat's and the
    dashboard's warnings about campaigns that do not fit) is ui.zh.yaml's to say."""
    ids = ["constitution-week", "constitution-day"]
    assert campaign_names(library, ids) == "“宪法宣传周”、“12·4国家宪法日”"
    content = copy_content(tmp_path)
    edit(content / "ui.zh.yaml", "\nlist_separator: 、\n", "\nlist_separator: 和\n")
    edit(content / "ui.zh.yaml", "\nquoted: “{name}”\n", "\nquoted: 《{name}》\n")
    assert campaign_names(load_library(content), ids) == "《宪法宣传周》和《12·4国家宪法日》"


async def test_a_report_naming_only_a_campaign_is_stored(db: Database, library: Library) -> None:
    await add_volunteer(db, VOLUNTEER)
    async with db.session() as session:
        done = await submit(
            session=session,
            library=library,
            volunteer_id=VOLUNTEER,
            data=report_data(topics=("constitution-week",)),
            key="k-campaign",
            correcting=None,
            window=WEEK,
            now=NOW,
        )
    assert done.outcome is Outcome.SUBMITTED and done.report_id is not None
    async with db.session() as session:
        report = await get_report(session=session, report_id=done.report_id)
    assert report is not None and report.data.topics == ("constitution-week",)


async def test_numbers_are_masked_whatever_sends_the_report(
    db: Database, library: Library
) -> None:
    """A draft from before the chat masked what was typed: 提交 stores it masked."""
    await add_volunteer(db, VOLUNTEER)
    data = report_data(place="王大爷家 13911112222", summary="身份证320102198001011234的问题")
    async with db.session() as session:
        done = await submit(
            session=session,
            library=library,
            volunteer_id=VOLUNTEER,
            data=data,
            key="k-numbers",
            correcting=None,
            window=WEEK,
            now=NOW,
        )
    assert done.report_id is not None
    async with db.session() as session:
        report = await get_report(session=session, report_id=done.report_id)
    assert report is not None
    assert (report.data.place, report.data.summary) == (
        "王大爷家 ***********",
        "身份证******************的问题",
    )


async def test_a_report_without_a_topic_is_refused_and_nothing_stored(
    db: Database, library: Library
) -> None:
    await add_volunteer(db, VOLUNTEER)
    indicator = library.indicators[0].id
    for topics in [(), (indicator,)]:
        async with db.session() as session:
            done = await submit(
                session=session,
                library=library,
                volunteer_id=VOLUNTEER,
                data=report_data(topics=topics),
                key=f"k-{len(topics)}",
                correcting=None,
                window=WEEK,
                now=NOW,
            )
        assert done.outcome is Outcome.NO_TOPIC and done.report_id is None
    async with db.session() as session:
        assert await own_reports(session=session, volunteer_id=VOLUNTEER) == []
        done = await submit(
            session=session,
            library=library,
            volunteer_id=VOLUNTEER,
            data=report_data(topics=(indicator, "fraud")),
            key="k-ok",
            correcting=None,
            window=WEEK,
            now=NOW,
        )
    assert done.outcome is Outcome.SUBMITTED and done.report_id is not None


async def test_a_correction_that_drops_every_topic_changes_nothing(
    db: Database, library: Library
) -> None:
    await add_volunteer(db, VOLUNTEER)
    report_id = await add_report(db, VOLUNTEER)
    async with db.session() as session:
        before = await get_report(session=session, report_id=report_id)
        assert before is not None
        done = await submit(
            session=session,
            library=library,
            volunteer_id=VOLUNTEER,
            data=replace(before.data, topics=(), audience=999),
            key="edit",
            correcting=report_id,
            window=WEEK,
            now=NOW + timedelta(hours=1),
            topics_before=before.data.topics,
        )
    assert done.outcome is Outcome.NO_TOPIC and done.report_id == report_id
    async with db.session() as session:
        after = await get_report(session=session, report_id=report_id)
    assert after is not None and after.data == before.data


def test_campaigns_are_offered_from_their_first_day_to_two_weeks_after_their_last(
    library: Library,
) -> None:
    """宪法宣传周 (12-01 to 12-07 by default): offered on its days and until 12-21, not
    before it nor after; a coordinator's dates win; 12月 campaigns still in early January."""
    week = "constitution-week"
    assert week not in campaigns_on(library, date(2026, 11, 30), {})
    assert week in campaigns_on(library, date(2026, 12, 1), {})
    assert week in campaigns_on(library, date(2026, 12, 21), {})
    assert week not in campaigns_on(library, date(2026, 12, 22), {})
    moved = {(week, 2026): (date(2026, 12, 20), date(2026, 12, 26))}
    assert week not in campaigns_on(library, date(2026, 12, 5), moved)
    assert week in campaigns_on(library, date(2027, 1, 9), moved)
    assert week not in campaigns_on(library, date(2027, 1, 10), moved)
    assert campaigns_on(library, date(2026, 3, 10), {}) == []  # QUIET: none nearby
