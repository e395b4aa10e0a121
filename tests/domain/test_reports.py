"""domain.reports: a report names at least one 普法 topic, whatever sends it."""

from dataclasses import replace
from datetime import timedelta

from content.loader import Library
from domain.reports import Outcome, has_topic, submit
from storage.db import Database
from storage.reports import get_report, own_reports
from tests.reporting import NOW, add_report, add_volunteer, report_data

WEEK = timedelta(days=7)
VOLUNTEER = 7101


def test_a_topic_is_a_category_not_an_indicator_or_campaign(library: Library) -> None:
    category, indicator = library.categories[0].id, library.indicators[0].id
    campaign = library.campaigns[0].id
    assert has_topic([category], library) and has_topic([indicator, category], library)
    assert not has_topic([], library)
    assert not has_topic([indicator, campaign, "no-such-topic"], library)


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
