"""Migration 0017 on questions logged before it, on SQLite and PostgreSQL: their ID-card and
phone numbers are masked as a new question's are, and a coordinator's decision keyed by such
a question follows it (one decision where two questions differed only by the number)."""

from pathlib import Path

import pytest
import sqlalchemy as sa

from content.analyzer import question_key
from tests.clock import QUIET as NOW
from tests.conftest import BACKENDS
from tests.processes import migrated

QUESTIONS = sa.table(
    "question_log", *(sa.column(name) for name in ("id", "chat_type", "source", "text"))
)
GAPS = sa.table("content_gap", sa.column("question"), sa.column("decision"))
ASKED = {
    1: ("我的身份证号320102198001011234被人冒用了", "我的身份证号******************被人冒用了"),
    2: ("手机13911112222收到诈骗短信", "手机***********收到诈骗短信"),
    3: ("欠我3000元不还怎么办", "欠我3000元不还怎么办"),
}
DECIDED = [
    question_key("身份证320102198001011234丢了"),
    question_key("身份证110101195001011234丢了"),  # the same question, another number
    question_key("工资不给怎么办"),
]


@pytest.mark.parametrize("backend", BACKENDS)
async def test_logged_questions_and_their_decisions_are_masked(
    tmp_path: Path, backend: str
) -> None:
    async with migrated(backend, tmp_path, "0016") as db:
        async with db.engine.begin() as connection:
            await connection.execute(
                sa.text(
                    "INSERT INTO question_log (id, chat_type, source, text, score, matched, "
                    "ambiguous, asked_at) VALUES (:id, 'private', 'text', :text, 0, false, "
                    "false, :at)"
                ),
                [{"id": n, "text": before, "at": NOW} for n, (before, _) in ASKED.items()],
            )
            await connection.execute(
                sa.text(
                    "INSERT INTO content_gap (question, decision, decided_at) "
                    "VALUES (:question, 'ignored', :at)"
                ),
                [{"question": key, "at": NOW} for key in DECIDED],
            )
        await db.upgrade()
        async with db.engine.connect() as connection:
            texts: dict[int, str] = dict(
                (await connection.execute(sa.text("SELECT id, text FROM question_log"))).all()
            )
            keys = set(
                (await connection.execute(sa.text("SELECT question FROM content_gap")))
                .scalars()
                .all()
            )
    assert texts == {number: after for number, (_, after) in ASKED.items()}
    assert keys == {"身份证******************丢了", "工资不给怎么办"}
