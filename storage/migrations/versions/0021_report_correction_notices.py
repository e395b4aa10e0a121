"""The coordinators' copies of a report's correction notice ("✏️ 报告 #41（name）已修改") are
recorded with the notification's copies, marked `correction`, so a volunteer's /deleteme
withdraws them too. Review decisions redraw only the notifications (correction false).
Notices sent before are not recorded: they stay.

Revision ID: 0021
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("report_notice") as batch:
        batch.add_column(
            sa.Column("correction", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("report_notice") as batch:
        batch.drop_column("correction")
