"""A broadcast keeps whether a coordinator gave it its time (/campaigns or /scheduled 改时间,
立即发送): a calendar reminder so moved keeps its time when its campaign's dates change. This
was told from its `created_by` alone, which /deleteme clears. Reminders moved before are the
calendar's rows with a `created_by` (the calendar never sets one).

Revision ID: 0022
Revises: 0021
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

BROADCAST = sa.table(
    "broadcast",
    sa.column("origin", sa.String()),
    sa.column("created_by", sa.BigInteger()),
    sa.column("moved_by_hand", sa.Boolean()),
)


def upgrade() -> None:
    # recreate="never": SQLite adds the column in place. Its default is an expression, for which
    # batch mode would rebuild `broadcast`, and dropping the old table with foreign keys on
    # cascades to every broadcast's deliveries.
    with op.batch_alter_table("broadcast", recreate="never") as batch:
        batch.add_column(
            sa.Column("moved_by_hand", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.execute(
        BROADCAST.update()
        .where(BROADCAST.c.origin == "campaign", BROADCAST.c.created_by.is_not(None))
        .values(moved_by_hand=True)
    )


def downgrade() -> None:
    # recreate="never": SQLite drops the column in place (a rebuilt `broadcast` would cascade).
    with op.batch_alter_table("broadcast", recreate="never") as batch:
        batch.drop_column("moved_by_hand")
