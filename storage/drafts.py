"""Unfinished guided chats, one row per (flow, person), rewritten on every step.

A row is the whole state of the chat: its step, its answers so far, and the token its buttons
carry, so whatever process reads it (after a restart, or a standby taking over) continues
exactly where the person was. The draft's revision (handlers.kit.conversation: how many times
its answers changed) rides in the answers' JSON under REVISION, so no column holds it (rows
written before it existed read as revision 0); so does the id of the chat's question whose
buttons are live (under QUESTION; none in older rows), and whether a reply keyboard its
questions put up may still show (under KEYBOARD; not in older rows). A yes/no question
waiting for its answer (handlers.kit.confirm) is a row too: its token, under a name no flow
has.
"""

import json
from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any, NamedTuple

from sqlmodel import col, delete, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import ConversationDraft

Data = dict[str, Any]
REVISION = "_revision"  # the key of the draft's revision inside the stored JSON
QUESTION = "_question"  # the key of its live question's message id (handlers.kit.conversation)
KEYBOARD = "_keyboard"  # the key of "its reply keyboard may show" (handlers.kit.conversation)


class StoredDraft(NamedTuple):
    flow: str
    telegram_id: int
    step: str
    token: str
    data: Data
    updated_at: datetime
    revision: int = 0
    question: int | None = None
    keyboard: bool = False


async def drafts_of(*, session: AsyncSession, telegram_id: int) -> list[StoredDraft]:
    """The person's drafts, the most recently touched first."""
    rows = await session.exec(
        select(ConversationDraft)
        .where(col(ConversationDraft.telegram_id) == telegram_id)
        .order_by(col(ConversationDraft.updated_at).desc())
    )
    return [_draft(row) for row in rows.all()]


async def save_draft(
    *,
    session: AsyncSession,
    flow: str,
    telegram_id: int,
    step: str,
    token: str,
    data: Data,
    now: datetime,
    revision: int = 0,
    question: int | None = None,
    keyboard: bool = False,
) -> None:
    row = await session.get(ConversationDraft, (flow, telegram_id))
    if row is None:
        row = ConversationDraft(flow=flow, telegram_id=telegram_id, step=step)
    stored = _with_question({**data, REVISION: revision}, question, keyboard)
    row.step, row.token, row.data = step, token, json.dumps(stored, ensure_ascii=False)
    row.updated_at = now
    session.add(row)


async def note_question(
    *,
    session: AsyncSession,
    flow: str,
    telegram_id: int,
    token: str,
    question: int | None,
    keyboard: bool = False,
) -> None:
    """Notes the draft's question with live buttons (its message id; None: none) and whether
    a reply keyboard it put up may show, if the draft still carries `token`. Sent after the
    step was stored, it is no step taken: when the draft was last touched stays as it was."""
    row = await session.get(ConversationDraft, (flow, telegram_id))
    if row is None or row.token != token:
        return
    data = json.loads(row.data)
    if not isinstance(data, dict):
        return
    row.data = json.dumps(_with_question(data, question, keyboard), ensure_ascii=False)
    session.add(row)


def _with_question(data: Data, question: int | None, keyboard: bool) -> Data:
    """`data` as stored: with the live question's id under QUESTION (None: none), and
    KEYBOARD only while a reply keyboard may show."""
    data.pop(QUESTION, None)
    data.pop(KEYBOARD, None)
    shown = {QUESTION: question} if question is not None else {}
    return {**data, **shown, **({KEYBOARD: True} if keyboard else {})}


async def delete_draft(
    *,
    session: AsyncSession,
    flow: str,
    telegram_id: int,
    token: str | None = None,
    since: datetime | None = None,
) -> bool:
    """Deletes the draft (only if it still carries `token`, and was touched at or after
    `since`, when given); True if it did."""
    query = delete(ConversationDraft).where(
        col(ConversationDraft.flow) == flow, col(ConversationDraft.telegram_id) == telegram_id
    )
    if token is not None:
        query = query.where(col(ConversationDraft.token) == token)
    if since is not None:
        query = query.where(col(ConversationDraft.updated_at) >= since)
    return bool((await session.exec(query)).rowcount)


async def delete_drafts_before(*, session: AsyncSession, prefix: str, before: datetime) -> int:
    """Deletes everyone's rows whose name starts with `prefix` touched before `before`."""
    query = delete(ConversationDraft).where(
        col(ConversationDraft.flow).startswith(prefix, autoescape=True),
        col(ConversationDraft.updated_at) < before,
    )
    return int((await session.exec(query)).rowcount or 0)


async def delete_drafts_of(
    *, session: AsyncSession, telegram_id: int, flows: Collection[str] | None = None
) -> list[StoredDraft]:
    """Deletes the person's drafts (of these flows only, when given); returns them (their
    questions' buttons are to come off)."""
    query = delete(ConversationDraft).where(col(ConversationDraft.telegram_id) == telegram_id)
    if flows is not None:
        query = query.where(col(ConversationDraft.flow).in_(list(flows)))
    rows = await session.exec(query.returning(ConversationDraft))
    return [_draft(row) for row in rows.scalars().all()]


async def take_idle_drafts(
    *, session: AsyncSession, cutoffs: Mapping[str, datetime]
) -> list[StoredDraft]:
    """Deletes and returns the drafts of each flow last touched before its cutoff."""
    if not cutoffs:
        return []
    idle = or_(
        *(
            (col(ConversationDraft.flow) == flow) & (col(ConversationDraft.updated_at) < cutoff)
            for flow, cutoff in cutoffs.items()
        )
    )
    taken = []
    for draft in [
        _draft(row) for row in await session.exec(select(ConversationDraft).where(idle))
    ]:
        # Only if untouched since it was read: a step taken meanwhile keeps the draft alive.
        gone = await session.exec(
            delete(ConversationDraft).where(
                col(ConversationDraft.flow) == draft.flow,
                col(ConversationDraft.telegram_id) == draft.telegram_id,
                col(ConversationDraft.updated_at) == draft.updated_at,
            )
        )
        if gone.rowcount:
            taken.append(draft)
    return taken


def _draft(row: ConversationDraft) -> StoredDraft:
    data = json.loads(row.data)
    data = data if isinstance(data, dict) else {}
    revision = data.pop(REVISION, 0)
    question = data.pop(QUESTION, None)
    keyboard = data.pop(KEYBOARD, False) is True
    return StoredDraft(
        row.flow,
        row.telegram_id,
        row.step,
        row.token,
        data,
        row.updated_at,
        revision if _integer(revision) else 0,
        question if _integer(question) else None,
        keyboard,
    )


def _integer(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
