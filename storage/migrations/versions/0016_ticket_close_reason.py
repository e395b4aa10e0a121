"""A ticket that ends unanswered keeps why: staff's choice at 结束 (phoned, duplicate, no reply
needed) or the resident's /deleteme (`erased`). Tickets that ended before this have no reason
(shown as 未记录), but for those /deleteme closed: it closed them at their creation instant,
which no staff member's 结束 can, and left them unanswered.

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ticket") as batch:
        batch.add_column(sa.Column("close_reason", sa.String(16), nullable=True))
    op.execute(
        "UPDATE ticket SET close_reason = 'erased' "
        "WHERE status = 'closed' AND answered_at IS NULL AND closed_at = created_at "
        "AND submission_key LIKE 'erased-%'"
    )


def downgrade() -> None:
    # recreate="never": SQLite drops the column in place (a rebuilt `ticket` would cascade).
    with op.batch_alter_table("ticket", recreate="never") as batch:
        batch.drop_column("close_reason")
