"""Report review: a coordinator marks an activity report 已核实 (verified) or 已退回 (returned,
with a reason; left out of the figures). Every report from before is 待审核 (pending), counted
as before. Each coordinator's copy of a report's notification is recorded, so a decision shows
on all of them.

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

from storage.models import UtcDateTime

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("activity_report") as batch:
        batch.add_column(
            sa.Column("review", sa.String(16), nullable=False, server_default="pending")
        )
        batch.add_column(
            sa.Column("review_reason", sa.String(200), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("reviewed_by", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("reviewer", sa.String(100), nullable=False, server_default=""))
        batch.add_column(sa.Column("reviewed_at", UtcDateTime(), nullable=True))
    op.create_table(
        "report_notice",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "report_id",
            sa.Integer(),
            sa.ForeignKey("activity_report.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.UniqueConstraint("chat_id", "message_id"),
    )
    op.create_index("ix_report_notice_report_id", "report_notice", ["report_id"])


def downgrade() -> None:
    op.drop_index("ix_report_notice_report_id", table_name="report_notice")
    op.drop_table("report_notice")
    # recreate="never": SQLite drops the columns in place.
    with op.batch_alter_table("activity_report", recreate="never") as batch:
        for name in ("reviewed_at", "reviewer", "reviewed_by", "review_reason", "review"):
            batch.drop_column(name)
