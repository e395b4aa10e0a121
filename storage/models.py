"""Database tables. Times are stored as timezone-aware UTC."""

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, Column, DateTime, Dialect, Text, TypeDecorator
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite itself drops the time zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given; use aware UTC datetimes")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _utc_column(*, index: bool = False) -> Column[datetime]:
    return Column(UtcDateTime(), nullable=False, index=index)


class Role(StrEnum):
    RESIDENT = "resident"
    VOLUNTEER = "volunteer"
    COORDINATOR = "coordinator"


class Feedback(StrEnum):
    UNSOLVED = "unsolved"


class Person(SQLModel, table=True):
    telegram_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    name: str = Field(default="", max_length=200)
    username: str | None = Field(default=None, max_length=64)
    role: str = Field(default=Role.RESIDENT.value, max_length=16)
    first_seen: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    last_seen: datetime = Field(default_factory=utcnow, sa_column=_utc_column())


class QuestionLog(SQLModel, table=True):
    __tablename__ = "question_log"

    id: int | None = Field(default=None, primary_key=True)
    telegram_id: int | None = Field(default=None, sa_column=Column(BigInteger, index=True))
    chat_type: str = Field(default="private", max_length=16)
    source: str = Field(default="text", max_length=16)
    text: str = Field(sa_column=Column(Text, nullable=False))
    card_id: str | None = Field(default=None, max_length=64, index=True)
    score: float = 0.0
    matched: bool = False
    ambiguous: bool = False
    feedback: str | None = Field(default=None, max_length=16)
    asked_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(index=True))


class ServicePoint(SQLModel, table=True):
    __tablename__ = "service_point"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=50)
    town: str = Field(max_length=100, index=True)
    address: str = Field(max_length=300)
    phone: str = Field(default="", max_length=100)
    hours: str = Field(default="", max_length=200)
    lat: float | None = None
    lon: float | None = None
    sample: bool = False


class Volunteer(SQLModel, table=True):
    """A registered 普法志愿者 / 法律明白人. Personal fields are blanked on /leave."""

    telegram_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    name: str = Field(default="", max_length=100)
    town: str = Field(default="", max_length=100, index=True)
    place: str = Field(default="", max_length=100)
    organisation: str = Field(default="", max_length=200)
    phone: str = Field(default="", max_length=40)
    invite_code: str | None = Field(default=None, max_length=32)
    active: bool = True
    joined_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    left_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))


class ActivityReport(SQLModel, table=True):
    """One reported 普法 activity. `volunteer_id` survives /leave so counts stay anonymous."""

    __tablename__ = "activity_report"

    id: int | None = Field(default=None, primary_key=True)
    volunteer_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    town: str = Field(default="", max_length=100, index=True)
    activity_type: str = Field(max_length=32, index=True)
    topics: str = Field(default="", max_length=500)  # comma-separated category/campaign ids
    activity_date: date = Field(index=True)
    place: str = Field(default="", max_length=200)
    lat: float | None = None
    lon: float | None = None
    audience: int = 0
    hours: float = 0.0
    materials: int | None = None
    summary: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    photo_file_ids: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    status: str = Field(default="submitted", max_length=16, index=True)
    # Client-chosen key of the draft that produced it: a double-pressed 提交 inserts once.
    submission_key: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(index=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())


class AuditLog(SQLModel, table=True):
    """Coordinator actions and refused attempts, for accountability."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    actor_id: int | None = Field(default=None, sa_column=Column(BigInteger, index=True))
    action: str = Field(max_length=64, index=True)
    target: str = Field(default="", max_length=200)
    allowed: bool = True
    detail: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(index=True))
