"""A ticket's phone number goes to each desk the resident agreed to give it to: one row per
ticket and desk in `ticket_consent` (after 转办 the resident can agree for the new desk with
one tap). Until now it went to the desk the ticket was first sent to, the one named when they
shared it: a ticket from before with a number gets that desk (its present desk if it is from
before 0015 and has no first desk, as the code took it), agreed when the ticket was created.

Revision ID: 0023
Revises: 0022
"""

import sqlalchemy as sa
from alembic import op

from storage.models import UtcDateTime

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ticket_consent",
        sa.Column(
            "ticket_id",
            sa.Integer(),
            sa.ForeignKey("ticket.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("desk_id", sa.String(40), primary_key=True),
        sa.Column("agreed_at", UtcDateTime(), nullable=False),
    )
    op.execute(
        "INSERT INTO ticket_consent (ticket_id, desk_id, agreed_at) "
        "SELECT id, COALESCE(first_desk_id, desk_id), created_at FROM ticket WHERE contact <> ''"
    )


def downgrade() -> None:
    # The first desk stays the one the number goes to (agreements for others are lost).
    op.drop_table("ticket_consent")
