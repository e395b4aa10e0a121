"""A ticket keeps the desk it came from at its last 转办, so every redraw of its message at the
new desk (once the resident agrees to give the number, once it ends, 查看) still says
"↪️ 由 X 转来"; and when the desk it is at asked the resident for the phone number
(📱 请居民给电话, once per stay at a desk: a move clears it). Tickets from before have neither:
the desk they came from was not kept, and none was asked.

Revision ID: 0025
Revises: 0024
"""

import sqlalchemy as sa
from alembic import op

from storage.models import UtcDateTime

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ticket") as batch:
        batch.add_column(sa.Column("moved_from_desk_id", sa.String(40), nullable=True))
        batch.add_column(sa.Column("contact_asked_at", UtcDateTime(), nullable=True))


def downgrade() -> None:
    # recreate="never": SQLite drops the columns in place (a rebuilt `ticket` would cascade).
    with op.batch_alter_table("ticket", recreate="never") as batch:
        batch.drop_column("contact_asked_at")
        batch.drop_column("moved_from_desk_id")
