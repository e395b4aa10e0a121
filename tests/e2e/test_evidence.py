"""The 考核 evidence pack: `/export 考核 2026` and `pufa export evidence --year 2026` write one
workbook whose figures match the database (a sheet per indicator, QR reach, satisfaction,
quiz participation, a summary), text that looks like a formula stays text."""

import asyncio
import io
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest

from bot.cli import main
from domain.evidence import serves
from storage.attribution import create_event, record_touch
from storage.db import Database
from storage.evidence import activities
from storage.models import QuizAnswer, QuizAttempt, VoteKind
from storage.stats import Period
from storage.votes import Ballot, cast_vote
from tests.conftest import sqlite_url
from tests.e2e.conftest import ADMIN_ID, Harness
from tests.reporting import add_report, add_volunteer

FORMULA = '=HYPERLINK("http://x","点我")'
AT = datetime(2026, 5, 1, 2, 0, tzinfo=UTC)


async def seed(db: Database) -> None:
    await add_volunteer(db, 3001, name="张三")
    await add_volunteer(db, 3002, name="李四", town="示例县东山镇")
    await add_report(db, 3001, place=FORMULA)  # constitution, 2026-11-18, 120 people, 2 h
    await add_report(
        db, 3002, activity_type="youth", activity_date=date(2026, 6, 26), audience=300, hours=3.0
    )
    await add_report(  # counts for 宪法 through its campaign, not its type
        db,
        3002,
        activity_type="other",
        activity_date=date(2026, 12, 4),
        topics=("constitution-day",),
        audience=50,
        hours=1.0,
        photo_file_ids=(),
    )
    await add_report(db, 3001, activity_date=date(2025, 12, 4), audience=999)  # another year
    async with db.session() as session:
        event = await create_event(
            session=session,
            title="东山村普法讲座",
            volunteer_id=3001,
            town="示例县城关镇",
            event_date=date(2026, 5, 1),
            now=AT,
        )
        for resident in (3101, 3102):
            await record_touch(session=session, event=event, resident_id=resident, now=AT)
        for voter, up in ((3101, True), (3102, False), (3103, True)):
            ballot = Ballot(voter, f"c-{voter}", VoteKind.ANSWER, "unpaid-wages", "", up)
            await cast_vote(session=session, ballot=ballot, now=AT)
        for person, town, right in ((3101, "示例县城关镇", 2), (3102, "示例县东山镇", 1)):
            attempt = QuizAttempt(
                telegram_id=person,
                chat_id=person,
                town=town,
                token="t",
                question_ids="q1,q2",
                started_at=AT,
            )
            session.add(attempt)
            await session.flush()
            for position in range(2):
                session.add(
                    QuizAnswer(
                        attempt_id=attempt.id or 0,
                        position=position,
                        question_id=f"q{position}",
                        correct=position < right,
                        answered_at=AT,
                    )
                )


def figures(data: bytes) -> dict[str, list[list[object]]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book}


async def test_evidence_workbook_matches_the_database(bot_with_admins: Harness) -> None:
    bot = bot_with_admins
    library, db = bot.services.library, bot.services.db
    await seed(db)
    admin = bot.api.user(ADMIN_ID)
    bot.api.send_command(admin, "/export 考核 2026")
    [document] = await bot.api.wait_for_messages(admin.id)
    assert document.kind == "document" and document.file is not None
    sheets = figures(document.file)
    labels = bot.ui.engagement.evidence
    names = [i.name for i in library.indicators]
    assert list(sheets) == [
        labels["summary_sheet"],
        *names,
        labels["reach_sheet"],
        labels["satisfaction_sheet"],
        labels["quiz_sheet"],
    ]
    async with db.session() as session:
        year = await activities(
            session=session, period=Period(date(2026, 1, 1), date(2026, 12, 31))
        )
    assert len(year) == 3
    summary = {row[0]: row for row in sheets[labels["summary_sheet"]] if row and row[0]}
    for indicator in library.indicators:
        serving = [line for line in year if serves(indicator, line)]
        expected = [
            len(serving),
            sum(line.audience for line in serving),
            sum(line.hours for line in serving),
            len({line.volunteer_id for line in serving}),
        ]
        assert summary[indicator.name][2:6] == expected, indicator.id
        rows = sheets[indicator.name]
        if serving:
            total = next(r for r in rows if r[0] == labels["total"])
            assert total[4:7] == expected[1:]
            assert len([r for r in rows if isinstance(r[0], datetime)]) == len(serving)
        else:
            assert rows[-1][0] == labels["none"]
    constitution = sheets["宪法学习宣传"]
    assert summary["宪法学习宣传"][2:6] == [2, 170, 3, 2]
    assert next(r for r in constitution if r[2] == FORMULA)[2:7:4] == [FORMULA, "张三"]
    assert any("报告#" in str(r[7]) and "2张" in str(r[7]) for r in constitution[4:])
    assert summary[labels["all_activities"]][2:6] == [3, 470, 6, 2]
    assert summary[labels["qr_residents"]][1] == 2
    assert summary[labels["votes"]][1] == 3
    assert summary[labels["satisfied_share"]][1] == pytest.approx(2 / 3, abs=1e-4)
    assert summary[labels["quiz_participants"]][1] == 2
    assert summary[labels["quiz_answers"]][1] == 4
    assert summary[labels["quiz_correct_share"]][1] == 0.75
    [_header, lecture] = sheets[labels["reach_sheet"]]
    assert lecture[0] == "东山村普法讲座" and lecture[5] == 2
    quiz = {row[0]: row for row in sheets[labels["quiz_sheet"]][1:]}
    assert quiz["示例县城关镇"][1:] == [1, 1, 2, 1]
    # The formula-like place is a text cell, nowhere a formula.
    book = openpyxl.load_workbook(io.BytesIO(document.file))
    cells = [c for ws in book for row in ws.iter_rows() for c in row if c.value is not None]
    assert {c.data_type for c in cells} <= {"s", "n", "d"}
    bot.api.send_command(admin, "/export 考核 20x6")
    [usage] = await bot.api.wait_for_messages(admin.id)
    assert usage.source_text == bot.ui.engagement.evidence_usage


async def test_residents_and_volunteers_cannot_export_evidence(bot_with_admins: Harness) -> None:
    bot = bot_with_admins
    refused = await bot.ask(bot.api.user(3201), "/export 考核")
    assert refused.content == bot.ui.not_allowed


def test_cli_writes_the_same_workbook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    async def prepare() -> None:
        db = Database(sqlite_url(tmp_path))
        await db.upgrade()
        await seed(db)
        await db.dispose()

    asyncio.run(prepare())
    monkeypatch.setenv("PUFA_DATABASE_URL", sqlite_url(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert main(["export", "evidence", "--year", "2026"]) == 0
    sheets = figures((tmp_path / "evidence_2026.xlsx").read_bytes())
    summary = {row[0]: row for row in sheets["汇总"] if row and row[0]}
    assert summary["宪法学习宣传"][2:6] == [2, 170, 3, 2]
    with pytest.raises(SystemExit):
        main(["export", "evidence", "--year", "20x6"])
