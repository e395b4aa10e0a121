"""People the bot has met: who they are, their role, when they were first and last seen."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel.ext.asyncio.session import AsyncSession

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
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
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
