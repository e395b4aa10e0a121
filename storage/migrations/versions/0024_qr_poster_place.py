"""A QR code keeps its poster's place line (`/qr 标题｜地点`), so the poster drawn again prints
it too. Codes made before have none (it was not kept).

Revision ID: 0024
Revises: 0023
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("qr_event") as batch:
        batch.add_column(sa.Column("place", sa.String(100), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("qr_event") as batch:
        batch.drop_column("place")
