"""What the residents' help keeps: anonymous pre-check outcomes (for coordinators' figures)
and the village legal advisers."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlmodel import col, delete, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import AidPrecheck, VillageAdviser
from storage.stats import Period


async def record_precheck(*, session: AsyncSession, day: date, rule: str, result: str) -> None:
    session.add(AidPrecheck(day=day, rule=rule, result=result))


async def precheck_counts(
    *, session: AsyncSession, start: date, end: date
) -> dict[tuple[str, str], int]:
    """(result, rule) -> how many pre-checks ended so, from `start` to `end` inclusive."""
    query = (
        select(AidPrecheck.result, AidPrecheck.rule, func.count())
        .where(AidPrecheck.day >= start, AidPrecheck.day <= end)
        .group_by(col(AidPrecheck.result), col(AidPrecheck.rule))
    )
    return {(result, rule): n for result, rule, n in (await session.exec(query)).all()}


async def precheck_results(*, session: AsyncSession, period: Period) -> dict[str, int]:
    """result -> how many pre-checks of `period` ended so."""
    found: dict[str, int] = {}
    counts = await precheck_counts(session=session, start=period.start, end=period.end)
    for (result, _rule), n in counts.items():
        found[result] = found.get(result, 0) + n
    return found


async def replace_advisers(*, session: AsyncSession, entries: Iterable[dict[str, Any]]) -> int:
    """Replace the whole list in one transaction; returns how many advisers were stored."""
    await session.exec(delete(VillageAdviser))
    advisers = [VillageAdviser(**entry) for entry in entries]
    session.add_all(advisers)
    return len(advisers)


async def count_advisers(*, session: AsyncSession, samples_only: bool = False) -> int:
    query = select(func.count()).select_from(VillageAdviser)
    if samples_only:
        query = query.where(col(VillageAdviser.sample))
    return (await session.exec(query)).one()


async def adviser_towns(*, session: AsyncSession) -> list[str]:
    query = select(VillageAdviser.town).distinct().order_by(col(VillageAdviser.town))
    return list((await session.exec(query)).all())


async def advisers_in(*, session: AsyncSession, town: str) -> list[VillageAdviser]:
    query = (
        select(VillageAdviser).where(VillageAdviser.town == town).order_by(col(VillageAdviser.id))
    )
    return list((await session.exec(query)).all())
