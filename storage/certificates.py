"""Volunteers' certificates of recorded hours, each checked by its code (`pufa verify`)."""

import secrets
from datetime import date, datetime

from sqlmodel import col, update
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Certificate
from storage.reports import own_totals

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # read aloud and typed: no 0/O, 1/I
CODE_LENGTH = 12


def normal_code(text: str) -> str | None:
    """A code as typed (any case, spaces or dashes between groups) in its stored form."""
    code = "".join(ch for ch in text.upper() if ch not in " -")
    ok = len(code) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in code)
    return code if ok else None


def shown_code(code: str) -> str:
    """ABCD-EFGH-JKLM: easier to read out."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


async def issue(
    *,
    session: AsyncSession,
    volunteer_id: int,
    name: str,
    start: date,
    end: date,
    now: datetime,
) -> Certificate | None:
    """A certificate of the volunteer's submitted hours with activity dates in [start, end];
    None if there are none."""
    totals = await own_totals(session=session, volunteer_id=volunteer_id, start=start, end=end)
    if not totals.activities:
        return None
    row = Certificate(
        code="".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)),
        volunteer_id=volunteer_id,
        name=name,
        start=start,
        end=end,
        activities=totals.activities,
        hours=round(totals.hours, 2),
        issued_at=now,
    )
    session.add(row)
    await session.flush()
    return row


async def find(*, session: AsyncSession, text: str) -> Certificate | None:
    code = normal_code(text)
    return await session.get(Certificate, code) if code else None


async def forget_holder(*, session: AsyncSession, telegram_id: int) -> None:
    """/deleteme: certificates keep their figures (still verifiable), not whose they were."""
    await session.exec(
        update(Certificate)
        .where(col(Certificate.volunteer_id) == telegram_id)
        .values(volunteer_id=None, name="")
    )
