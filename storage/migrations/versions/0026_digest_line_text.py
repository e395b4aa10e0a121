"""Each line of a recorded daily digest keeps its text as sent, so the digest drawn again to
withdraw an erased volunteer's line shows the other lines exactly as they were sent (not as
their reports and volunteers read now). Lines recorded before have none: they are drawn as
their reports are now, as before.

Revision ID: 0026
Revises: 0025
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("report_digest_line") as batch:
        batch.add_column(sa.Column("text", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("report_digest_line") as batch:
        batch.drop_column("text")
