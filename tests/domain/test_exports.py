"""Exports: XLSX and CSV read back, formula neutralisation, phone numbers only when asked."""

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from content.loader import Library
from documents.tables import neutralise
from domain.exports import Labels, export_hours, export_labels, export_reports
from storage.db import Database
from storage.stats import Period
from tests.reporting import add_report, add_volunteer

PERIOD = Period(date(2026, 11, 1), date(2026, 11, 30))
EVIL = ['=HYPERLINK("http://x","点我")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def labels(library: Library) -> Labels:
    return export_labels(library, ZoneInfo("Asia/Shanghai"))


@pytest.mark.parametrize("value", EVIL)
def test_formula_triggers_get_a_quote(value: str) -> None:
    assert neutralise(value) == "'" + value


@given(st.text())
def test_neutralised_text_never_starts_a_formula(value: str) -> None:
    safe = neutralise(value)
    assert not safe.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert safe.removeprefix("'") == value or safe == value


async def _seed(db: Database) -> None:
    await add_volunteer(db, 1, name="=cmd|' /C calc'!A0", phone="13800138000")
    await add_report(
        db, 1, place=EVIL[0], summary=EVIL[1], topics=("constitution", "fraud"),
        activity_date=date(2026, 11, 5),
    )  # fmt: skip
    await add_report(db, 1, summary="普通的简介\x01带控制字符", activity_date=date(2026, 11, 6))
    await add_report(db, 1, activity_date=date(2026, 12, 1))  # outside the period


async def test_xlsx_export_reads_back_as_plain_text_with_phones(
    db: Database, library: Library
) -> None:
    await _seed(db)
    async with db.session() as session:
        data = (
            await export_reports(
                session=session, period=PERIOD, fmt="xlsx", labels=labels(library), with_phone=True
            )
        ).data
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    assert sheet.title == "活动报告"
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = rows[0]
    assert header[:5] == ["报告编号", "志愿者", "电话", "乡镇/街道", "活动类型"]
    assert len(rows) == 3
    first = dict(zip(header, rows[1], strict=True))
    # XLSX text cells are text, never formulas: shown exactly as written, no quote added.
    assert first["志愿者"] == "=cmd|' /C calc'!A0"
    assert first["地点"] == EVIL[0]
    assert first["活动简介"] == "+1+1"
    assert {cell.data_type for row in sheet.iter_rows() for cell in row} <= {"s", "n", "d"}
    assert first["电话"] == "13800138000"
    assert first["活动类型"] == "宪法宣传"
    assert first["主题"] == "宪法与国家宪法日、反诈与个人信息保护"
    assert first["受众人数"] == 120 and first["服务时长（小时）"] == 2
    assert first["照片数"] == 2
    day = first["活动日期"]
    assert isinstance(day, datetime) and day.date() == date(2026, 11, 5)
    assert dict(zip(header, rows[2], strict=True))["活动简介"] == "普通的简介带控制字符"


async def test_csv_export_without_phones(db: Database, library: Library) -> None:
    await _seed(db)
    async with db.session() as session:
        data = (
            await export_reports(
                session=session, period=PERIOD, fmt="csv", labels=labels(library), with_phone=False
            )
        ).data
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert "电话" not in rows[0] and "13800138000" not in data.decode("utf-8-sig")
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["活动简介"] == "'+1+1" and first["活动日期"] == "2026-11-05"
    assert first["服务时长（小时）"] == "2" and first["资料份数"] == "300"
    assert len(rows) == 3


async def test_hours_export(db: Database, library: Library) -> None:
    await _seed(db)
    await add_volunteer(db, 2, name="李四", phone="", town="")  # invited for any town
    await add_report(db, 2, hours=5, activity_date=date(2026, 11, 7))
    async with db.session() as session:
        data = (
            await export_hours(
                session=session, period=PERIOD, fmt="xlsx", labels=labels(library), with_phone=True
            )
        ).data
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:3] == ["志愿者", "电话", "乡镇/街道"]
    assert [(r[0], r[6]) for r in rows[1:]] == [("李四", 5), ("=cmd|' /C calc'!A0", 4)]
    assert [r[2] for r in rows[1:]] == [library.ui.unknown_town, "示例县城关镇"]
