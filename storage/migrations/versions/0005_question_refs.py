"""Logged questions carry the reference their 没解决 button shows, since the log is written a
moment after the answer (in batches, off the reply's path).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("question_log") as batch:
        batch.add_column(sa.Column("ref", sa.String(16), nullable=True))
        batch.create_index("ix_question_log_ref", ["ref"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("question_log") as batch:
        batch.drop_index("ix_question_log_ref")
        batch.drop_column("ref")
