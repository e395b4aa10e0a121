"""The dashboard's sign-in: one-time login links and browser sessions. Tokens are random and
only their SHA-256 is stored, so a copy of the database opens nothing."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import CursorResult, update
from sqlmodel import col, delete
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import DashboardLogin, DashboardSession


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class SignedIn:
    telegram_id: int
    csrf: str
    expires_at: datetime


async def create_login(
    *, session: AsyncSession, telegram_id: int, valid_for: timedelta, now: datetime
) -> str:
    """A new one-time login token for `telegram_id` (the link carries it)."""
    token = secrets.token_urlsafe(32)
    session.add(
        DashboardLogin(
            token_hash=digest(token),
            telegram_id=telegram_id,
            expires_at=now + valid_for,
            created_at=now,
        )
    )
    return token


async def redeem_login(*, session: AsyncSession, token: str, now: datetime) -> int | None:
    """The person a login token was made for, once: marked used atomically (two tabs opening
    the same link get one session), None if unknown, used or expired."""
    if not token or len(token) > 100:
        return None
    token_hash = digest(token)
    used = await session.exec(
        update(DashboardLogin)
        .where(
            col(DashboardLogin.token_hash) == token_hash,
            col(DashboardLogin.used_at).is_(None),
            col(DashboardLogin.expires_at) > now,
        )
        .values(used_at=now)
    )
    if not isinstance(used, CursorResult) or used.rowcount != 1:
        return None
    row = await session.get(DashboardLogin, token_hash)
    return row.telegram_id if row is not None else None


async def login_unspent(*, session: AsyncSession, token: str, now: datetime) -> bool:
    """Whether a login token could still be redeemed (known, unused, not expired); spends
    nothing."""
    if not token or len(token) > 100:
        return False
    row = await session.get(DashboardLogin, digest(token))
    return row is not None and row.used_at is None and row.expires_at > now


async def open_session(
    *, session: AsyncSession, telegram_id: int, valid_for: timedelta, now: datetime
) -> str:
    """A new browser session; returns the cookie value."""
    cookie = secrets.token_urlsafe(32)
    session.add(
        DashboardSession(
            id_hash=digest(cookie),
            telegram_id=telegram_id,
            csrf=secrets.token_urlsafe(24),
            expires_at=now + valid_for,
            created_at=now,
        )
    )
    return cookie


async def find_session(*, session: AsyncSession, cookie: str, now: datetime) -> SignedIn | None:
    if not cookie or len(cookie) > 100:
        return None
    row = await session.get(DashboardSession, digest(cookie))
    if row is None or row.expires_at <= now:
        return None
    return SignedIn(row.telegram_id, row.csrf, row.expires_at)


async def close_session(*, session: AsyncSession, cookie: str) -> None:
    await session.exec(
        delete(DashboardSession).where(col(DashboardSession.id_hash) == digest(cookie))
    )


async def close_sessions_of(*, session: AsyncSession, telegram_id: int) -> None:
    """Every session of one person (/deleteme; a promotion, of sessions left from before a
    demotion)."""
    await session.exec(
        delete(DashboardSession).where(col(DashboardSession.telegram_id) == telegram_id)
    )


async def forget_expired(*, session: AsyncSession, now: datetime) -> None:
    await session.exec(delete(DashboardSession).where(col(DashboardSession.expires_at) <= now))
    await session.exec(delete(DashboardLogin).where(col(DashboardLogin.expires_at) <= now))
