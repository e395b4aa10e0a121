"""The audit log: who did (or tried to do) what, when."""

from datetime import datetime

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
