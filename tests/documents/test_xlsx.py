"""The streaming XLSX writer: files open in openpyxl with the values, types and styles written."""

import io
import zipfile
from datetime import date, datetime

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from documents.tables import TableWriter
from documents.xlsx import XlsxWriter, column_letter, serial, sheet_name

SPECIAL = """<tag attr="x">&amp; 'quoted' & more</tag>"""


def read(data: bytes) -> Worksheet:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert isinstance(sheet, Worksheet)
    return sheet


def test_values_and_types_read_back() -> None:
    writer = XlsxWriter("reports")
    writer.add_rows([["text", "int", "float", "date", "datetime", "none", "last"]], bold=True)
    writer.add_rows(
        [
            ["普法宣传 📜", 42, 1.5, date(2026, 11, 5), datetime(2026, 11, 5, 9, 30, 15), None, 0],
            [SPECIAL, -7, 0.1, date(1900, 1, 1), datetime(1999, 12, 31, 23, 59), None, "end"],
            [" padded ", 10**15, 1e-7, date(1900, 3, 1), datetime(2026, 1, 1), "", None],
        ]
    )
    sheet = read(writer.finish())
    assert sheet.title == "reports"
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[1] == [
        "普法宣传 📜", 42, 1.5, datetime(2026, 11, 5), datetime(2026, 11, 5, 9, 30, 15), None, 0
    ]  # fmt: skip
    assert rows[2] == [
        SPECIAL, -7, 0.1, datetime(1900, 1, 1), datetime(1999, 12, 31, 23, 59), None, "end"
    ]  # fmt: skip
    assert rows[3] == [
        " padded ", 10**15, 1e-7, datetime(1900, 3, 1), datetime(2026, 1, 1), None, None
    ]  # fmt: skip
    assert [type(v) for v in rows[1][:3]] == [str, int, float]
    assert sheet["D2"].number_format == "yyyy-mm-dd" and sheet["D2"].is_date
    assert sheet["E2"].number_format == "yyyy-mm-dd hh:mm" and sheet["E2"].is_date
    assert sheet["F2"].value is None and sheet["G2"].data_type == "n"


def test_header_is_bold_and_body_is_not() -> None:
    writer = XlsxWriter("hours")
    writer.add_rows([["志愿者", "日期"]], bold=True)
    writer.add_rows([["张三", date(2026, 11, 5)]])
    sheet = read(writer.finish())
    assert sheet["A1"].font.b and sheet["B1"].font.b
    assert not sheet["A2"].font.b and not sheet["B2"].font.b
    assert sheet["B2"].is_date


def test_xml_characters_and_carriage_returns_survive() -> None:
    writer = XlsxWriter("x")
    writer.add_rows([["a\x00b\x1fc\ufffe", "line\r\nbreak\ttab", "\ud800lone surrogate"]])
    data = writer.finish()
    assert read(data)["A1"].value == "abc"
    assert read(data)["B1"].value == "line\r\nbreak\ttab"
    assert read(data)["C1"].value == "lone surrogate"


def test_xlsx_rows_stay_text_and_are_cleaned() -> None:
    writer = TableWriter("xlsx", "reports", ["a", "b", "c", "d"])
    writer.add_rows([['=HYPERLINK("http://x","点我")', "+1+1", "@SUM(A1)", "简介\x01 🙂 <b>&"]])
    writer.add_rows([["-2+3", "\t=1", "+8613800138000", "普通"]])
    sheet = read(writer.finish())
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[1] == ['=HYPERLINK("http://x","点我")', "+1+1", "@SUM(A1)", "简介 🙂 <b>&"]
    assert rows[2] == ["-2+3", "\t=1", "+8613800138000", "普通"]
    assert {cell.data_type for row in sheet.iter_rows() for cell in row} == {"s"}  # no formula


def test_csv_rows_are_neutralised() -> None:
    writer = TableWriter("csv", "reports", ["a", "b"])
    writer.add_rows([["=1+1", "+8613800138000"]])
    text = writer.finish().decode("utf-8-sig")
    assert text.splitlines()[1] == "'=1+1,'+8613800138000"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("reports", "reports"),
        ("a[b]c:d*e?f/g\\h", "abcdefgh"),
        ("志愿服务时长统计表" * 4, ("志愿服务时长统计表" * 4)[:31]),
        ("'quoted'", "quoted"),
        ("[]:*?/\\", "Sheet1"),
        ('<"&">', '<"&">'),
    ],
)
def test_sheet_name_is_sanitised(title: str, expected: str) -> None:
    assert sheet_name(title) == expected
    writer = XlsxWriter(title)
    writer.add_rows([["x"]])
    assert read(writer.finish()).title == expected


def test_minimal_package_parts() -> None:
    writer = XlsxWriter("s")
    writer.add_rows([])
    names = zipfile.ZipFile(io.BytesIO(writer.finish())).namelist()
    assert sorted(names) == [
        "[Content_Types].xml",
        "_rels/.rels",
        "xl/_rels/workbook.xml.rels",
        "xl/styles.xml",
        "xl/workbook.xml",
        "xl/worksheets/sheet1.xml",
    ]


def test_helpers() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 51, 701, 702)] == [
        "A", "Z", "AA", "AZ", "ZZ", "AAA"
    ]  # fmt: skip
    assert serial(date(1900, 1, 1)) == 1 and serial(date(1900, 2, 28)) == 59
    assert serial(date(1900, 3, 1)) == 61 and serial(date(2026, 1, 1)) == 46023
    assert serial(datetime(2026, 1, 1, 12)) == 46023.5


def test_sheets_one_after_another_with_unique_names() -> None:
    writer = XlsxWriter("汇总")
    writer.add_rows([["a", 1]])
    writer.add_sheet("宪法学习宣传")
    writer.add_rows([["b", 2], ["c", 3]])
    writer.add_sheet("汇总")  # Excel refuses two sheets of one name
    writer.add_rows([["=1+1"]])
    book = openpyxl.load_workbook(io.BytesIO(writer.finish()))
    assert book.sheetnames == ["汇总", "宪法学习宣传", "汇总~2"]
    assert [list(r) for r in book["宪法学习宣传"].iter_rows(values_only=True)] == [
        ["b", 2],
        ["c", 3],
    ]
    assert book["汇总~2"]["A1"].data_type == "s"
