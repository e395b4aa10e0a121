"""Residents' messages to duty staff: tickets, their exchange, and the bot's messages about
them (a Telegram reply to one belongs to its ticket).

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

from storage.models import UtcDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ticket",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("resident_id", sa.BigInteger, nullable=True, index=True),
        sa.Column("desk_id", sa.String(40), nullable=False, index=True),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("town", sa.String(100), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("contact", sa.String(40), nullable=False),
        sa.Column("status", sa.String(12), nullable=False, index=True),
        sa.Column("taken_by", sa.BigInteger, nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False, index=True),
        sa.Column("due_at", UtcDateTime(), nullable=False, index=True),
        sa.Column("escalate_at", UtcDateTime(), nullable=False, index=True),
        sa.Column("answered_at", UtcDateTime(), nullable=True),
        sa.Column("reminded_at", UtcDateTime(), nullable=True),
        sa.Column("escalated_at", UtcDateTime(), nullable=True),
        sa.Column("closed_at", UtcDateTime(), nullable=True),
        sa.Column("rating", sa.Integer, nullable=True),
        sa.Column("submission_key", sa.String(64), nullable=False, unique=True),
    )
    op.create_table(
        "ticket_entry",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "ticket_id", sa.Integer, sa.ForeignKey("ticket.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("author", sa.String(12), nullable=False),
        sa.Column("staff_id", sa.BigInteger, nullable=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "ticket_message",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "ticket_id",
            sa.Integer,
            sa.ForeignKey("ticket.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("chat_id", sa.BigInteger, nullable=False),
        sa.Column("message_id", sa.Integer, nullable=False),
        sa.UniqueConstraint("chat_id", "message_id"),
    )


def downgrade() -> None:
    op.drop_table("ticket_message")
    op.drop_table("ticket_entry")
    op.drop_table("ticket")
