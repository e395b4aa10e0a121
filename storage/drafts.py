"""Unfinished guided chats, one row per (flow, person), rewritten on every step."""

import json
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import ConversationDraft

Data = dict[str, Any]


class Draft(NamedTuple):
    step: str
    data: Data
    updated_at: datetime


async def load_draft(
    *, session: AsyncSession, flow: str, telegram_id: int
) -> tuple[str, Data] | None:
    """The draft's step and data, or None if there is no draft."""
    row = await session.get(ConversationDraft, (flow, telegram_id))
    if row is None:
        return None
    return row.step, _data(row)


async def save_draft(
    *,
    session: AsyncSession,
    flow: str,
    telegram_id: int,
    step: str,
    data: Data,
    now: datetime,
) -> None:
    row = await session.get(ConversationDraft, (flow, telegram_id))
    if row is None:
        row = ConversationDraft(flow=flow, telegram_id=telegram_id, step=step)
    row.step, row.data = step, json.dumps(data, ensure_ascii=False)
    row.updated_at = now
    session.add(row)


async def delete_draft(*, session: AsyncSession, flow: str, telegram_id: int) -> None:
    await session.exec(
        delete(ConversationDraft).where(
            col(ConversationDraft.flow) == flow, col(ConversationDraft.telegram_id) == telegram_id
        )
    )


async def active_steps(
    *, session: AsyncSession, flow: str, idle: timedelta, now: datetime
) -> dict[int, str]:
    """{telegram_id: step} of the flow's drafts touched within `idle`; older ones are deleted
    (they timed out while the bot was down)."""
    drafts = await active_drafts(session=session, flow=flow, idle=idle, now=now)
    return {telegram_id: draft.step for telegram_id, draft in drafts.items()}


async def active_drafts(
    *, session: AsyncSession, flow: str, idle: timedelta, now: datetime
) -> dict[int, Draft]:
    """The flow's drafts touched within `idle`, by Telegram id; older ones are deleted."""
    cutoff = now - idle
    await session.exec(
        delete(ConversationDraft).where(
            col(ConversationDraft.flow) == flow, col(ConversationDraft.updated_at) < cutoff
        )
    )
    rows = await session.exec(select(ConversationDraft).where(col(ConversationDraft.flow) == flow))
    return {row.telegram_id: Draft(row.step, _data(row), row.updated_at) for row in rows.all()}


def _data(row: ConversationDraft) -> Data:
    data = json.loads(row.data)
    return data if isinstance(data, dict) else {}
