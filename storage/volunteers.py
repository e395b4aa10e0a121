"""Volunteers: invite codes, registration, profiles, leaving, roles and erasure (/deleteme)."""

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, CursorResult, String, cast, func, literal, or_, update
from sqlmodel import SQLModel, col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.attribution import forget_person
from storage.certificates import forget_holder
from storage.dashboard import close_sessions_of
from storage.models import (
    ANONYMOUS_ID,
    ActivityReport,
    AuditLog,
    Broadcast,
    BroadcastStatus,
    CampaignDates,
    ContentGap,
    ConversationDraft,
    DashboardLogin,
    Delivery,
    Invite,
    Person,
    QuestionLog,
    Recipient,
    ReportNotice,
    Role,
    Subscription,
    Ticket,
    Volunteer,
    Vote,
)
from storage.quiz import erase_attempts
from storage.report_messages import forget_digest_lines_of, forget_digests_in
from storage.tickets import erase_tickets_of, waiting_of

CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: codes are read aloud
CODE_LENGTH = 10
CODE_PATTERN = re.compile(rf"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")
PROFILE_FIELDS = ("name", "town", "place", "organisation", "phone")


class InviteStatus(StrEnum):
    OK = "ok"
    UNKNOWN = "unknown"  # never issued, mistyped or forged
    EXPIRED = "expired"
    USED_UP = "used_up"


@dataclass(frozen=True)
class InviteInfo:
    code: str
    town: str
    organisation: str
    max_uses: int | None
    expires_at: datetime


@dataclass(frozen=True)
class VolunteerProfile:
    name: str
    town: str
    place: str = ""
    organisation: str = ""
    phone: str = ""


MAX_INVITE_DAYS = 365  # the longest an invite code may stay valid


def normalise_code(text: str) -> str:
    return text.strip().lower().removeprefix("join_")


async def create_invite(
    *,
    session: AsyncSession,
    created_by: int | None,
    valid_for: timedelta,
    town: str = "",
    organisation: str = "",
    single_use: bool = False,
    now: datetime,
) -> InviteInfo:
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    invite = Invite(
        code=code,
        town=town,
        organisation=organisation,
        created_by=created_by,
        max_uses=1 if single_use else None,
        expires_at=now + valid_for,
        created_at=now,
    )
    session.add(invite)
    await session.flush()
    return _info(invite)


async def check_invite(
    *, session: AsyncSession, code: str, now: datetime
) -> tuple[InviteStatus, InviteInfo | None]:
    code = normalise_code(code)
    invite = await session.get(Invite, code) if CODE_PATTERN.match(code) else None
    if invite is None:
        return InviteStatus.UNKNOWN, None
    if invite.expires_at <= now:
        return InviteStatus.EXPIRED, _info(invite)
    if invite.max_uses is not None and invite.uses >= invite.max_uses:
        return InviteStatus.USED_UP, _info(invite)
    return InviteStatus.OK, _info(invite)


async def register_volunteer(
    *,
    session: AsyncSession,
    telegram_id: int,
    code: str,
    profile: VolunteerProfile,
    now: datetime,
) -> InviteStatus:
    """Use the code (atomically: a single-use code admits one person even when two finish at
    once) and create or re-activate the volunteer. Anything but OK changes nothing."""
    status, _ = await check_invite(session=session, code=code, now=now)
    if status is not InviteStatus.OK:
        return status
    used = await session.exec(
        update(Invite)
        .where(
            col(Invite.code) == normalise_code(code),
            col(Invite.expires_at) > now,
            or_(col(Invite.max_uses).is_(None), col(Invite.uses) < col(Invite.max_uses)),
        )
        .values(uses=Invite.uses + 1)
    )
    if _rowcount(used) != 1:
        return InviteStatus.USED_UP
    volunteer = await session.get(Volunteer, telegram_id) or Volunteer(telegram_id=telegram_id)
    for name in PROFILE_FIELDS:
        setattr(volunteer, name, getattr(profile, name))
    volunteer.invite_code, volunteer.active = normalise_code(code), True
    volunteer.joined_at, volunteer.left_at = now, None
    session.add(volunteer)
    person = await _person(session, telegram_id, profile.name)
    if person.role != Role.COORDINATOR.value:
        person.role = Role.VOLUNTEER.value
    session.add(person)
    return InviteStatus.OK


async def get_volunteer(*, session: AsyncSession, telegram_id: int) -> Volunteer | None:
    """The active volunteer, or None (never registered, or left)."""
    volunteer = await session.get(Volunteer, telegram_id)
    return volunteer if volunteer is not None and volunteer.active else None


async def update_profile(
    *, session: AsyncSession, telegram_id: int, field: str, value: str
) -> bool:
    if field not in PROFILE_FIELDS:
        raise ValueError(f"not a profile field: {field}")
    volunteer = await get_volunteer(session=session, telegram_id=telegram_id)
    if volunteer is None:
        return False
    setattr(volunteer, field, value)
    session.add(volunteer)
    return True


async def leave(*, session: AsyncSession, telegram_id: int, now: datetime) -> bool:
    """Stop volunteering: personal fields are blanked, reports keep counting anonymously."""
    volunteer = await get_volunteer(session=session, telegram_id=telegram_id)
    if volunteer is None:
        return False
    volunteer.name = volunteer.place = volunteer.organisation = volunteer.phone = ""
    volunteer.invite_code, volunteer.active, volunteer.left_at = None, False, now
    session.add(volunteer)
    person = await session.get(Person, telegram_id)
    if person is not None and person.role == Role.VOLUNTEER.value:
        person.role = Role.RESIDENT.value
        session.add(person)
    return True


@dataclass(frozen=True)
class Holdings:
    """What /deleteme would erase, as the person knows it."""

    questions: int
    tickets: int  # messages to duty staff
    waiting_tickets: int  # of them, not answered yet
    has_profile: bool
    reports: int


async def holdings(*, session: AsyncSession, telegram_id: int) -> Holdings:
    async def count(model: type[SQLModel], where: ColumnElement[bool]) -> int:
        found = await session.exec(select(func.count()).select_from(model).where(where))
        return int(found.one())

    return Holdings(
        questions=await count(QuestionLog, col(QuestionLog.telegram_id) == telegram_id),
        tickets=await count(Ticket, col(Ticket.resident_id) == telegram_id),
        waiting_tickets=await waiting_of(session=session, resident_id=telegram_id),
        has_profile=await session.get(Volunteer, telegram_id) is not None,
        reports=await count(ActivityReport, col(ActivityReport.volunteer_id) == telegram_id),
    )


@dataclass(frozen=True)
class Erasure:
    questions: int
    tickets: int
    reports_anonymised: int
    had_profile: bool


async def erase_person(*, session: AsyncSession, telegram_id: int) -> Erasure:
    """Everything stored about one person, for /deleteme (个人信息保护法): their questions,
    profile, drafts, role, subscriptions, quiz attempts and the record of broadcasts delivered
    to their private chat are deleted; their activity reports stay as anonymous counts without
    photos, location, place, summary or link to them (a QR code made from one loses its title,
    which names the place, and so does its rating request); audit entries, invites, campaign
    dates, broadcasts they wrote (their keys, progress messages and copied sources) and groups
    they subscribed lose their id; their messages to duty staff stay as anonymous counts (the
    bot's copies in the desks' chats are withdrawn afterwards, see Hooks.person_erased). A
    message of theirs scheduled to be copied is cancelled: it lives in their chat."""
    questions = _rowcount(
        await session.exec(delete(QuestionLog).where(col(QuestionLog.telegram_id) == telegram_id))
    )
    # Their reports' lines in digests as sent name them (the lines are withdrawn afterwards).
    await forget_digest_lines_of(session=session, volunteer_id=telegram_id)
    reports = _rowcount(
        await session.exec(
            update(ActivityReport)
            .where(col(ActivityReport.volunteer_id) == telegram_id)
            .values(
                volunteer_id=ANONYMOUS_ID,
                submission_key=literal("erased-") + cast(ActivityReport.id, String),
                photo_file_ids="",
                lat=None,
                lon=None,
                place="",
                summary="",
            )
        )
    )
    had_profile = await session.get(Volunteer, telegram_id) is not None
    await session.exec(delete(Volunteer).where(col(Volunteer.telegram_id) == telegram_id))
    await session.exec(
        delete(ConversationDraft).where(col(ConversationDraft.telegram_id) == telegram_id)
    )
    await session.exec(
        update(AuditLog).where(col(AuditLog.actor_id) == telegram_id).values(actor_id=None)
    )
    await session.exec(
        update(AuditLog).where(col(AuditLog.target) == str(telegram_id)).values(target="")
    )
    await session.exec(
        update(Invite).where(col(Invite.created_by) == telegram_id).values(created_by=None)
    )
    await forget_person(session=session, telegram_id=telegram_id)  # QR attribution
    await forget_holder(session=session, telegram_id=telegram_id)  # certificates
    # Satisfaction votes stay as anonymous counts.
    await session.exec(update(Vote).where(col(Vote.voter_id) == telegram_id).values(voter_id=None))
    await session.exec(delete(Subscription).where(col(Subscription.chat_id) == telegram_id))
    await session.exec(delete(Delivery).where(col(Delivery.chat_id) == telegram_id))
    await session.exec(delete(Recipient).where(col(Recipient.chat_id) == telegram_id))
    await session.exec(
        update(Recipient).where(col(Recipient.added_by) == telegram_id).values(added_by=None)
    )
    await _forget_in_broadcasts(session, telegram_id)
    await session.exec(
        update(CampaignDates).where(col(CampaignDates.set_by) == telegram_id).values(set_by=None)
    )
    await erase_attempts(session=session, telegram_id=telegram_id)
    tickets = await erase_tickets_of(session=session, telegram_id=telegram_id)
    await close_sessions_of(session=session, telegram_id=telegram_id)
    await session.exec(
        delete(DashboardLogin).where(col(DashboardLogin.telegram_id) == telegram_id)
    )
    await session.exec(
        update(ContentGap).where(col(ContentGap.decided_by) == telegram_id).values(decided_by=None)
    )
    # Reports they reviewed as a coordinator keep the decision, not who made it.
    await session.exec(
        update(ActivityReport)
        .where(col(ActivityReport.reviewed_by) == telegram_id)
        .values(reviewed_by=None, reviewer="")
    )
    # Report notifications and digests in their own chat (as a coordinator) are theirs;
    # those of their reports in others' chats stay, to be withdrawn (storage.report_messages).
    await session.exec(delete(ReportNotice).where(col(ReportNotice.chat_id) == telegram_id))
    await forget_digests_in(session=session, chat_id=telegram_id)
    await session.exec(delete(Person).where(col(Person.telegram_id) == telegram_id))
    return Erasure(questions, tickets, reports, had_profile)


async def _forget_in_broadcasts(session: AsyncSession, telegram_id: int) -> None:
    """Broadcasts keep their content and counts, never the person's id."""
    waiting = [BroadcastStatus.SCHEDULED.value, BroadcastStatus.MUTED.value]
    await session.exec(
        update(Broadcast)
        .where(col(Broadcast.source_chat_id) == telegram_id, col(Broadcast.status).in_(waiting))
        .values(status=BroadcastStatus.CANCELLED.value, note="cancelled: its source was erased")
    )
    await session.exec(
        update(Broadcast)
        .where(col(Broadcast.source_chat_id) == telegram_id)
        .values(source_chat_id=None, source_message_id=None)
    )
    await session.exec(
        update(Broadcast)
        .where(col(Broadcast.progress_chat_id) == telegram_id)
        .values(progress_chat_id=None, progress_message_id=None)
    )
    await session.exec(
        update(Broadcast)
        .where(col(Broadcast.dedupe_key).startswith(f"draft:{telegram_id}:"))
        .values(dedupe_key=literal("erased:") + cast(Broadcast.id, String))
    )
    await session.exec(
        update(Broadcast).where(col(Broadcast.created_by) == telegram_id).values(created_by=None)
    )


# --- roles ---------------------------------------------------------------------------------


async def find_person(*, session: AsyncSession, ref: str) -> Person | None:
    """A person the bot has met, by numeric Telegram id or @username."""
    ref = ref.strip()
    if ref.isascii() and ref.isdigit():  # a 64-bit id at most: a longer number is nobody
        return await session.get(Person, int(ref)) if int(ref) < 2**63 else None
    username = ref.removeprefix("@")
    if not username:
        return None
    query = select(Person).where(func.lower(Person.username) == username.lower())
    return (await session.exec(query)).first()


async def set_coordinator(*, session: AsyncSession, telegram_id: int, promote: bool) -> bool:
    """Promote to coordinator, or demote back to volunteer/resident. False if unknown. A
    demoted coordinator's dashboard sessions stay, for the dashboard to refuse saying the
    role was removed, until they expire; a promotion ends any left from before, so none
    comes back."""
    person = await session.get(Person, telegram_id)
    if person is None:
        return False
    if promote:
        if person.role != Role.COORDINATOR.value:  # a repeat promotion logs no one out
            await close_sessions_of(session=session, telegram_id=telegram_id)
        person.role = Role.COORDINATOR.value
    else:
        volunteer = await get_volunteer(session=session, telegram_id=telegram_id)
        person.role = (Role.VOLUNTEER if volunteer else Role.RESIDENT).value
    session.add(person)
    return True


async def promoted_coordinators(*, session: AsyncSession) -> list[int]:
    rows = await session.exec(
        select(Person.telegram_id).where(col(Person.role) == Role.COORDINATOR.value)
    )
    return list(rows.all())


async def _person(session: AsyncSession, telegram_id: int, name: str) -> Person:
    person = await session.get(Person, telegram_id)
    return person or Person(telegram_id=telegram_id, name=name[:200])


def _info(invite: Invite) -> InviteInfo:
    return InviteInfo(
        invite.code, invite.town, invite.organisation, invite.max_uses, invite.expires_at
    )


def _rowcount(result: object) -> int:
    return result.rowcount if isinstance(result, CursorResult) else 0


async def list_volunteers(
    *, session: AsyncSession, search: str, offset: int, limit: int
) -> tuple[list[Volunteer], int]:
    """Active volunteers whose name, town, organisation or phone contains `search` (all when
    it is empty), by town and name, a page at a time, and how many there are."""
    conditions: list[ColumnElement[bool]] = [col(Volunteer.active).is_(True)]
    if search:
        conditions.append(
            or_(
                *(
                    col(getattr(Volunteer, name)).contains(search, autoescape=True)
                    for name in ("name", "town", "organisation", "phone")
                )
            )
        )
    total = (await session.exec(select(func.count()).where(*conditions))).one()
    query = (
        select(Volunteer)
        .where(*conditions)
        .order_by(col(Volunteer.town), col(Volunteer.name), col(Volunteer.telegram_id))
        .offset(offset)
        .limit(limit)
    )
    return list((await session.exec(query)).all()), int(total)
