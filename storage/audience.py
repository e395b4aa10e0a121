"""Who a broadcast reaches: each audience kind resolved to the chat ids to plan deliveries for.

Every audience skips chats marked inactive (blocked the bot, chat gone) and honours the
chat's own switches, so an opt-out is respected by every later broadcast.
"""

from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, exists, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from storage.models import (
    ActivityReport,
    Attribution,
    QuizAttempt,
    Recipient,
    Subscription,
    Volunteer,
)
from storage.subscriptions import SubKind


class Audience(StrEnum):
    ALL = "all"  # every chat with at least one subscription
    CATEGORY = "category"  # subscribers of one topic category
    CATEGORIES = "categories"  # campaign reminders: subscribers of any listed category
    TOWN = "town"  # subscribers who follow one town's news
    GROUPS = "groups"  # subscribed group chats
    VOLUNTEERS = "volunteers"  # active volunteers, of the listed towns ("" = all)
    UNREPORTED = "unreported"  # active volunteers with no report this month
    CASES = "cases"  # subscribers of the weekly case (一周一案)
    EVENT = "event"  # residents an event's QR code brought (its rating, the day after)
    CONTEST = "contest"  # a quiz contest's participants: their chats and the groups it ran in


def split_values(value: str) -> list[str]:
    return [part for part in value.split(",") if part]


async def audience_chat_ids(
    *,
    session: AsyncSession,
    audience: Audience,
    value: str = "",
    today: date | None = None,
    tz: ZoneInfo | None = None,
) -> list[int]:
    """Chat ids, ascending, without duplicates."""
    if audience in (Audience.VOLUNTEERS, Audience.UNREPORTED):
        statement = _volunteers(audience, value, today, tz)
    elif audience is Audience.EVENT:
        resident = col(Attribution.resident_id)
        statement = (
            select(resident)
            .outerjoin(Recipient, col(Recipient.chat_id) == resident)
            .where(col(Attribution.code) == value, _flag_not_off(col(Recipient.active)))
        )
    elif audience is Audience.CONTEST:
        statement = _participants(value)
    else:
        statement = _subscribers(audience, value)
    return sorted(set((await session.exec(statement)).all()))


def _subscribers(audience: Audience, value: str) -> SelectOfScalar[int]:
    chat = col(Subscription.chat_id)
    condition: ColumnElement[bool]
    if audience is Audience.CATEGORY:
        condition = and_(_kind(SubKind.CATEGORY), col(Subscription.value) == value)
    elif audience is Audience.CATEGORIES:
        condition = and_(
            _kind(SubKind.CATEGORY),
            col(Subscription.value).in_(split_values(value)),
            _flag_not_off(col(Recipient.campaign_reminders)),
        )
    elif audience is Audience.TOWN:
        condition = and_(_kind(SubKind.TOWN), col(Subscription.value) == value)
    elif audience is Audience.GROUPS:
        condition = chat < 0
    elif audience is Audience.CASES:
        condition = _kind(SubKind.CASE)
    else:
        condition = ~_kind(SubKind.CASE)  # every subscription but the weekly case alone
    return (
        select(chat)
        .distinct()
        .outerjoin(Recipient, col(Recipient.chat_id) == chat)
        .where(condition, _flag_not_off(col(Recipient.active)))
    )


def _participants(contest_id: str) -> SelectOfScalar[int]:
    chat = col(QuizAttempt.chat_id)
    number = int(contest_id) if contest_id.isascii() and contest_id.isdigit() else 0
    return (
        select(chat)
        .distinct()
        .outerjoin(Recipient, col(Recipient.chat_id) == chat)
        .where(col(QuizAttempt.contest_id) == number, _flag_not_off(col(Recipient.active)))
    )


def _kind(kind: SubKind) -> ColumnElement[bool]:
    return col(Subscription.kind) == kind.value


def _volunteers(
    audience: Audience, value: str, today: date | None, tz: ZoneInfo | None
) -> SelectOfScalar[int]:
    volunteer = col(Volunteer.telegram_id)
    flag = (
        Recipient.monthly_reminder
        if audience is Audience.UNREPORTED
        else Recipient.volunteer_calls
    )
    conditions: list[ColumnElement[bool]] = [
        col(Volunteer.active).is_(True),
        _flag_not_off(col(Recipient.active)),
        _flag_not_off(flag),
    ]
    towns = split_values(value) if audience is Audience.VOLUNTEERS else []
    if towns:
        conditions.append(col(Volunteer.town).in_(towns))
    if audience is Audience.UNREPORTED:
        if today is None or tz is None:
            raise ValueError("the unreported audience needs today's date and the time zone")
        conditions.append(~_reported_in_month(today, tz))
    return (
        select(volunteer)
        .outerjoin(Recipient, col(Recipient.chat_id) == volunteer)
        .where(*conditions)
    )


def _flag_not_off(column: Any) -> ColumnElement[bool]:
    """True, or no recipient row yet (the defaults are on)."""
    return or_(column.is_(None), column.is_(True))


def _reported_in_month(today: date, tz: ZoneInfo) -> ColumnElement[bool]:
    """A submitted report for an activity this month, or submitted this month."""
    first = today.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    since = datetime.combine(first, time(), tz)
    return exists().where(
        col(ActivityReport.volunteer_id) == col(Volunteer.telegram_id),
        col(ActivityReport.status) == "submitted",
        or_(
            and_(
                col(ActivityReport.activity_date) >= first,
                col(ActivityReport.activity_date) < following,
            ),
            col(ActivityReport.created_at) >= since,
        ),
    )
