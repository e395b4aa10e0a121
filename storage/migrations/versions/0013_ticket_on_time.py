"""Whether a ticket's first answer came on time, fixed when it is given: a resident's follow-up
reopens an answered ticket with new deadlines, and the export's 按时答复 must still judge the
first answer by the deadline it had then. Tickets answered before this are judged by the
deadline they have now (the best there is).

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ticket") as batch:
        batch.add_column(sa.Column("answered_on_time", sa.Boolean(), nullable=True))
    op.execute(
        "UPDATE ticket SET answered_on_time = (answered_at <= due_at) "
        "WHERE answered_at IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("ticket") as batch:
        batch.drop_column("answered_on_time")
