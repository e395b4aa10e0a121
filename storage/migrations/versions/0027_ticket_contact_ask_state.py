"""Where the desk's one question for the resident's phone number stands: whether the move
notice asked it (a 不用 to that lets the desk ask once itself), and whether it is still being
sent (recorded before it goes; one still so at a start never went, and is forgotten). Asks
from before were 📱 请居民给电话's, and went.

Revision ID: 0027
Revises: 0026
"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # recreate="never": SQLite adds the columns in place (a rebuilt `ticket` would cascade:
    # dropping it deletes the consents, entries and messages of every ticket).
    with op.batch_alter_table("ticket", recreate="never") as batch:
        batch.add_column(
            sa.Column(
                "contact_asked_on_move", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch.add_column(
            sa.Column(
                "contact_ask_sending", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )


def downgrade() -> None:
    # recreate="never": SQLite drops the columns in place (a rebuilt `ticket` would cascade).
    with op.batch_alter_table("ticket", recreate="never") as batch:
        batch.drop_column("contact_ask_sending")
        batch.drop_column("contact_asked_on_move")
