"""A ticket's stays at desks are numbered (`stay`: how often it moved), so the move notice's
不用 names the stay it was asked in and an older one frees nothing; and the desk's messages of
a ticket can be marked out of date (`desk_redraw`) with the change that needs them drawn
again, until a redraw went through. Tickets from before are in stay 0, drawn.

Revision ID: 0028
Revises: 0027
"""

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # recreate="never": SQLite adds the columns in place (a rebuilt `ticket` would cascade:
    # dropping it deletes the consents, entries and messages of every ticket).
    with op.batch_alter_table("ticket", recreate="never") as batch:
        batch.add_column(sa.Column("stay", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(
            sa.Column("desk_redraw", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    # recreate="never": SQLite drops the columns in place (a rebuilt `ticket` would cascade).
    with op.batch_alter_table("ticket", recreate="never") as batch:
        batch.drop_column("desk_redraw")
        batch.drop_column("stay")
