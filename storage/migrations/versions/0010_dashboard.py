"""The coordinators' web dashboard: one-time login links, sessions, and decisions about
unanswered questions.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

from storage.models import UtcDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


# Covering indexes: the dashboard's (and /stats') sums over a year of reports, its filtered
# listings, and its counts of questions read only the index (6-30x faster on 100,000 reports
# in SQLite). The report index replaces (status, activity_date) and (activity_date), which
# SQLite would prefer for their order and then read row by row looking for a rare town.
REPORT_COVER = [
    "status", "activity_date", "town", "activity_type", "volunteer_id", "audience", "hours",
    "topics",
]
QUESTION_COVER = ["asked_at", "matched", "feedback", "text"]
LISTING = ["status", "activity_date", "id"]


def upgrade() -> None:
    op.create_index("ix_activity_report_cover", "activity_report", REPORT_COVER)
    op.drop_index("ix_activity_report_status_date", "activity_report")
    op.drop_index("ix_activity_report_activity_date", "activity_report")
    if op.get_bind().dialect.name == "postgresql":
        # The listing's order (newest first), for PostgreSQL's top-N; SQLite would prefer it
        # to the covering index even for a rare town, so it gets none.
        op.create_index("ix_activity_report_listing", "activity_report", LISTING)
    op.create_index("ix_question_log_cover", "question_log", QUESTION_COVER)
    op.create_table(
        "dashboard_login",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("telegram_id", sa.BigInteger(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.Column("used_at", UtcDateTime(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "dashboard_session",
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column("telegram_id", sa.BigInteger(), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_dashboard_session_telegram_id", "dashboard_session", ["telegram_id"])
    op.create_index("ix_dashboard_session_expires_at", "dashboard_session", ["expires_at"])
    op.create_table(
        "content_gap",
        sa.Column("question", sa.String(300), primary_key=True),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("card_id", sa.String(64), nullable=True),
        sa.Column("decided_by", sa.BigInteger(), nullable=True),
        sa.Column("decided_at", UtcDateTime(), nullable=False),
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_activity_report_listing", "activity_report")
    op.drop_index("ix_question_log_cover", "question_log")
    op.create_index("ix_activity_report_activity_date", "activity_report", ["activity_date"])
    op.create_index(
        "ix_activity_report_status_date", "activity_report", ["status", "activity_date"]
    )
    op.drop_index("ix_activity_report_cover", "activity_report")
    op.drop_table("content_gap")
    op.drop_index("ix_dashboard_session_expires_at", "dashboard_session")
    op.drop_index("ix_dashboard_session_telegram_id", "dashboard_session")
    op.drop_table("dashboard_session")
    op.drop_table("dashboard_login")
