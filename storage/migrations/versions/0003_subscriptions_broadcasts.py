"""Subscriptions, recipients, broadcasts with per-recipient deliveries, campaign dates.

Revision ID: 0003b
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from storage.models import UtcDateTime

revision = "0003b"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recipient",
        sa.Column("chat_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("chat_type", sa.String(16), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("inactive_reason", sa.String(200), nullable=False),
        sa.Column("campaign_reminders", sa.Boolean(), nullable=False),
        sa.Column("volunteer_calls", sa.Boolean(), nullable=False),
        sa.Column("monthly_reminder", sa.Boolean(), nullable=False),
        sa.Column("added_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "subscription",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=False, index=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("value", sa.String(100), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("chat_id", "kind", "value"),
    )
    op.create_table(
        "broadcast",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("content_kind", sa.String(8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("card_id", sa.String(64), nullable=True),
        sa.Column("source_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("source_message_id", sa.Integer(), nullable=True),
        sa.Column("audience", sa.String(16), nullable=False),
        sa.Column("audience_value", sa.String(500), nullable=False),
        sa.Column("send_at", UtcDateTime(), nullable=False, index=True),
        sa.Column("recurrence", sa.String(32), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True, index=True),
        sa.Column("campaign_id", sa.String(64), nullable=True, index=True),
        sa.Column("campaign_year", sa.Integer(), nullable=True),
        sa.Column("lead_days", sa.Integer(), nullable=True),
        sa.Column("dedupe_key", sa.String(120), nullable=True, unique=True),
        sa.Column("progress_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("progress_message_id", sa.Integer(), nullable=True),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(300), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("started_at", UtcDateTime(), nullable=True),
        sa.Column("finished_at", UtcDateTime(), nullable=True),
        sa.Column("reported_at", UtcDateTime(), nullable=True),
    )
    op.create_table(
        "delivery",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "broadcast_id",
            sa.Integer(),
            sa.ForeignKey("broadcast.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(300), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("not_before", UtcDateTime(), nullable=True),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("broadcast_id", "chat_id"),
    )
    op.create_index("ix_delivery_broadcast_state", "delivery", ["broadcast_id", "state"])
    op.create_index("ix_delivery_state_id", "delivery", ["state", "id"])
    op.create_table(
        "campaign_dates",
        sa.Column("campaign_id", sa.String(64), primary_key=True),
        sa.Column("year", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("set_by", sa.BigInteger(), nullable=True),
        sa.Column("set_at", UtcDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("campaign_dates")
    op.drop_index("ix_delivery_state_id", table_name="delivery")
    op.drop_index("ix_delivery_broadcast_state", table_name="delivery")
    op.drop_table("delivery")
    op.drop_table("broadcast")
    op.drop_table("subscription")
    op.drop_table("recipient")
