"""The message showing an attempt's current question (`quiz_attempt.message_id`), so a
contest's close takes the buttons off the questions of the attempts it cuts off. Attempts from
before have none: their buttons stay, and a press on one says the contest has closed.

Revision ID: 0031
Revises: 0030
"""

import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # recreate="never": SQLite adds the column in place.
    with op.batch_alter_table("quiz_attempt", recreate="never") as batch:
        batch.add_column(sa.Column("message_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    # recreate="never": SQLite drops the column in place.
    with op.batch_alter_table("quiz_attempt", recreate="never") as batch:
        batch.drop_column("message_id")
