"""QR codes made from an activity report ("为这次活动生成二维码"): the event row names its report,
at most one code per report.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("qr_event") as batch:
        batch.add_column(sa.Column("report_id", sa.Integer(), nullable=True))
    op.create_index("ix_qr_event_report_id", "qr_event", ["report_id"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_qr_event_report_id", "qr_event")
    with op.batch_alter_table("qr_event") as batch:
        batch.drop_column("report_id")
