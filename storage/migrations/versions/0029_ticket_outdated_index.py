"""The tickets whose desks' messages are out of date (`desk_redraw` > 0, migration 0028) are
looked for at start-up and at every periodic ticket check: a partial index of their ids, on
PostgreSQL and SQLite alike, finds the few of them in order without reading every ticket.

Revision ID: 0029
Revises: 0028
"""

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None

# As storage.models.TICKET_OUTDATED writes it (a constant, so a generic plan can use it).
OUTDATED = sa.text("desk_redraw > 0")


def upgrade() -> None:
    op.create_index(
        "ix_ticket_desk_redraw",
        "ticket",
        ["id"],
        postgresql_where=OUTDATED,
        sqlite_where=OUTDATED,
    )


def downgrade() -> None:
    op.drop_index("ix_ticket_desk_redraw", "ticket")
