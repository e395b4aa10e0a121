"""Legal service points as stored for this deployment (samples until a coordinator imports)."""

from collections.abc import Iterable
from typing import Any

from sqlmodel import col, delete, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import ServicePoint


async def replace_points(*, session: AsyncSession, entries: Iterable[dict[str, Any]]) -> int:
    """Replace the whole directory in one transaction; returns how many points were stored."""
    await session.exec(delete(ServicePoint))
    points = [ServicePoint(**entry) for entry in entries]
    session.add_all(points)
    return len(points)


async def listed(*, session: AsyncSession) -> set[tuple[str, str]]:
    """Each stored point's name and town: what makes a point the same one."""
    stored = await session.exec(select(ServicePoint.name, ServicePoint.town))
    return set(stored.all())


async def add_points(*, session: AsyncSession, entries: Iterable[dict[str, Any]]) -> int:
    """Adds points to the directory, but not one with the name and town of a point already
    there or of one before it (a file appended twice: the dashboard's 追加 pressed again;
    `pufa directory import --append` refuses such a file first, naming its rows); returns
    how many were added."""
    seen = await listed(session=session)
    points = []
    for entry in entries:
        same = (entry["name"], entry["town"])
        if same not in seen:
            seen.add(same)
            points.append(ServicePoint(**entry))
    session.add_all(points)
    return len(points)


async def count_points(*, session: AsyncSession, samples_only: bool = False) -> int:
    query = select(func.count()).select_from(ServicePoint)
    if samples_only:
        query = query.where(col(ServicePoint.sample))
    return (await session.exec(query)).one()


async def list_points(*, session: AsyncSession, town: str | None = None) -> list[ServicePoint]:
    query = select(ServicePoint).order_by(col(ServicePoint.town), col(ServicePoint.id))
    if town is not None:
        query = query.where(ServicePoint.town == town)
    return list((await session.exec(query)).all())


async def list_towns(*, session: AsyncSession) -> list[str]:
    query = select(ServicePoint.town).distinct().order_by(col(ServicePoint.town))
    return list((await session.exec(query)).all())
