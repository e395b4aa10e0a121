"""People the bot has met: who they are, their role, when they were first and last seen."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.db import conflict_insert
from storage.models import Person, Role


async def touch_person(
    *,
    session: AsyncSession,
    telegram_id: int,
    name: str,
    username: str | None,
    now: datetime,
) -> Person:
    """Record that a person was seen now, creating them on first contact."""
    person = await session.get(Person, telegram_id)
    if person is None:
        person = Person(
            telegram_id=telegram_id, name=name[:200], username=username, first_seen=now
        )
    person.name, person.username, person.last_seen = name[:200], username, now
    session.add(person)
    return person


@dataclass(frozen=True)
class Seen:
    """A person seen at `at` (the guard notes it; the write-behind writes it)."""

    telegram_id: int
    name: str
    username: str | None
    at: datetime


async def touch_people(session: AsyncSession, seen: list[Seen]) -> None:
    """Writes a batch of sightings (the latest per person wins) in one statement: new people
    are created as residents, known ones get their name and last_seen updated."""
    latest = {s.telegram_id: s for s in sorted(seen, key=lambda s: s.at)}
    if not latest:
        return
    rows = [
        {
            "telegram_id": s.telegram_id,
            "name": s.name[:200],
            "username": s.username,
            "role": Role.RESIDENT.value,
            "first_seen": s.at,
            "last_seen": s.at,
        }
        for s in latest.values()
    ]
    insert = conflict_insert(session)
    statement = insert(Person)
    statement = statement.on_conflict_do_update(
        index_elements=["telegram_id"],
        set_={
            "name": statement.excluded.name,
            "username": statement.excluded.username,
            "last_seen": statement.excluded.last_seen,
        },
    )
    await session.exec(statement, params=rows)


async def get_role(*, session: AsyncSession, telegram_id: int) -> Role:
    person = await session.get(Person, telegram_id)
    return Role(person.role) if person else Role.RESIDENT


async def search_people(
    *, session: AsyncSession, text: str, coordinators: Collection[int] = (), limit: int = 20
) -> list[Person]:
    """People the bot has met whose name or @username contains `text`, or whose id it is;
    with no `text`, the coordinators: those promoted and the ids in `coordinators` (the
    configured ones, whose stored role says nothing). Coordinators first, then the most
    recently seen."""
    text = text.strip().removeprefix("@")
    if not text:
        query = select(Person).where(
            or_(
                col(Person.role) == Role.COORDINATOR.value,
                col(Person.telegram_id).in_(list(coordinators)),
            )
        )
    else:
        found = or_(
            col(Person.name).contains(text, autoescape=True),
            func.lower(col(Person.username)).contains(text.lower(), autoescape=True),
        )
        if text.isascii() and text.isdigit() and len(text) < 19:
            found = or_(found, col(Person.telegram_id) == int(text))
        query = select(Person).where(found)
    query = query.order_by(
        (col(Person.role) == Role.COORDINATOR.value).desc(), col(Person.last_seen).desc()
    ).limit(limit)
    return list((await session.exec(query)).all())


async def names_of(*, session: AsyncSession, ids: Collection[int]) -> dict[int, str]:
    """The names the bot knows for these people (those it has met with a name)."""
    if not ids:
        return {}
    query = select(Person.telegram_id, Person.name).where(col(Person.telegram_id).in_(list(ids)))
    return {i: name for i, name in (await session.exec(query)).all() if name}
