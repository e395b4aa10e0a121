from pathlib import Path

import pytest
from pydantic import ValidationError

from content.advisers import Adviser, adviser_for, parse_advisers_csv
from content.loader import Library, collect
from content.models import Town
from content.problems import Problem
from tests.content.content_copy import named
from tests.content.test_loader import copy_content

TOWNS = [
    Town(town="城关镇", places=["城关社区", "新村"]),
    Town(town="东山镇", places=["桃园村"]),
]
CHINESE = "乡镇,村（社区）,姓名,律所,坐班时间,联系方式\n"
ENGLISH = "town,village,name,office,duty,contact\n"


def parse(
    library: Library, raw: bytes | str, name: str = "CSV", towns: list[Town] | None = None
) -> tuple[list[Adviser], list[Problem]]:
    """An advisers CSV read with the content's column names."""
    return parse_advisers_csv(raw, name, library.csv.advisers, towns)


ROWS = (
    "城关镇,城关社区,张律师,城关律师事务所,每周一上午,0719-5234567\n"
    "东山镇,桃园村,李律师,,每周三上午,13800000000\n"
)


def test_chinese_headers_in_utf8_and_excel_gbk(library: Library) -> None:
    for encoding in ("utf-8-sig", "utf-8", "gbk"):
        advisers, problems = parse(library, (CHINESE + ROWS).encode(encoding), "a.csv", TOWNS)
        assert problems == []
        assert [(a.town, a.village, a.name) for a in advisers] == [
            ("城关镇", "城关社区", "张律师"),
            ("东山镇", "桃园村", "李律师"),
        ]
        assert advisers[0].office == "城关律师事务所" and advisers[1].office == ""
        assert not any(a.sample for a in advisers)


def test_english_headers_text_input_and_header_variants(library: Library) -> None:
    advisers, problems = parse(library, ENGLISH + ROWS, towns=TOWNS)
    assert problems == [] and len(advisers) == 2
    variants = (
        "序号, 乡镇(街道) ,村/社区,姓名,律师事务所,值班时间,联系电话\n1," + ROWS.splitlines()[0]
    )
    advisers, problems = parse(library, variants, towns=TOWNS)
    assert problems == [] and advisers[0].contact == "0719-5234567"


def test_blank_lines_and_rows_are_skipped_and_rows_keep_excel_numbers(library: Library) -> None:
    text = "\n" + CHINESE + ",,,,,\n" + ROWS.replace("李律师", "")
    advisers, problems = parse(library, text, "a.csv", TOWNS)
    assert advisers == []
    assert [(p.path, p.field, p.message) for p in problems] == [("a.csv:5", "name", "不能为空")]


def test_any_bad_row_imports_nothing_and_every_row_is_reported(library: Library) -> None:
    text = ENGLISH + (
        "城关镇,城关社区,张律师,,,0719-5234567\n"
        "北山镇,北山村,王律师,,,0719-7654321\n"
        "城关镇,河西村,赵律师,,,0719-7654321\n"
        "城关镇,城关社区,钱律师,,,0719-7654321\n"
        "东山镇,桃园村,孙律师,,,\n"
        "东山镇,桃园村,周律师,,,123,多出来的\n"
        f"东山镇,桃园村,{'长' * 51},,,12348\n"
    )
    advisers, problems = parse(library, text.encode("gbk"), "advisers.csv", TOWNS)
    assert advisers == []
    assert [(p.path, p.field) for p in problems] == [
        ("advisers.csv:3", "town"),
        ("advisers.csv:4", "village"),
        ("advisers.csv:5", "village"),
        ("advisers.csv:6", "contact"),
        ("advisers.csv:7", ""),
        ("advisers.csv:8", "name"),
    ]
    assert "北山镇" in problems[0].message and "河西村" in problems[1].message
    assert problems[2].message == "和第 2 行是同一个村（社区）"


def test_header_problems_are_reported_before_any_row(library: Library) -> None:
    _, problems = parse(library, "乡镇,村社区,姓名,备注,town\n城关镇,新村,张律师,,\n")
    assert [p.message for p in problems] == [
        "不认识的列 '备注'",
        "列 'town' 和前面的列重复",
        "缺少列：联系方式(contact)。表格第一行应是列名：乡镇,村（社区）,姓名,联系方式（必填），"
        "律所,坐班时间（可选）",
    ]
    assert {p.field for p in problems} == {"header"}


def test_empty_files_and_undecodable_bytes(library: Library) -> None:
    assert parse(library, b"")[1][0].message == "文件里没有任何内容"
    assert parse(library, CHINESE)[1][0].message == "文件里没有任何条目"
    assert "编码" in parse(library, b"\xff\xfe\x00\x81\x30")[1][0].message


def test_without_towns_any_place_is_accepted(library: Library) -> None:
    advisers, problems = parse(library, ENGLISH + "某镇,某村,张律师,,,12348\n")
    assert problems == [] and advisers[0].town == "某镇"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "王律师"}, "name"),
        ({"office": "城关律师事务所"}, "office"),
        ({"contact": "示例电话 0719-5234567"}, "只能用 0"),
        ({"contact": "13800000000"}, "contact"),
    ],
)
def test_samples_must_look_fake(changes: dict[str, str], message: str) -> None:
    fields = {
        "town": "城关镇",
        "village": "新村",
        "name": "示例律师甲",
        "office": "示例律师事务所（示例）",
        "contact": "示例电话 0000-0000000",
        "sample": True,
    }
    Adviser.model_validate(fields)
    with pytest.raises(ValidationError, match=message):
        Adviser.model_validate(fields | changes)


def test_the_shipped_advisers_are_samples_for_every_village(library: Library) -> None:
    assert library.advisers and all(a.sample for a in library.advisers)
    assert {(a.town, a.village) for a in library.advisers} == {
        (t.town, v) for t in library.towns for v in t.places
    }
    assert not any(w.path == "advisers.yaml" for w in library.warnings)
    found = adviser_for(library.advisers, "示例县东山镇", "桃园村")
    assert found is not None and "周三" in found.duty
    assert adviser_for(library.advisers, "示例县东山镇", "没有这个村") is None


def test_problems_in_the_yaml_name_file_and_field(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    path = content / "advisers.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "name: 示例律师甲\n  office: 示例律师事务所（示例）",
        "name: 张三\n  office: 某律师事务所",
        1,
    )
    text = text.replace("village: 新村", "village: 旧村")
    text = text.replace("village: 上坝村", "village: 柳湾村")
    path.write_text(text, encoding="utf-8")
    library, problems = collect(content)
    assert library is None
    town = "- town: 示例县城关镇"
    assert {(p.path, p.field, p.message) for p in problems} == {
        (named(path, town, "张三"), "", "示例条目的 name、office 要写明“示例”"),
        (
            named(path, town, "示例律师乙", holding="village: 旧村"),
            "village",
            "towns.yaml 里 示例县城关镇 没有 '旧村'",
        ),
        (
            named(path, "- town: 示例县西河镇", "示例律师己", holding="name: 示例律师己"),
            "village",
            "示例县西河镇柳湾村 写了两次：示例律师戊 和 示例律师己，"
            "一个村（社区）只能有一位法律顾问",
        ),
    }


def test_a_village_without_an_adviser_is_a_note(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    path = content / "advisers.yaml"
    entries = path.read_text(encoding="utf-8").split("\n- ")
    path.write_text(
        "\n- ".join(e for e in entries if "village: 上坝村" not in e), encoding="utf-8"
    )
    library, problems = collect(content)
    assert problems == [] and library is not None
    assert [str(w) for w in library.warnings if w.path == "advisers.yaml"] == [
        "advisers.yaml: village: 示例县西河镇上坝村 还没有法律顾问"
    ]
