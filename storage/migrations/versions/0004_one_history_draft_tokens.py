"""One line of history again (0003r and 0003b merged); drafts carry the token their buttons
show, so every guided chat can tell its own buttons from older ones.

Revision ID: 0004
Revises: 0003r, 0003b
"""

import json
import secrets

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = ("0003r", "0003b")
branch_labels = None
depends_on = None

drafts = sa.table(
    "conversation_draft",
    sa.column("flow", sa.String),
    sa.column("telegram_id", sa.BigInteger),
    sa.column("data", sa.Text),
    sa.column("token", sa.String),
)


def upgrade() -> None:
    with op.batch_alter_table("conversation_draft") as batch:
        batch.add_column(sa.Column("token", sa.String(16), nullable=False, server_default=""))
    connection = op.get_bind()
    # Drafts open at the upgrade keep going: a broadcast draft already had a token; the others
    # get a new one (their old buttons then answer "expired", and the next step shows new ones).
    # The short-lived /scheduled and /campaigns prompts of the old mechanism are dropped.
    op.execute(drafts.delete().where(drafts.c.flow == "prompt"))
    for flow, telegram_id, data in connection.execute(
        sa.select(drafts.c.flow, drafts.c.telegram_id, drafts.c.data)
    ):
        try:
            token = str(json.loads(data).get("token") or "")
        except (ValueError, AttributeError):
            token = ""
        connection.execute(
            drafts.update()
            .where(drafts.c.flow == flow, drafts.c.telegram_id == telegram_id)
            .values(token=token[:16] or secrets.token_hex(4))
        )


def downgrade() -> None:
    with op.batch_alter_table("conversation_draft") as batch:
        batch.drop_column("token")
