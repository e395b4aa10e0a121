"""The 考核 evidence pack: `/export 考核 2026` and `pufa export evidence --year 2026` write one
workbook whose figures match the database (a sheet per indicator, QR reach, satisfaction,
quiz participation, a summary), text that looks like a formula stays text."""

import asyncio
import io
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from bot.cli import main
from domain.evidence import serves
from storage.db import Database
from storage.evidence import activities
from storage.models import ReviewState
from storage.report_review import Decided, decide
from storage.stats import Period
from tests.conftest import sqlite_url
from tests.e2e.conftest import ADMIN_ID, Harness
from tests.evidence_data import FORMULA, figures, seed


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
    assert summary[labels["qr_quiz"]][1] == 4  # both residents it brought answered 2 each
    assert summary[labels["votes"]][1] == 3
    assert summary[labels["satisfied_share"]][1] == pytest.approx(2 / 3, abs=1e-4)
    assert summary[labels["quiz_participants"]][1] == 2
    assert summary[labels["quiz_answers"]][1] == 4
    assert summary[labels["quiz_correct_share"]][1] == 0.75
    [_header, lecture] = sheets[labels["reach_sheet"]]
    assert lecture[0] == "东山村普法讲座" and lecture[5] == 2 and lecture[8] == 4
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


async def test_a_coordinator_tags_a_report_for_another_indicator(bot_with_admins: Harness) -> None:
    bot = bot_with_admins
    texts, db = bot.ui.engagement, bot.services.db
    await seed(db)
    async with db.session() as session:
        lines = await activities(
            session=session, period=Period(date(2026, 1, 1), date(2026, 12, 31))
        )
    youth = next(line for line in lines if line.activity_type == "youth")
    admin = bot.api.user(ADMIN_ID)
    added = await bot.ask(admin, f"/tag {youth.id} 民法典")
    assert added.content == texts.tag_added.format(id=youth.id, name="民法典宣传")

    async def civil_code() -> list[object]:
        bot.api.send_command(admin, "/export 考核")
        [document] = await bot.api.wait_for_messages(admin.id)
        assert document.file is not None
        summary = {row[0]: row for row in figures(document.file)["汇总"] if row and row[0]}
        return list(summary["民法典宣传"][2:6])

    assert await civil_code() == [0, 0, 0, 0]  # a tag counts once the report is verified
    async with db.session() as session:
        verified = await decide(
            session=session, report_id=youth.id, verdict=ReviewState.VERIFIED,
            reviewer_id=ADMIN_ID, reviewer="协调员", now=bot.services.now(),
        )  # fmt: skip
    assert verified.outcome is Decided.DONE
    assert await civil_code() == [1, 300, 3, 1]
    removed = await bot.ask(admin, f"/tag {youth.id} 民法典宣传")
    assert removed.content == texts.tag_removed.format(id=youth.id, name="民法典宣传")
    for bad in ["/tag", "/tag 12", "/tag x 民法典", "/tag 99999999999 民法典", "/tag 1 不存在"]:
        reply = await bot.ask(admin, bad)
        assert reply.content.startswith("用法"), bad
    missing = await bot.ask(admin, "/tag 4242 民法典")
    assert missing.content == texts.tag_no_report.format(id=4242)
    volunteer = await bot.ask(bot.api.user(3001), f"/tag {youth.id} 民法典")
    assert volunteer.content == bot.ui.not_allowed
