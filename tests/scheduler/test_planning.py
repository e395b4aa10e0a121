"""Broadcast planning on both backends: checks, the stored row, deliveries before sending."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from content.loader import Library
from scheduler.planning import (
    PlanError,
    PlanProblem,
    begin_sending,
    check_text,
    occurrence_of,
    store_draft,
)
from scheduler.timeparse import Once, Weekly
from storage import broadcasts as repo
from storage.audience import Audience
from storage.db import Database
from storage.subscriptions import mark_inactive
from tests.broadcasting import TZ, add_subscribers, draft

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


def test_text_must_have_content_and_fit_one_message() -> None:
    check_text("法" * 4096)
    check_text("法法" + "👍" * 2047)  # Telegram counts UTF-16 units: an emoji is two
    for text, problem in (
        ("  \n ", PlanProblem.EMPTY),
        ("👍" * 2049, PlanProblem.TOO_LONG),
        ("👍🎉！12348", PlanProblem.NO_LETTERS),  # only emoji, digits or symbols say nothing
    ):
        with pytest.raises(PlanError) as caught:
            check_text(text)
        assert caught.value.problem is problem


async def problem_of(db: Database, library: Library, **changes: object) -> PlanProblem | None:
    try:
        async with db.session() as session:
            await store_draft(
                session=session,
                draft=replace(draft(), **changes),  # type: ignore[arg-type]
                library=library,
                now=NOW,
                tz=TZ,
            )
    except PlanError as error:
        return error.problem
    return None


async def test_a_draft_is_checked_before_anything_is_stored(
    db: Database, library: Library
) -> None:
    await add_subscribers(db, [1, 2], category="labor")
    assert await problem_of(db, library, audience=Audience.CATEGORY, audience_value="x") is (
        PlanProblem.UNKNOWN_AUDIENCE
    )
    assert await problem_of(db, library, content_kind="card", card_id="nope") is (
        PlanProblem.UNKNOWN_CARD
    )
    assert await problem_of(db, library, audience=Audience.GROUPS) is PlanProblem.NOBODY
    assert await problem_of(db, library, when=Once(NOW - timedelta(minutes=1))) is (
        PlanProblem.PAST
    )
    assert await problem_of(db, library) is None
    assert await problem_of(db, library) is PlanProblem.ALREADY  # the same draft again
    async with db.session() as session:
        assert len(await repo.due(session=session, now=NOW)) == 1


async def test_deliveries_are_planned_once_when_the_time_comes(
    db: Database, library: Library
) -> None:
    await add_subscribers(db, [1, 2, 3])
    async with db.session() as session:
        row = await store_draft(session=session, draft=draft(), library=library, now=NOW, tz=TZ)
        await mark_inactive(session=session, chat_ids=[2], reason="blocked", now=NOW)
    async with db.session() as session:
        assert await begin_sending(session=session, broadcast=row, now=NOW, tz=TZ) == 2
    async with db.session() as session:
        assert await begin_sending(session=session, broadcast=row, now=NOW, tz=TZ) is None
        assert row.id is not None
        assert await repo.delivered_chats(session=session, broadcast_id=row.id) == {
            1: "pending",
            3: "pending",
        }
        stored = await repo.get_broadcast(session=session, broadcast_id=row.id)
    assert stored is not None and (stored.status, stored.total) == ("sending", 2)


async def test_a_weekly_broadcast_starts_at_its_next_slot_and_has_keyed_occurrences(
    db: Database, library: Library
) -> None:
    await add_subscribers(db, [1])
    monday = Weekly(0, datetime.min.time().replace(hour=9))
    async with db.session() as session:
        row = await store_draft(
            session=session, draft=draft(when=monday), library=library, now=NOW, tz=TZ
        )
    assert row.send_at == datetime(2026, 11, 23, 9, 0, tzinfo=TZ)
    first, again = occurrence_of(row), occurrence_of(row)
    assert first.dedupe_key == again.dedupe_key == f"occ:{row.id}:202611230100"
    assert first.parent_id == row.id and first.recurrence is None
