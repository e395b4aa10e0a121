"""Where each report's notification went (the coordinators' chats and message ids), so that
the copies can be withdrawn when the volunteer erases themselves (/deleteme). Notifications
sent before this were not recorded and stay.

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_message",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "report_id",
            sa.Integer,
            sa.ForeignKey("activity_report.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("chat_id", sa.BigInteger, nullable=False),
        sa.Column("message_id", sa.Integer, nullable=False),
        sa.UniqueConstraint("chat_id", "message_id"),
    )


def downgrade() -> None:
    op.drop_table("report_message")
