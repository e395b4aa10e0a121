"""Whether the desk a resident agreed to give their phone number to was told so (the note 📞
… that a redraw sends once it shows the number, `ticket_consent.desk_told`): claimed before
the note goes, so a redraw drawn again after a newer one, a second process or a restart
never tells the desk twice. Consents from before were told (or came with the ticket), except
those of the desk a ticket is at whose messages are still out of date (migration 0028): their
redraw, which tells it, has not gone through.

Revision ID: 0030
Revises: 0029
"""

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None

CONSENT = sa.table(
    "ticket_consent",
    sa.column("ticket_id", sa.Integer()),
    sa.column("desk_id", sa.String()),
    sa.column("desk_told", sa.Boolean()),
)
TICKET = sa.table(
    "ticket",
    sa.column("id", sa.Integer()),
    sa.column("desk_id", sa.String()),
    sa.column("desk_redraw", sa.Integer()),
)


def upgrade() -> None:
    # recreate="never": SQLite adds the column in place.
    with op.batch_alter_table("ticket_consent", recreate="never") as batch:
        batch.add_column(
            sa.Column("desk_told", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    not_drawn = (
        sa.select(TICKET.c.id)
        .where(
            TICKET.c.id == CONSENT.c.ticket_id,
            TICKET.c.desk_id == CONSENT.c.desk_id,
            TICKET.c.desk_redraw > 0,
        )
        .exists()
    )
    op.execute(CONSENT.update().where(~not_drawn).values(desk_told=True))


def downgrade() -> None:
    # recreate="never": SQLite drops the column in place.
    with op.batch_alter_table("ticket_consent", recreate="never") as batch:
        batch.drop_column("desk_told")
