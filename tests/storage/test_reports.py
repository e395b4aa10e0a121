"""Reports: idempotent submission, one's own list and totals, edit/withdraw windows, drafts."""

import asyncio
from dataclasses import replace
from datetime import date, timedelta

from storage.db import Database
from storage.evidence import toggle_tag
from storage.models import ReviewState
from storage.report_review import Decided, decide, revision, revision_time
from storage.reports import (
    Change,
    ReportFilter,
    edit_report,
    find_reports,
    get_report,
    mark_notified,
    merge_topics,
    own_reports,
    own_totals,
    pending_reports,
    submit_report,
    unnotified_reports,
    waiting_review,
    withdraw_report,
)
from tests.reporting import NOW, add_report, add_volunteer, report_data

WEEK = timedelta(days=7)


async def _count(db: Database, volunteer_id: int) -> int:
    async with db.session() as session:
        return len(await own_reports(session=session, volunteer_id=volunteer_id, limit=100))


async def test_the_same_submission_key_inserts_once(db: Database) -> None:
    async with db.session() as session:
        first = await submit_report(
            session=session, volunteer_id=1, data=report_data(), submission_key="k1", now=NOW
        )
    async with db.session() as session:
        again = await submit_report(
            session=session,
            volunteer_id=1,
            data=report_data(audience=999),
            submission_key="k1",
            now=NOW,
        )
    assert first.created and not again.created and again.report_id == first.report_id
    assert await _count(db, 1) == 1


async def test_concurrent_submissions_of_one_draft_insert_once(db: Database) -> None:
    async def submit() -> int:
        async with db.session() as session:
            result = await submit_report(
                session=session, volunteer_id=2, data=report_data(), submission_key="same", now=NOW
            )
            await asyncio.sleep(0.01)  # hold the transaction open a moment
            return result.report_id

    ids = await asyncio.gather(*(submit() for _ in range(4)))
    assert len(set(ids)) == 1
    assert await _count(db, 2) == 1


async def test_a_failed_transaction_leaves_no_half_written_report(db: Database) -> None:
    try:
        async with db.session() as session:
            await submit_report(
                session=session, volunteer_id=3, data=report_data(), submission_key="boom", now=NOW
            )
            raise RuntimeError("the bot crashed mid-submit")
    except RuntimeError:
        pass
    assert await _count(db, 3) == 0


async def test_round_trip_keeps_every_field(db: Database) -> None:
    data = report_data(
        topics=("constitution", "fraud"), lat=30.5, lon=114.3, materials=None, summary="宪法🎉宣传"
    )
    async with db.session() as session:
        result = await submit_report(
            session=session, volunteer_id=4, data=data, submission_key="rt", now=NOW
        )
    async with db.session() as session:
        stored = await get_report(session=session, report_id=result.report_id)
    assert stored is not None and stored.data == data and stored.created_at == NOW


async def test_own_totals_count_this_month_and_year_without_withdrawn(db: Database) -> None:
    await add_volunteer(db, 5)
    await add_report(db, 5, activity_date=date(2026, 11, 2), audience=10, hours=1.5)
    await add_report(db, 5, activity_date=date(2026, 11, 18), audience=20, hours=2)
    await add_report(db, 5, activity_date=date(2026, 3, 1), audience=40, hours=3)
    withdrawn = await add_report(db, 5, activity_date=date(2026, 11, 19), audience=1000)
    await add_report(db, 6, activity_date=date(2026, 11, 18), audience=7)
    async with db.session() as session:
        assert (
            await withdraw_report(
                session=session, report_id=withdrawn, volunteer_id=5, window=WEEK, now=NOW
            )
            is Change.OK
        )
    async with db.session() as session:
        month = await own_totals(
            session=session, volunteer_id=5, start=date(2026, 11, 1), end=date(2026, 11, 20)
        )
        year = await own_totals(
            session=session, volunteer_id=5, start=date(2026, 1, 1), end=date(2026, 11, 20)
        )
        mine = await own_reports(session=session, volunteer_id=5)
    assert (month.activities, month.audience, month.hours) == (2, 30, 3.5)
    assert (year.activities, year.audience, year.hours) == (3, 70, 6.5)
    assert [r.data.activity_date.day for r in mine] == [19, 18, 2, 1]
    assert mine[0].status == "withdrawn"


async def test_edit_and_withdraw_only_own_reports_within_the_window(db: Database) -> None:
    report_id = await add_report(db, 7)
    changed = report_data(audience=55, summary="更正后的简介内容")
    async with db.session() as session:
        assert (
            await edit_report(
                session=session,
                report_id=report_id,
                volunteer_id=8,
                data=changed,
                window=WEEK,
                now=NOW,
            )
            is Change.NOT_FOUND
        )
        late = NOW + WEEK + timedelta(seconds=1)
        assert await edit_report(
            session=session, report_id=report_id, volunteer_id=7, data=changed, window=WEEK,
            now=late,
        ) is Change.TOO_LATE  # fmt: skip
        assert await edit_report(
            session=session, report_id=report_id, volunteer_id=7, data=changed, window=WEEK,
            now=NOW + timedelta(days=1),
        ) is Change.OK  # fmt: skip
    async with db.session() as session:
        stored = await get_report(session=session, report_id=report_id)
        assert stored is not None and stored.data.audience == 55
        assert (
            await withdraw_report(
                session=session, report_id=report_id, volunteer_id=7, window=WEEK, now=NOW
            )
            is Change.OK
        )
    async with db.session() as session:
        assert (
            await withdraw_report(
                session=session, report_id=report_id, volunteer_id=7, window=WEEK, now=NOW
            )
            is Change.WITHDRAWN
        )
        assert await edit_report(
            session=session, report_id=report_id, volunteer_id=7, data=changed, window=WEEK,
            now=NOW,
        ) is Change.WITHDRAWN  # fmt: skip


async def test_a_report_is_verified_only_as_it_was_seen(db: Database) -> None:
    """The dashboard carries each report's revision (its `updated_at`, as text) from the page
    a coordinator saw to the decision: a report corrected since stays pending (CHANGED)."""
    kept, corrected = await add_report(db, 7), await add_report(db, 7)
    where = ReportFilter(date(2026, 11, 1), date(2026, 11, 30))
    async with db.session() as session:
        seen, total = await pending_reports(session=session, where=where, limit=10)
    assert total == 2 and [i for i, _ in seen] == [kept, corrected]
    stamps = {i: revision_time(revision(at)) for i, at in seen}  # the page's round trip
    assert stamps == dict(seen) and revision_time("x") is revision_time("9" * 19) is None
    async with db.session() as session:
        assert await edit_report(
            session=session, report_id=corrected, volunteer_id=7, data=report_data(audience=800),
            window=WEEK, now=NOW + timedelta(minutes=5),
        ) is Change.OK  # fmt: skip
    outcomes = []
    for report_id in (kept, corrected):
        async with db.session() as session:
            done = await decide(
                session=session, report_id=report_id, verdict=ReviewState.VERIFIED,
                reviewer_id=1, reviewer="协调员", now=NOW, seen=stamps[report_id],
            )  # fmt: skip
        outcomes.append(done.outcome)
    assert outcomes == [Decided.DONE, Decided.CHANGED]
    async with db.session() as session:
        now_seen, _ = await pending_reports(session=session, where=where, limit=10)
        assert [i for i, _ in now_seen] == [corrected]
        done = await decide(
            session=session, report_id=corrected, verdict=ReviewState.VERIFIED,
            reviewer_id=1, reviewer="协调员", now=NOW, seen=now_seen[0][1],
        )  # fmt: skip
    assert done.outcome is Decided.DONE
    async with db.session() as session:
        again = await decide(
            session=session, report_id=corrected, verdict=ReviewState.RETURNED,
            reviewer_id=2, reviewer="另一位", now=NOW, seen=now_seen[0][1],
        )  # fmt: skip
    assert again.outcome is Decided.ALREADY and again.reviewer == "协调员"


async def test_reports_waiting_for_review(db: Database) -> None:
    """What the daily digest says waits for review, and the list it links to (review=pending)."""
    async with db.session() as session:
        assert await waiting_review(session=session) is None
    first = await add_report(db, 7, activity_date=date(2026, 11, 2))
    await add_report(db, 7, activity_date=date(2026, 11, 9))
    decided = await add_report(db, 7, activity_date=date(2026, 10, 1))
    withdrawn = await add_report(db, 7, activity_date=date(2026, 9, 1))
    async with db.session() as session:
        await decide(
            session=session, report_id=decided, verdict=ReviewState.VERIFIED, reviewer_id=1,
            reviewer="协调员", now=NOW,
        )  # fmt: skip
        await withdraw_report(
            session=session, report_id=withdrawn, volunteer_id=7, window=WEEK, now=NOW
        )
    async with db.session() as session:
        waiting = await waiting_review(session=session)
        assert waiting is not None
        assert (waiting.count, waiting.first, waiting.last) == (
            2, date(2026, 11, 2), date(2026, 11, 9),
        )  # fmt: skip
        every = ReportFilter(date(2026, 1, 1), date(2026, 12, 31))
        pending = replace(every, review=ReviewState.PENDING.value)
        verified = replace(every, review=ReviewState.VERIFIED.value)
        _, total = await find_reports(session=session, where=every, offset=0, limit=10)
        listed, pending_total = await find_reports(
            session=session, where=pending, offset=0, limit=10
        )
        [only], _ = await find_reports(session=session, where=verified, offset=0, limit=10)
    assert total == 3 and pending_total == 2 and only.report.id == decided
    assert listed[-1].report.id == first


async def test_notifications_are_marked_once(db: Database) -> None:
    first = await add_report(db, 9)
    second = await add_report(db, 9)
    async with db.session() as session:
        assert [r.id for r in await unnotified_reports(session=session)] == [first, second]
        await mark_notified(session=session, report_ids=[first], now=NOW)
    async with db.session() as session:
        assert [r.id for r in await unnotified_reports(session=session)] == [second]


async def test_a_correction_keeps_a_tag_a_coordinator_changed_meanwhile(db: Database) -> None:
    """The volunteer opens a correction, a coordinator tags and untags the report (/tag), then
    the volunteer submits: only what the volunteer changed is changed."""
    report_id = await add_report(db, 9)
    async with db.session() as session:
        await toggle_tag(session=session, report_id=report_id, tag="law-publicity", now=NOW)
    before = ["constitution", "law-publicity"]  # what the volunteer's correction started from
    async with db.session() as session:
        await toggle_tag(session=session, report_id=report_id, tag="civil-code-publicity", now=NOW)
        await toggle_tag(session=session, report_id=report_id, tag="law-publicity", now=NOW)
    edited = report_data(topics=("constitution", "law-publicity", "rural-governance"))
    async with db.session() as session:
        change = await edit_report(
            session=session,
            report_id=report_id,
            volunteer_id=9,
            data=edited,
            window=WEEK,
            now=NOW,
            topics_before=before,
        )
    assert change is Change.OK
    async with db.session() as session:
        stored = await get_report(session=session, report_id=report_id)
    assert stored is not None
    assert stored.data.topics == ("constitution", "civil-code-publicity", "rural-governance")


def test_merging_topics_applies_only_the_edit() -> None:
    assert merge_topics(["a", "x", "c"], ["a", "b"], ["a", "d"]) == ["a", "x", "c", "d"]
    assert merge_topics(["a", "b"], ["a", "b"], ["b"]) == ["b"]
    assert merge_topics([], ["a"], ["a"]) == []  # removed by someone else meanwhile: stays out


async def test_a_tag_is_a_new_revision_and_leaves_the_review_as_it_was(db: Database) -> None:
    """/tag makes a new revision, as a correction does: a decision on the report as it read
    before the tag is refused (CHANGED); a decided report stays decided."""
    report_id = await add_report(db, 9)
    async with db.session() as session:
        before = await get_report(session=session, report_id=report_id)
        tagged = NOW + timedelta(minutes=1)
        assert await toggle_tag(
            session=session, report_id=report_id, tag="law-publicity", now=tagged
        )
    assert before is not None and before.updated_at == NOW
    async with db.session() as session:
        stale = await decide(
            session=session, report_id=report_id, verdict=ReviewState.VERIFIED,
            reviewer_id=1, reviewer="协调员", now=tagged, seen=before.updated_at,
        )  # fmt: skip
    assert stale.outcome is Decided.CHANGED
    async with db.session() as session:
        done = await decide(
            session=session, report_id=report_id, verdict=ReviewState.VERIFIED,
            reviewer_id=1, reviewer="协调员", now=tagged, seen=tagged,
        )  # fmt: skip
        assert done.outcome is Decided.DONE
        untagged = NOW + timedelta(minutes=2)
        assert not await toggle_tag(
            session=session, report_id=report_id, tag="law-publicity", now=untagged
        )
    async with db.session() as session:
        after = await get_report(session=session, report_id=report_id)
    assert after is not None and after.updated_at == untagged
    assert after.review == ReviewState.VERIFIED and "law-publicity" not in after.data.topics
