"""`pufa export reports|hours|tickets` writes the same spreadsheets without Telegram."""

import asyncio
import csv
import io
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest

from bot.cli import main
from storage.attribution import create_event, record_touch
from storage.db import Database
from storage.models import CloseReason, VoteKind
from storage.tickets import NewTicket, add_entry, close, open_ticket, rate
from storage.votes import Ballot, cast_vote
from tests.clock import local
from tests.conftest import sqlite_url
from tests.reporting import add_report, add_volunteer


async def _seed(url: str) -> None:
    db = Database(url)
    await db.upgrade()
    await add_volunteer(db, 1, name="张三")
    await add_report(db, 1, activity_date=date(2026, 11, 5), summary="=1+1 不是公式")
    await db.dispose()


def test_cli_exports_reports_and_hours(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    asyncio.run(_seed(sqlite_url(tmp_path)))
    monkeypatch.setenv("PUFA_DATABASE_URL", sqlite_url(tmp_path))
    monkeypatch.chdir(tmp_path)
    common = ["--from", "2026-11-01", "--to", "2026-11-30"]
    assert main(["export", "reports", *common, "--format", "csv", "-o", "r.csv"]) == 0
    rows = list(csv.reader(io.StringIO((tmp_path / "r.csv").read_text("utf-8-sig"))))
    assert rows[1][1] == "张三" and "'=1+1 不是公式" in rows[1]
    assert main(["export", "hours", *common, "--no-phone"]) == 0
    sheet = openpyxl.load_workbook(tmp_path / "hours_2026-11-01_2026-11-30.xlsx").active
    assert sheet is not None
    header, row = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert "电话" not in header and row[0] == "张三"
    assert main(["export", "reports", "--from", "2026-12-01", "--to", "2026-11-01"]) == 2
    with pytest.raises(SystemExit):
        main(["export", "reports", "--from", "12/01", "--to", "2026-11-01"])


async def _seed_tickets(url: str) -> None:
    db = Database(url)
    await db.upgrade()
    december = local(2026, 12, 1, 0, 30)
    # a: answered, ended, rated; b: open; c: ended unanswered, phoned; d: ended unanswered
    # with no reason kept (as before migration 0016)
    for key, opened in (("a", local(2026, 11, 5, 10)), ("b", december), ("c", december),
                        ("d", december)):  # fmt: skip
        async with db.session() as session:
            ticket, _ = await open_ticket(
                session=session,
                new=NewTicket(
                    key, 7, "chengguan-judicial-office", "civil_code", "示例县城关镇", "秘密",
                    "13912345678", opened, opened + timedelta(hours=24),
                    opened + timedelta(hours=48),
                ),
            )  # fmt: skip
            if key == "a":
                await add_entry(
                    session=session, ticket_id=ticket.id, author="desk", text="答复",
                    now=opened + timedelta(hours=3),
                )  # fmt: skip
                await close(session=session, ticket_id=ticket.id, now=opened)
                await rate(session=session, ticket_id=ticket.id, resident_id=7, rating=3)
            if key in ("c", "d"):
                reason = CloseReason.PHONED if key == "c" else None
                await close(session=session, ticket_id=ticket.id, now=opened, reason=reason)
    await db.dispose()


def test_cli_exports_ticket_figures_by_desk_and_local_month(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asyncio.run(_seed_tickets(sqlite_url(tmp_path)))
    monkeypatch.setenv("PUFA_DATABASE_URL", sqlite_url(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert main(["export", "tickets", "--from", "2026-11-01", "--to", "2026-12-31"]) == 0
    sheet = openpyxl.load_workbook(tmp_path / "tickets_2026-11-01_2026-12-31.xlsx").active
    assert sheet is not None and sheet.title == "留言统计"  # every sheet is named in Chinese
    header, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert header[:3] == ["值班台", "月份（留言时间）", "收到留言（转办的算最先收到的值班台）"]
    desk = "示例县城关镇司法所（示例）"
    # 00:30 on 1 December in Shanghai is still 30 November in UTC: it counts for December.
    assert header[8:] == [
        "未答复就结束：已电话联系（算结束时的值班台）", "未答复就结束：重复留言（同上）",
        "未答复就结束：无需答复（同上）", "未答复就结束：居民删除了留言（同上）",
        "未答复就结束：原因未记录（较早结束的，同上）",
    ]  # fmt: skip
    assert rows == [
        [desk, "2026-11", 1, 1, 1, 1, 1, 3, 0, 0, 0, 0, 0],
        [desk, "2026-12", 3, 0, 0, 0, 0, None, 1, 0, 0, 0, 1],
    ]
    assert "秘密" not in str(rows) and "13912345678" not in str(rows)


async def _seed_votes_and_reach(url: str) -> None:
    db = Database(url)
    await db.upgrade()
    await add_volunteer(db, 1, name="张三")
    at = local(2026, 11, 5, 10)
    async with db.session() as session:
        for voter, town, satisfied in ((11, "示例县东山镇", True), (12, "示例县东山镇", False)):
            ballot = Ballot(voter, f"c-unpaid-wages-{voter}", VoteKind.ANSWER, "unpaid-wages",
                            town, satisfied)  # fmt: skip
            await cast_vote(session=session, ballot=ballot, now=at)
        event = await create_event(
            session=session, title="东山村普法讲座", volunteer_id=1, town="示例县东山镇",
            event_date=date(2026, 11, 5), now=at,
        )  # fmt: skip
        for resident in (21, 22, 23):
            await record_touch(session=session, event=event, resident_id=resident, now=at)
    await db.dispose()


def test_cli_exports_satisfaction_and_reach(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asyncio.run(_seed_votes_and_reach(sqlite_url(tmp_path)))
    monkeypatch.setenv("PUFA_DATABASE_URL", sqlite_url(tmp_path))
    monkeypatch.chdir(tmp_path)
    common = ["--from", "2026-11-01", "--to", "2026-11-30", "--format", "csv"]
    assert main(["export", "satisfaction", *common, "-o", "s.csv"]) == 0
    votes = list(csv.reader(io.StringIO((tmp_path / "s.csv").read_text("utf-8-sig"))))
    assert ["乡镇", "示例县东山镇", "2", "1", "1", "0.5"] in votes
    assert ["卡片", "老板拖欠工资怎么办？", "2", "1", "1", "0.5"] in votes
    assert main(["export", "reach", *common, "-o", "r.csv"]) == 0
    reach = list(csv.reader(io.StringIO((tmp_path / "r.csv").read_text("utf-8-sig"))))
    assert reach[1][:6] == ["东山村普法讲座", "活动", "示例县东山镇", "张三", "2026-11-05", "3"]


@pytest.mark.parametrize(
    ("kind", "what"),
    [
        ("reports", "活动报告"),
        ("hours", "志愿服务时长"),
        ("satisfaction", "满意度评价"),
        ("reach", "扫二维码来的居民"),
        ("tickets", "给工作人员的留言"),
    ],
)
def test_an_empty_period_prints_one_line_and_writes_no_file(
    kind: str,
    what: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Like grep finding nothing: one line on stderr, exit status 1, no file of headers only
    (the report of November is outside December)."""
    asyncio.run(_seed(sqlite_url(tmp_path)))
    monkeypatch.setenv("PUFA_DATABASE_URL", sqlite_url(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert main(["export", kind, "--from", "2026-12-01", "--to", "2026-12-31", "-o", "x.csv"]) == 1
    out, err = capsys.readouterr()
    said = f"2026-12-01 至 2026-12-31 没有记录到{what}，没有生成文件。"
    assert out == "" and err == f"{said}换个时间段试试（--from、--to）。\n"
    assert not (tmp_path / "x.csv").exists()


def test_an_empty_year_of_evidence_prints_one_line_and_writes_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(_seed(sqlite_url(tmp_path)))
    monkeypatch.setenv("PUFA_DATABASE_URL", sqlite_url(tmp_path))
    monkeypatch.chdir(tmp_path)
    assert main(["export", "evidence", "--year", "2025"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("2025 年没有记录到任何考核材料") and err.count("\n") == 1
    assert not (tmp_path / "evidence_2025.xlsx").exists()
    assert main(["export", "evidence", "--year", "2026"]) == 0  # the November report
    assert (tmp_path / "evidence_2026.xlsx").exists()
