"""A coordinator's decision about an unanswered question records what it wrote into the content
(the labelled question, the sample question, or the synonym), so that the dashboard can undo
it exactly. Decisions made before this have nothing recorded: undoing one puts the question
back on the list and leaves the content as it is. And a logged question records the card its
asker then chose from the cards offered (a suggestion under the fallback, or one of several
close cards), which the content-gaps page shows as the resident's own answer.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("content_gap") as batch:
        batch.add_column(sa.Column("added", sa.Text(), nullable=True))
    with op.batch_alter_table("question_log") as batch:
        batch.add_column(sa.Column("chosen_card_id", sa.String(64), nullable=True))
    op.create_index("ix_question_log_chosen_card_id", "question_log", ["chosen_card_id"])


def downgrade() -> None:
    op.drop_index("ix_question_log_chosen_card_id", "question_log")
    with op.batch_alter_table("question_log", recreate="never") as batch:
        batch.drop_column("chosen_card_id")
    with op.batch_alter_table("content_gap", recreate="never") as batch:
        batch.drop_column("added")
