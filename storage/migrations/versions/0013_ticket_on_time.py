"""A resident's follow-up reopens an answered ticket with new deadlines. Whether its first answer
came on time is now fixed when it is given, so the export's 按时答复 still judges it by the
deadline it had then (tickets answered before this are judged by the deadline they have now,
the best there is); and since when the resident has waited is kept, so a reminder after the
reopening counts from the follow-up, not from the first message. The bot's messages about an
erased ticket in the desks' chats record when they were withdrawn: those without are still to
be, including those of tickets erased before this migration.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

from storage.models import UtcDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ticket") as batch:
        batch.add_column(sa.Column("answered_on_time", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("waiting_since", UtcDateTime(), nullable=True))
    with op.batch_alter_table("ticket_message") as batch:
        batch.add_column(sa.Column("withdrawn_at", UtcDateTime(), nullable=True))
    op.execute(
        "UPDATE ticket SET answered_on_time = (answered_at <= due_at) "
        "WHERE answered_at IS NOT NULL"
    )


def downgrade() -> None:
    # recreate="never": SQLite drops the columns in place. Rebuilding `ticket` would drop the
    # old table, and with foreign keys on that cascades to every ticket's exchange.
    with op.batch_alter_table("ticket_message", recreate="never") as batch:
        batch.drop_column("withdrawn_at")
    with op.batch_alter_table("ticket", recreate="never") as batch:
        batch.drop_column("waiting_since")
        batch.drop_column("answered_on_time")
