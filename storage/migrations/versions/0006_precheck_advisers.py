"""Anonymous legal-aid pre-check outcomes, and the village legal advisers.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "aid_precheck",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("day", sa.Date(), nullable=False, index=True),
        sa.Column("rule", sa.String(40), nullable=False),
        sa.Column("result", sa.String(16), nullable=False),
    )
    op.create_table(
        "village_adviser",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("town", sa.String(100), nullable=False, index=True),
        sa.Column("village", sa.String(100), nullable=False),
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("office", sa.String(100), nullable=False),
        sa.Column("duty", sa.String(200), nullable=False),
        sa.Column("contact", sa.String(100), nullable=False),
        sa.Column("sample", sa.Boolean(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("village_adviser")
    op.drop_table("aid_precheck")
