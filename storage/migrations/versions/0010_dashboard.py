"""The coordinators' web dashboard: one-time login links, sessions, and decisions about
unanswered questions.

Revision ID: 0010
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from storage.models import UtcDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
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
    op.drop_table("content_gap")
    op.drop_index("ix_dashboard_session_expires_at", "dashboard_session")
    op.drop_index("ix_dashboard_session_telegram_id", "dashboard_session")
    op.drop_table("dashboard_session")
    op.drop_table("dashboard_login")
