"""The 普法 quiz: contests, group rounds, attempts and their answers.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

from storage.models import UtcDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "quiz_contest",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("campaign_id", sa.String(64), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("opens_at", UtcDateTime(), nullable=False),
        sa.Column("closes_at", UtcDateTime(), nullable=False, index=True),
        sa.Column("seconds", sa.Integer(), nullable=False),
        sa.Column("question_ids", sa.Text(), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("announced_at", UtcDateTime(), nullable=True),
    )
    op.create_table(
        "quiz_round",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "contest_id",
            sa.Integer(),
            sa.ForeignKey("quiz_contest.id", ondelete="CASCADE"),
            index=True,
        ),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("town", sa.String(100), nullable=False),
        sa.Column("started_by", sa.BigInteger(), nullable=True),
        sa.Column("token", sa.String(16), nullable=False),
        sa.Column("question_ids", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("asked_at", UtcDateTime(), nullable=False),
        sa.Column("finished_at", UtcDateTime(), nullable=True),
    )
    op.create_table(
        "quiz_attempt",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "contest_id",
            sa.Integer(),
            sa.ForeignKey("quiz_contest.id", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column(
            "round_id",
            sa.Integer(),
            sa.ForeignKey("quiz_round.id", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column("telegram_id", sa.BigInteger(), nullable=False, index=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("first_name", sa.String(64), nullable=False),
        sa.Column("town", sa.String(100), nullable=False),
        sa.Column("token", sa.String(16), nullable=False),
        sa.Column("question_ids", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("asked_at", UtcDateTime(), nullable=True),
        sa.Column("picked", sa.String(32), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("total_ms", sa.Integer(), nullable=False),
        sa.Column("started_at", UtcDateTime(), nullable=False),
        sa.Column("finished_at", UtcDateTime(), nullable=True),
        sa.UniqueConstraint("contest_id", "telegram_id"),
        sa.Index("ix_quiz_attempt_board", "contest_id", "score", "total_ms"),
    )
    op.create_table(
        "quiz_answer",
        sa.Column(
            "attempt_id",
            sa.Integer(),
            sa.ForeignKey("quiz_attempt.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("position", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("question_id", sa.String(64), nullable=False),
        sa.Column("chosen", sa.String(32), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("elapsed_ms", sa.Integer(), nullable=False),
        sa.Column("answered_at", UtcDateTime(), nullable=False),
    )


def downgrade() -> None:
    for table in ("quiz_answer", "quiz_attempt", "quiz_round", "quiz_contest"):
        op.drop_table(table)
