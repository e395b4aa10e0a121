"""`pufa export reports|hours` writes the same spreadsheets without Telegram."""

import asyncio
import csv
import io
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from bot.cli import main
from storage.db import Database
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
