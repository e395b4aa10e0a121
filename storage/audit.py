"""The audit log: who did (or tried to do) what, when."""

from datetime import datetime

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import AuditLog


async def record(
    *,
    session: AsyncSession,
    actor_id: int | None,
    action: str,
    target: str = "",
    allowed: bool = True,
    detail: str = "",
    now: datetime,
) -> None:
    session.add(
        AuditLog(
            actor_id=actor_id,
            action=action,
            target=target[:200],
            allowed=allowed,
            detail=detail,
            at=now,
        )
    )


async def recent(*, session: AsyncSession, offset: int, limit: int) -> tuple[list[AuditLog], int]:
    """The newest entries first, a page at a time, and how many there are."""
    total = (await session.exec(select(func.count()).select_from(AuditLog))).one()
    query = select(AuditLog).order_by(col(AuditLog.id).desc()).offset(offset).limit(limit)
    return list((await session.exec(query)).all()), int(total)
