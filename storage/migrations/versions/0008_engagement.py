"""Reach and results: satisfaction votes, QR codes of events and posters with the residents
they brought, volunteers' certificates of hours.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

from storage.models import UtcDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "vote",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("voter_id", sa.BigInteger(), nullable=True),
        sa.Column("subject", sa.String(64), nullable=False, index=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("card_id", sa.String(64), nullable=True, index=True),
        sa.Column("town", sa.String(100), nullable=False, index=True),
        sa.Column("satisfied", sa.Boolean(), nullable=False),
        sa.Column("voted_at", UtcDateTime(), nullable=False, index=True),
        sa.UniqueConstraint("voter_id", "subject"),
    )
    op.create_table(
        "qr_event",
        sa.Column("code", sa.String(24), primary_key=True),
        sa.Column("title", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("town", sa.String(100), nullable=False, index=True),
        sa.Column("volunteer_id", sa.BigInteger(), nullable=False, index=True),
        sa.Column("event_date", sa.Date(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "attribution",
        sa.Column("resident_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("code", sa.String(24), nullable=False, index=True),
        sa.Column("volunteer_id", sa.BigInteger(), nullable=False, index=True),
        sa.Column("town", sa.String(100), nullable=False),
        sa.Column("touched_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "certificate",
        sa.Column("code", sa.String(24), primary_key=True),
        sa.Column("volunteer_id", sa.BigInteger(), nullable=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("activities", sa.Integer(), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.Column("issued_at", UtcDateTime(), nullable=False),
    )


def downgrade() -> None:
    for table in ("certificate", "attribution", "qr_event", "vote"):
        op.drop_table(table)
