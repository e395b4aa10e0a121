"""Guided chats' drafts: saved and read back newest first, ended only with their own token,
swept when idle, erased with their person."""

from datetime import timedelta

from storage.db import Database
from storage.drafts import (
    delete_draft,
    delete_drafts_of,
    drafts_of,
    note_question,
    save_draft,
    take_idle_drafts,
)
from storage.models import ConversationDraft
from tests.clock import QUIET as NOW


async def _save(db: Database, flow: str, user: int, step: str, token: str, minutes: int) -> None:
    async with db.session() as session:
        await save_draft(
            session=session,
            flow=flow,
            telegram_id=user,
            step=step,
            token=token,
            data={"k": "值"},
            now=NOW - timedelta(minutes=minutes),
        )


async def test_drafts_are_read_back_newest_first_and_rewritten_in_place(db: Database) -> None:
    await _save(db, "report", 1, "date", "aa", minutes=30)
    await _save(db, "broadcast", 1, "content", "bb", minutes=5)
    await _save(db, "report", 2, "type", "cc", minutes=1)
    async with db.session() as session:
        mine = await drafts_of(session=session, telegram_id=1)
    assert [(d.flow, d.step, d.token, d.data) for d in mine] == [
        ("broadcast", "content", "bb", {"k": "值"}),
        ("report", "date", "aa", {"k": "值"}),
    ]
    await _save(db, "report", 1, "place", "aa", minutes=0)
    async with db.session() as session:
        assert [d.step for d in await drafts_of(session=session, telegram_id=1)] == [
            "place",
            "content",
        ]


async def test_a_draft_ends_only_with_its_own_token(db: Database) -> None:
    await _save(db, "report", 1, "date", "aa", minutes=0)
    async with db.session() as session:
        assert not await delete_draft(session=session, flow="report", telegram_id=1, token="zz")
        assert await delete_draft(session=session, flow="report", telegram_id=1, token="aa")
        assert await drafts_of(session=session, telegram_id=1) == []


async def test_idle_drafts_are_taken_per_flow_and_a_person_loses_chosen_flows(
    db: Database,
) -> None:
    await _save(db, "report", 1, "date", "aa", minutes=130)  # idle past its two hours
    await _save(db, "broadcast", 1, "content", "bb", minutes=61)  # past its hour
    await _save(db, "report", 2, "type", "cc", minutes=30)
    cutoffs = {"report": NOW - timedelta(hours=2), "broadcast": NOW - timedelta(hours=1)}
    async with db.session() as session:
        taken = await take_idle_drafts(session=session, cutoffs=cutoffs)
    assert sorted((d.flow, d.telegram_id) for d in taken) == [("broadcast", 1), ("report", 1)]
    await _save(db, "broadcast", 2, "content", "dd", minutes=0)
    async with db.session() as session:
        [gone] = await delete_drafts_of(session=session, telegram_id=2, flows=["broadcast"])
        assert (gone.flow, gone.token, gone.data) == ("broadcast", "dd", {"k": "值"})
        assert [d.flow for d in await drafts_of(session=session, telegram_id=2)] == ["report"]


async def test_a_drafts_revision_rides_in_its_json_and_old_rows_read_as_zero(
    db: Database,
) -> None:
    """No column holds the revision: it is stored among the answers and taken out on reading;
    a row written before revisions existed (no such key) is revision 0."""
    async with db.session() as session:
        session.add(
            ConversationDraft(
                flow="report",
                telegram_id=3,
                step="date",
                token="aa",
                data='{"k": "值"}',
                updated_at=NOW,
            )
        )
    async with db.session() as session:
        [old] = await drafts_of(session=session, telegram_id=3)
        await save_draft(
            session=session,
            flow="report",
            telegram_id=3,
            step="confirm",
            token="aa",
            data={"k": "新"},
            now=NOW,
            revision=4,
        )
    async with db.session() as session:
        [new] = await drafts_of(session=session, telegram_id=3)
    assert (old.revision, old.data, new.revision, new.data) == (0, {"k": "值"}, 4, {"k": "新"})


async def test_a_drafts_question_rides_in_its_json_and_is_noted_without_touching_it(
    db: Database,
) -> None:
    """The message id of the chat's question with live buttons is kept like the revision;
    noting it (once the question is sent) leaves when the draft was touched as it was, and
    does nothing to a draft that carries another token by then."""
    await _save(db, "precheck", 4, "ask", "aa", minutes=10)
    async with db.session() as session:
        await note_question(
            session=session, flow="precheck", telegram_id=4, token="aa", question=7
        )
        await note_question(
            session=session, flow="precheck", telegram_id=4, token="zz", question=9
        )
    async with db.session() as session:
        [noted] = await drafts_of(session=session, telegram_id=4)
    assert (noted.question, noted.data) == (7, {"k": "值"})
    assert noted.updated_at == NOW - timedelta(minutes=10)
    async with db.session() as session:
        await save_draft(
            session=session,
            flow="precheck",
            telegram_id=4,
            step="town",
            token="aa",
            data={"k": "值"},
            now=NOW,
            question=noted.question,
        )
        await note_question(
            session=session, flow="precheck", telegram_id=4, token="aa", question=None
        )
    async with db.session() as session:
        [forgotten] = await drafts_of(session=session, telegram_id=4)
    assert (forgotten.step, forgotten.question, forgotten.revision) == ("town", None, 0)
    assert not forgotten.keyboard and not noted.keyboard


async def test_a_reply_keyboard_shown_is_noted_and_told_when_its_draft_ends(
    db: Database,
) -> None:
    """Whether a reply keyboard the draft's question put up may show rides in its JSON too;
    the drafts deleted for a person come back, so it can be taken down."""
    await _save(db, "register", 5, "phone", "aa", minutes=1)
    async with db.session() as session:
        await note_question(
            session=session, flow="register", telegram_id=5, token="aa", question=8, keyboard=True
        )
    async with db.session() as session:
        [gone] = await delete_drafts_of(session=session, telegram_id=5)
    assert (gone.question, gone.keyboard, gone.data) == (8, True, {"k": "值"})
