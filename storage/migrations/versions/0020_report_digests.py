"""Daily report digests are recorded (each coordinator's copy, and the reports it lists), so
a volunteer's /deleteme withdraws their lines from the digests as well as their reports'
notifications. Digests sent before are not recorded: they keep their lines.

Revision ID: 0020
Revises: 0019
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_digest",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("head", sa.Text(), nullable=False),
        sa.Column("tail", sa.Text(), nullable=False),
        sa.UniqueConstraint("chat_id", "message_id"),
    )
    op.create_table(
        "report_digest_line",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "digest_id",
            sa.Integer(),
            sa.ForeignKey("report_digest.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "report_id",
            sa.Integer(),
            sa.ForeignKey("activity_report.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("withdrawn", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_report_digest_line_digest_id", "report_digest_line", ["digest_id"])
    op.create_index("ix_report_digest_line_report_id", "report_digest_line", ["report_id"])


def downgrade() -> None:
    op.drop_index("ix_report_digest_line_report_id", table_name="report_digest_line")
    op.drop_index("ix_report_digest_line_digest_id", table_name="report_digest_line")
    op.drop_table("report_digest_line")
    op.drop_table("report_digest")
