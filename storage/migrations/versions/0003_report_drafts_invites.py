"""Conversation drafts (restart-safe reports and registrations), invites, report notifications.

Revision ID: 0003r
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from storage.models import UtcDateTime

revision = "0003r"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversation_draft",
        sa.Column("flow", sa.String(16), primary_key=True),
        sa.Column("telegram_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("step", sa.String(16), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False, index=True),
    )
    op.create_table(
        "invite",
        sa.Column("code", sa.String(32), primary_key=True),
        sa.Column("town", sa.String(100), nullable=False),
        sa.Column("organisation", sa.String(200), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("max_uses", sa.Integer(), nullable=True),
        sa.Column("uses", sa.Integer(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    with op.batch_alter_table("activity_report") as batch:
        batch.add_column(sa.Column("notified_at", UtcDateTime(), nullable=True))
        batch.create_index("ix_activity_report_notified_at", ["notified_at"])
    # Stats filter by status and date together; per-volunteer lists by volunteer and date.
    op.create_index(
        "ix_activity_report_status_date", "activity_report", ["status", "activity_date"]
    )


def downgrade() -> None:
    op.drop_index("ix_activity_report_status_date", "activity_report")
    with op.batch_alter_table("activity_report") as batch:
        batch.drop_index("ix_activity_report_notified_at")
        batch.drop_column("notified_at")
    op.drop_table("invite")
    op.drop_table("conversation_draft")
