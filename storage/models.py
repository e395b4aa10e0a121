"""Database tables. Times are stored as timezone-aware UTC."""

from collections.abc import Callable
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    literal_column,
)
from sqlmodel import Field, SQLModel, col


def utcnow() -> datetime:
    return datetime.now(UTC)


# What the bot takes as "now": `utcnow` in production, a controlled clock in tests. Every
# decision that depends on the date (due broadcasts, "this month", idle drafts, edit windows)
# reads the clock it is given, never the system time.
Clock = Callable[[], datetime]

# The volunteer id the reports and QR events of people erased by /deleteme keep counting
# under: nobody's (no record page, no list of codes), and never ranked as one person.
ANONYMOUS_ID = 0


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
    # A random reference given when the answer is sent (the 没解决 button carries it), since
    # the row itself is written a moment later.
    ref: str | None = Field(default=None, max_length=16, unique=True, index=True)
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
    # The card the asker then chose from those offered (the latest, if several). Indexed: few
    # questions have one, and the gaps page reads only those.
    chosen_card_id: str | None = Field(default=None, max_length=64, index=True)


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


class AidPrecheck(SQLModel, table=True):
    """One finished legal-aid pre-check, anonymous: the outcome, its rule and the local day;
    never the person nor the answers."""

    __tablename__ = "aid_precheck"

    id: int | None = Field(default=None, primary_key=True)
    day: date = Field(index=True)
    rule: str = Field(max_length=40)
    result: str = Field(max_length=16)


class VillageAdviser(SQLModel, table=True):
    """一村（社区）一法律顾问, as the district publishes it (samples until a coordinator
    imports the list)."""

    __tablename__ = "village_adviser"

    id: int | None = Field(default=None, primary_key=True)
    town: str = Field(max_length=100, index=True)
    village: str = Field(max_length=100)
    name: str = Field(max_length=50)
    office: str = Field(default="", max_length=100)
    duty: str = Field(default="", max_length=200)
    contact: str = Field(max_length=100)
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
    activity_date: date  # indexed with status, town, type ... (migration 0010)
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
    # When coordinators were told about it (each report, or the daily digest); added in 0003r.
    notified_at: datetime | None = Field(
        default=None, sa_column=Column(UtcDateTime(), nullable=True, index=True)
    )
    # A coordinator's review (ReviewState, migration 0017): a returned report is left out of
    # the figures; a correction puts a reviewed report back to pending.
    review: str = Field(default="pending", max_length=16)
    review_reason: str = Field(default="", max_length=200)
    reviewed_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    reviewer: str = Field(default="", max_length=100)  # their name as shown to coordinators
    reviewed_at: datetime | None = Field(
        default=None, sa_column=Column(UtcDateTime(), nullable=True)
    )


class ReviewState(StrEnum):
    PENDING = "pending"  # 待审核: counted, as every report was before reviews
    VERIFIED = "verified"  # 已核实
    RETURNED = "returned"  # 已退回: left out of /stats, the exports' totals and 考核


class ReportNotice(SQLModel, table=True):
    """A coordinator's copy of a report's notification (with ✅ 核实 / ↩️ 退回): edited to show
    the decision when any coordinator reviews the report; or (`correction`) of a notice that
    the volunteer corrected it, never edited. Both are withdrawn after the volunteer's
    /deleteme (storage.report_messages)."""

    __tablename__ = "report_notice"
    __table_args__ = (UniqueConstraint("chat_id", "message_id"),)

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("activity_report.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    message_id: int
    correction: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )


class ReportDigest(SQLModel, table=True):
    """A coordinator's copy of a daily report digest: what it said besides its report lines
    (no personal data: a title with a count, how many more, how many wait for review), so it
    can be drawn again with a line withdrawn when a listed report's volunteer erases
    themselves (/deleteme)."""

    __tablename__ = "report_digest"
    __table_args__ = (UniqueConstraint("chat_id", "message_id"),)

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    message_id: int
    head: str = Field(sa_column=Column(Text, nullable=False))
    tail: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))


class ReportDigestLine(SQLModel, table=True):
    """A report a digest lists, at its place, with its line as sent (`text`, HTML), so the
    digest drawn again keeps it as first sent, whatever changed since (the report corrected,
    its volunteer renamed or gone, a label edited); None for lines recorded before it was
    kept, and once its volunteer erased themselves (it names them). `withdrawn` once the
    digest shows the report's line neutralised."""

    __tablename__ = "report_digest_line"

    id: int | None = Field(default=None, primary_key=True)
    digest_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("report_digest.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    report_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("activity_report.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    position: int
    text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    withdrawn: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )


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


class ReportStatus(StrEnum):
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"


class ConversationDraft(SQLModel, table=True):
    """An unfinished guided chat (registration, a report, a broadcast, an edit), written on
    every step, so a restart or a standby taking over loses nothing: the chat's state is read
    from this row on every update. `token` is carried by the chat's buttons."""

    __tablename__ = "conversation_draft"

    flow: str = Field(sa_column=Column(String(16), primary_key=True))
    telegram_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    step: str = Field(max_length=16)
    token: str = Field(default="", max_length=16)
    data: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(index=True))


class Invite(SQLModel, table=True):
    """A code a coordinator hands out (or prints as a QR code) to let volunteers register."""

    code: str = Field(sa_column=Column(String(32), primary_key=True))
    town: str = Field(default="", max_length=100)
    organisation: str = Field(default="", max_length=200)
    created_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    max_uses: int | None = None  # None: any number of volunteers
    uses: int = 0
    expires_at: datetime = Field(sa_column=_utc_column())
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())


# Subscriptions, broadcasts and deliveries (issue 4, migration 0003b).


class DeliveryState(StrEnum):
    """pending -> sending -> sent | failed | blocked | uncertain; pending -> cancelled."""

    PENDING = "pending"
    SENDING = "sending"  # the request may be on the wire: never sent again
    SENT = "sent"
    FAILED = "failed"
    BLOCKED = "blocked"
    UNCERTAIN = "uncertain"  # was `sending` when the process died
    CANCELLED = "cancelled"


class BroadcastStatus(StrEnum):
    SCHEDULED = "scheduled"
    SENDING = "sending"
    DONE = "done"
    CANCELLED = "cancelled"
    MISSED = "missed"  # its time passed while the bot was down, beyond the grace period
    MUTED = "muted"  # a campaign reminder a coordinator switched off


class Recipient(SQLModel, table=True):
    """A chat the bot may message on its own: a subscriber, a subscribed group, a volunteer."""

    chat_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    chat_type: str = Field(default="private", max_length=16)
    title: str = Field(default="", max_length=200)
    # False once Telegram said the bot was blocked or the chat is gone: skipped from then on.
    active: bool = True
    inactive_reason: str = Field(default="", max_length=200)
    campaign_reminders: bool = True
    volunteer_calls: bool = True
    monthly_reminder: bool = True
    added_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())


class Subscription(SQLModel, table=True):
    """One opt-in of a chat: a topic category, or its town's local news."""

    __table_args__ = (UniqueConstraint("chat_id", "kind", "value"),)

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    kind: str = Field(max_length=16)  # "category" | "town"
    value: str = Field(max_length=100)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())


class Broadcast(SQLModel, table=True):
    """A message to an audience: a coordinator's announcement or a calendar reminder."""

    id: int | None = Field(default=None, primary_key=True)
    origin: str = Field(max_length=16)  # "coordinator" | "campaign" | "monthly"
    status: str = Field(default=BroadcastStatus.SCHEDULED.value, max_length=16, index=True)
    created_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    content_kind: str = Field(default="text", max_length=8)  # "text" | "card" | "copy" | "album"
    # Telegram HTML; for "album" its items as JSON (scheduler.messages.album_text)
    text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    card_id: str | None = Field(default=None, max_length=64)
    source_chat_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    source_message_id: int | None = None
    audience: str = Field(max_length=16)
    audience_value: str = Field(default="", max_length=500)
    send_at: datetime = Field(sa_column=_utc_column(index=True))
    recurrence: str | None = Field(default=None, max_length=32)  # "weekly:<0-6>:<HH:MM>"
    parent_id: int | None = Field(default=None, index=True)
    campaign_id: str | None = Field(default=None, max_length=64, index=True)
    campaign_year: int | None = None
    lead_days: int | None = None
    # A coordinator gave it its time (改时间, 立即发送): a calendar reminder keeps that time
    # when its campaign's dates change (`created_by` cannot tell: /deleteme clears it).
    moved_by_hand: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )
    # Makes creating the same thing twice (a double-pressed confirm, a re-expanded calendar,
    # a recurring occurrence after a restart) a no-op.
    dedupe_key: str | None = Field(default=None, max_length=120, unique=True)
    progress_chat_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    progress_message_id: int | None = None
    total: int = 0
    note: str = Field(default="", max_length=300)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    started_at: datetime | None = Field(
        default=None, sa_column=Column(UtcDateTime(), nullable=True)
    )
    finished_at: datetime | None = Field(
        default=None, sa_column=Column(UtcDateTime(), nullable=True)
    )
    reported_at: datetime | None = Field(
        default=None, sa_column=Column(UtcDateTime(), nullable=True)
    )


class Delivery(SQLModel, table=True):
    """One recipient of one broadcast, written before the first message leaves."""

    __table_args__ = (
        UniqueConstraint("broadcast_id", "chat_id"),
        Index("ix_delivery_broadcast_state", "broadcast_id", "state"),
        Index("ix_delivery_state_id", "state", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    broadcast_id: int = Field(
        sa_column=Column(Integer, ForeignKey("broadcast.id", ondelete="CASCADE"), nullable=False)
    )
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    state: str = Field(default=DeliveryState.PENDING.value, max_length=12)
    attempts: int = 0
    error: str = Field(default="", max_length=300)
    message_id: int | None = None
    not_before: datetime | None = Field(
        default=None, sa_column=Column(UtcDateTime(), nullable=True)
    )
    updated_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())


class CampaignDates(SQLModel, table=True):
    """A coordinator's dates for one year of a movable campaign (e.g. 网络安全宣传周)."""

    __tablename__ = "campaign_dates"

    campaign_id: str = Field(sa_column=Column(String(64), primary_key=True))
    year: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    start: date
    end: date
    set_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    set_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())


# The 普法 quiz and contests (issue 15, migration 0009).


class QuizContest(SQLModel, table=True):
    """A coordinator's contest for one campaign: everyone gets the same questions, drawn when
    it is created, each with `seconds` to answer between `opens_at` and `closes_at`."""

    __tablename__ = "quiz_contest"

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: str = Field(max_length=64)
    title: str = Field(max_length=200)
    opens_at: datetime = Field(sa_column=_utc_column())
    closes_at: datetime = Field(sa_column=_utc_column(index=True))
    seconds: int
    question_ids: str = Field(sa_column=Column(Text, nullable=False))  # comma-separated
    created_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    # Set once the leaderboard was handed to the broadcast engine (the close was announced).
    announced_at: datetime | None = Field(
        default=None, sa_column=Column(UtcDateTime(), nullable=True)
    )


class QuizRound(SQLModel, table=True):
    """A contest played in a group chat: a volunteer moves it on question by question; every
    member answers the question shown (`position`, shown at `asked_at`)."""

    __tablename__ = "quiz_round"

    id: int | None = Field(default=None, primary_key=True)
    contest_id: int = Field(
        sa_column=Column(Integer, ForeignKey("quiz_contest.id", ondelete="CASCADE"), index=True)
    )
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    town: str = Field(default="", max_length=100)
    started_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    token: str = Field(max_length=16)
    question_ids: str = Field(sa_column=Column(Text, nullable=False))
    position: int = 0
    asked_at: datetime = Field(sa_column=_utc_column())
    finished_at: datetime | None = Field(
        default=None, sa_column=Column(UtcDateTime(), nullable=True)
    )


class QuizAttempt(SQLModel, table=True):
    """One person's go: a practice /quiz (no contest) or their one attempt at a contest,
    alone or as a member of a group round. `position` is the question being answered, shown
    at `asked_at` in the message `message_id` (alone); its buttons carry the attempt id, the
    position and `token`."""

    __tablename__ = "quiz_attempt"
    __table_args__ = (
        UniqueConstraint("contest_id", "telegram_id"),
        Index("ix_quiz_attempt_board", "contest_id", "score", "total_ms"),
    )

    id: int | None = Field(default=None, primary_key=True)
    contest_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("quiz_contest.id", ondelete="CASCADE"), nullable=True
        ),
    )
    round_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("quiz_round.id", ondelete="CASCADE"), nullable=True),
    )
    telegram_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    first_name: str = Field(default="", max_length=64)  # as Telegram shows it; boards only
    town: str = Field(default="", max_length=100)
    token: str = Field(max_length=16)
    question_ids: str = Field(sa_column=Column(Text, nullable=False))
    position: int = 0
    asked_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))
    picked: str = Field(default="", max_length=32)  # a multiple choice's ticks before 提交
    score: int = 0
    total_ms: int = 0
    started_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    finished_at: datetime | None = Field(
        default=None, sa_column=Column(UtcDateTime(), nullable=True)
    )
    message_id: int | None = None  # a contest's close takes its question's buttons off


class QuizAnswer(SQLModel, table=True):
    """One answer: at most one per attempt and question (the key refuses a second)."""

    __tablename__ = "quiz_answer"

    attempt_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("quiz_attempt.id", ondelete="CASCADE"), primary_key=True
        )
    )
    position: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    question_id: str = Field(max_length=64)
    chosen: str = Field(default="", max_length=32)  # option indexes, comma-separated
    correct: bool = False
    points: int = 0
    elapsed_ms: int = 0
    answered_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())


# Residents' messages to duty staff (issue 14, migration 0007).


class TicketStatus(StrEnum):
    """open -> taken (a staff member said 接单) -> answered (the desk replied) -> closed."""

    OPEN = "open"
    TAKEN = "taken"
    ANSWERED = "answered"
    CLOSED = "closed"


class CloseReason(StrEnum):
    """Why a ticket nobody had answered was ended: staff's choice at 结束 (phoned, duplicate,
    no reply needed), or the resident's /deleteme. None: it was answered when it ended, or it
    ended before reasons were kept (migration 0016)."""

    PHONED = "phoned"
    DUPLICATE = "duplicate"
    NO_REPLY = "noreply"
    ERASED = "erased"


class Ticket(SQLModel, table=True):
    """A resident's message to a desk (content/desks.yaml). `resident_id`, `text` and `contact`
    are the personal data: /deleteme blanks them and the ticket stays as an anonymous count."""

    id: int | None = Field(default=None, primary_key=True)
    resident_id: int | None = Field(default=None, sa_column=Column(BigInteger, index=True))
    desk_id: str = Field(max_length=40, index=True)  # the desk it is at now
    # The desk it was first sent to, and the desk that gave its first answer (转办 moves
    # `desk_id` only): the export counts it opened at the one and answered at the other.
    first_desk_id: str | None = Field(default=None, max_length=40)
    answered_desk_id: str | None = Field(default=None, max_length=40)
    # The desk it was at before its last 转办, named in its message at the desk it is at now
    # (None: never moved, or moved before this was kept). Not personal: /deleteme keeps it.
    moved_from_desk_id: str | None = Field(default=None, max_length=40)
    category: str = Field(default="", max_length=40)
    town: str = Field(default="", max_length=100)
    text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    # A phone number, only if they agreed; for the desks in `ticket_consent` only.
    contact: str = Field(default="", max_length=40)
    status: str = Field(default=TicketStatus.OPEN.value, max_length=12, index=True)
    taken_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(index=True))
    # The desk should answer by `due_at` (once open reply_within_hours since); unanswered,
    # it is reminded then and the coordinators are told at `escalate_at`.
    due_at: datetime = Field(sa_column=_utc_column(index=True))
    escalate_at: datetime = Field(sa_column=_utc_column(index=True))
    answered_at: datetime | None = Field(
        default=None, sa_column=Column(UtcDateTime(), nullable=True)
    )
    # Since when the resident has waited for an answer: the ticket's creation, or the
    # follow-up that reopened it after an answer (None: since creation).
    waiting_since: datetime | None = Field(
        default=None, sa_column=Column(UtcDateTime(), nullable=True)
    )
    # Whether that first answer came by the `due_at` of then (a reopen or a transfer moves
    # `due_at` later; this stays as it was).
    answered_on_time: bool | None = None
    reminded_at: datetime | None = Field(
        default=None, sa_column=Column(UtcDateTime(), nullable=True)
    )
    escalated_at: datetime | None = Field(
        default=None, sa_column=Column(UtcDateTime(), nullable=True)
    )
    closed_at: datetime | None = Field(
        default=None, sa_column=Column(UtcDateTime(), nullable=True)
    )
    close_reason: str | None = Field(default=None, max_length=16)  # a CloseReason
    # When the resident was asked, for the desk it is at, for the phone number that desk may
    # not see: by the move notice (`contact_asked_on_move`) or by 📱 请居民给电话. Once per
    # stay at a desk, so a desk cannot pester, except that a 不用 to the move notice lets the
    # desk ask once itself; a move clears it.
    contact_asked_at: datetime | None = Field(
        default=None, sa_column=Column(UtcDateTime(), nullable=True)
    )
    contact_asked_on_move: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )
    # The question is recorded before it is sent (a double press asks once) and marked sent
    # once Telegram took it: one still sending at a start never went (the process stopped
    # in between), so that ask is forgotten.
    contact_ask_sending: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )
    # Its stays at desks, numbered: how often it moved (转办). The move notice's 不用 names the
    # stay it was asked in, so a question from an earlier stay at the same desk frees nothing.
    stay: int = Field(default=0, sa_column=Column(Integer, nullable=False, server_default="0"))
    # Whether the desk's messages of the ticket are out of date: > 0 (the number of the last
    # change they must show, set with the change, or by a redraw Telegram gave no answer
    # for, which may still land) until a redraw showed it; then -that number. Changes count
    # on from the last, so a redraw clears only what it drew.
    desk_redraw: int = Field(
        default=0, sa_column=Column(Integer, nullable=False, server_default="0")
    )
    rating: int | None = None  # 1 (不满意) to 3 (满意)
    # Makes a double-pressed 发送 create one ticket.
    submission_key: str = Field(max_length=64, unique=True)


# The tickets whose desks' messages are out of date (see `Ticket.desk_redraw`), as
# storage.tickets.outdated looks for them at start-up and at every periodic check: few at
# any time, so a partial index of their ids finds them in order without reading the table.
# The 0 is written into the SQL, not bound, so that PostgreSQL's generic plan of the
# prepared query can use the index too (it cannot know a parameter's value is 0).
TICKET_OUTDATED = col(Ticket.desk_redraw) > literal_column("0")
Index(
    "ix_ticket_desk_redraw",
    col(Ticket.id),
    postgresql_where=TICKET_OUTDATED,
    sqlite_where=TICKET_OUTDATED,
)


class TicketConsent(SQLModel, table=True):
    """A desk the resident agreed to give a ticket's phone number to: the one it was sent to
    when they shared the number, and each desk it was moved to that they agreed for later
    (one tap under the move notice). Any other desk sees only that a number was left. /deleteme
    deletes these with the number."""

    __tablename__ = "ticket_consent"

    ticket_id: int = Field(
        sa_column=Column(Integer, ForeignKey("ticket.id", ondelete="CASCADE"), primary_key=True)
    )
    desk_id: str = Field(sa_column=Column(String(40), primary_key=True))
    agreed_at: datetime = Field(sa_column=_utc_column())
    # Whether the desk's chats were told that the resident agreed (📞 …, once a redraw showed
    # them the number): claimed before the note goes, so a redraw drawn again, a second
    # process or a restart never tells them twice (a crash in between loses the note). The
    # desk the number came with at the start is not told: its message showed it at once.
    desk_told: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )


class TicketEntry(SQLModel, table=True):
    """One message of a ticket's exchange: the resident's follow-ups and the desk's replies."""

    __tablename__ = "ticket_entry"

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(
        sa_column=Column(Integer, ForeignKey("ticket.id", ondelete="CASCADE"), nullable=False)
    )
    author: str = Field(max_length=12)  # "resident" | "desk"
    desk_id: str | None = Field(default=None, max_length=40)  # the desk that answered
    staff_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    text: str = Field(sa_column=Column(Text, nullable=False))
    at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())


class TicketMessage(SQLModel, table=True):
    """A message the bot sent about a ticket (to a desk's chat or to the resident): a Telegram
    reply to it belongs to that ticket."""

    __tablename__ = "ticket_message"
    __table_args__ = (UniqueConstraint("chat_id", "message_id"),)

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("ticket.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    message_id: int
    # A copy in a desk's chat with the staff's buttons (接单 / 回复 / 转办 / 结束): edited
    # when the ticket is taken, moved or closed.
    staff_buttons: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )
    # When this message was withdrawn (deleted, or replaced by a neutral line) after its
    # ticket's resident was erased (/deleteme). A message of an erased ticket without it is
    # still to be withdrawn: the state says so, whatever crashed or raced in between.
    withdrawn_at: datetime | None = Field(
        default=None, sa_column=Column(UtcDateTime(), nullable=True)
    )


# Reach and results (issue 15, migration 0008): satisfaction votes, QR attribution, the weekly
# case, volunteers' certificates.


class VoteKind(StrEnum):
    ANSWER = "answer"  # a card the bot answered with (or a card opened from a button)
    FALLBACK = "fallback"  # the "no card, here is where to get help" reply
    EVENT = "event"  # a resident's rating of the event whose QR code brought them


class Vote(SQLModel, table=True):
    """One person's 👍 / 👎 on one answer (or event); a change of mind replaces it. `voter_id`
    becomes NULL on /deleteme, so the figures stay as anonymous counts."""

    __table_args__ = (UniqueConstraint("voter_id", "subject"),)

    id: int | None = Field(default=None, primary_key=True)
    voter_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    # "q-<question ref>", "c-<card id>" or "e-<event code>": what was voted on
    subject: str = Field(max_length=64, index=True)
    kind: str = Field(max_length=16)
    card_id: str | None = Field(default=None, max_length=64, index=True)
    town: str = Field(default="", max_length=100, index=True)
    satisfied: bool
    voted_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column(index=True))


class QrEvent(SQLModel, table=True):
    """An event or poster a volunteer made a QR code for (`start=ev_<code>`)."""

    __tablename__ = "qr_event"

    code: str = Field(sa_column=Column(String(24), primary_key=True))
    title: str = Field(max_length=100)
    kind: str = Field(default="event", max_length=8)  # "event" | "poster"
    town: str = Field(default="", max_length=100, index=True)
    volunteer_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    event_date: date | None = None  # an event's day (its rating is asked the day after)
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    # The activity report it was made from (one code per report; migration 0011).
    report_id: int | None = Field(
        default=None, sa_column=Column(Integer, nullable=True, unique=True, index=True)
    )
    # The poster's place line (where or who: 东山镇司法所 · 普法志愿服务), masked as the title
    # is: every drawing of the poster prints it ("" for codes made before migration 0024).
    place: str = Field(default="", max_length=100)


class Attribution(SQLModel, table=True):
    """The first QR code that brought a resident (one row per resident; /deleteme erases it)."""

    resident_id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    code: str = Field(max_length=24, index=True)
    volunteer_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    town: str = Field(default="", max_length=100)
    touched_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())


class Certificate(SQLModel, table=True):
    """A volunteer's certificate of recorded hours, checked by its code (`pufa verify`)."""

    code: str = Field(sa_column=Column(String(24), primary_key=True))
    volunteer_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    name: str = Field(default="", max_length=100)
    start: date
    end: date
    activities: int = 0
    hours: float = 0.0
    issued_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())


# The coordinators' web dashboard (issue 13, migration 0010).


class DashboardLogin(SQLModel, table=True):
    """A one-time login link sent by /dashboard. Only the token's SHA-256 is stored."""

    __tablename__ = "dashboard_login"

    token_hash: str = Field(sa_column=Column(String(64), primary_key=True))
    telegram_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    expires_at: datetime = Field(sa_column=_utc_column())
    used_at: datetime | None = Field(default=None, sa_column=Column(UtcDateTime(), nullable=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())


class DashboardSession(SQLModel, table=True):
    """A signed-in browser. Only the cookie's SHA-256 is stored; `csrf` is checked on every
    form. Deleted on logout and when its coordinator is demoted."""

    __tablename__ = "dashboard_session"

    id_hash: str = Field(sa_column=Column(String(64), primary_key=True))
    telegram_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    csrf: str = Field(max_length=64)
    expires_at: datetime = Field(sa_column=_utc_column(index=True))
    created_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())


class GapDecision(StrEnum):
    IGNORED = "ignored"
    OUT_OF_SCOPE = "out_of_scope"
    LEARNT = "learnt"  # labelled with its card for the search to learn
    SAMPLE = "sample"  # added to a card as a sample question
    SYNONYM = "synonym"  # one of its words added as a synonym of a card's keyword
    ANSWERED = "answered"  # before migration 0014: a sample question, synonym or label


class ContentGap(SQLModel, table=True):
    """What a coordinator decided about an unanswered question (by its normalised text): a
    decided question leaves the content-gaps list until the decision is undone."""

    __tablename__ = "content_gap"

    question: str = Field(sa_column=Column(String(300), primary_key=True))
    decision: str = Field(max_length=16)
    card_id: str | None = Field(default=None, max_length=64)
    decided_by: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    decided_at: datetime = Field(default_factory=utcnow, sa_column=_utc_column())
    # What the decision wrote into the content (a JSON list: the question, or the word and the
    # keyword it means), so that undoing it can take exactly that back out.
    added: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
