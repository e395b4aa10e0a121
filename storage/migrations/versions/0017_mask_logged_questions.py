"""Residents' questions keep no ID-card, bank-card or phone numbers: the logged ones are masked
as new ones are (content.privacy), and so are the coordinators' decisions keyed by a
question's text, so that a question decided before stays decided. Masking cannot be undone:
going back leaves the masked text.

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

from content.privacy import mask_personal_numbers

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

QUESTIONS = sa.table("question_log", sa.column("id"), sa.column("text"))
GAPS = sa.table("content_gap", sa.column("question"))


def upgrade() -> None:
    connection = op.get_bind()
    found = connection.execute(sa.select(QUESTIONS.c.id, QUESTIONS.c.text))
    for number, text in found.all():
        masked = mask_personal_numbers(text)
        if masked != text:
            connection.execute(
                QUESTIONS.update().where(QUESTIONS.c.id == number).values(text=masked)
            )
    keys = list(connection.execute(sa.select(GAPS.c.question)).scalars())
    taken = set(keys)
    for key in keys:
        masked = mask_personal_numbers(key)
        if masked == key:
            continue
        if masked in taken:  # the same question with another number: one decision is kept
            connection.execute(GAPS.delete().where(GAPS.c.question == key))
        else:
            connection.execute(GAPS.update().where(GAPS.c.question == key).values(question=masked))
            taken.add(masked)


def downgrade() -> None:
    """The numbers are gone for good."""
