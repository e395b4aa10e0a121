"""转办 keeps who did what: a ticket records the desk it was first sent to and the desk that
gave its first answer (the export counts a message as opened at the first and answered at the
second), a desk's answer records its desk (the history a new desk sees names who answered),
and the bot's messages in a desk's chat record whether they carry the staff's buttons (those
are the copies edited when the ticket is taken or moved). Tickets from before this get their
present desk as both (the best there is); their messages count as without buttons.

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ticket") as batch:
        batch.add_column(sa.Column("first_desk_id", sa.String(40), nullable=True))
        batch.add_column(sa.Column("answered_desk_id", sa.String(40), nullable=True))
    with op.batch_alter_table("ticket_entry") as batch:
        batch.add_column(sa.Column("desk_id", sa.String(40), nullable=True))
    with op.batch_alter_table("ticket_message") as batch:
        batch.add_column(
            sa.Column("staff_buttons", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.execute("UPDATE ticket SET first_desk_id = desk_id")
    op.execute("UPDATE ticket SET answered_desk_id = desk_id WHERE answered_at IS NOT NULL")
    op.execute(
        "UPDATE ticket_entry SET desk_id = "
        "(SELECT ticket.desk_id FROM ticket WHERE ticket.id = ticket_entry.ticket_id) "
        "WHERE author = 'desk'"
    )


def downgrade() -> None:
    # recreate="never": SQLite drops the columns in place (a rebuilt `ticket` would cascade).
    with op.batch_alter_table("ticket_message", recreate="never") as batch:
        batch.drop_column("staff_buttons")
    with op.batch_alter_table("ticket_entry", recreate="never") as batch:
        batch.drop_column("desk_id")
    with op.batch_alter_table("ticket", recreate="never") as batch:
        batch.drop_column("answered_desk_id")
        batch.drop_column("first_desk_id")
