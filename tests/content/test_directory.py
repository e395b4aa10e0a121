import re
from pathlib import Path

from content.directory import (
    NEAR_KM,
    DirectoryEntry,
    distance_km,
    legal_aid_points,
    near,
    nearest,
    nearest_aid_points,
    parse_csv,
)
from content.loader import Library, collect
from content.problems import Problem
from tests.content.content_copy import Edit, copy_content, named, refused

HEADER = "name,kind,town,address,phone,hours,lat,lon\n"


def parse(
    library: Library, raw: bytes, name: str = "CSV"
) -> tuple[list[DirectoryEntry], list[Problem]]:
    """A directory CSV read with the content's column names and kinds."""
    return parse_csv(raw, name, layout=library.csv.directory, kinds=library.point_kinds)


def test_samples_are_all_marked_as_samples(library: Library) -> None:
    entries = library.directory
    assert entries and all(e.sample for e in entries)


def test_csv_in_utf8_and_excel_gbk(library: Library) -> None:
    row = "城关司法所,司法所,城关镇,城关路1号,,工作日,30.1,110.2\n"
    for encoding in ("utf-8-sig", "gb18030"):
        entries, problems = parse(library, (HEADER + row).encode(encoding))
        assert problems == []
        assert entries[0].name == "城关司法所" and entries[0].lat == 30.1


def test_csv_problems_name_the_line_and_field(library: Library) -> None:
    raw = (HEADER + "a,司法所,c,d,,,95,110\nok,司法所,镇,路,,,,\n").encode()
    entries, problems = parse(library, raw, "points.csv")
    assert [str(p).split(":")[0:2] for p in problems] == [["points.csv", "2"]]
    assert problems[0].field == "lat"
    assert [e.name for e in entries] == ["ok"]


def test_csv_without_required_columns_says_which_in_chinese_and_the_header_to_write(
    library: Library,
) -> None:
    _, problems = parse(library, b"foo,bar\n1,2\n")
    assert [p.message for p in problems] == [
        "不认识的列 'foo'",
        "不认识的列 'bar'",
        "缺少列：名称(name)、类型(kind)、乡镇(town)、地址(address)。表格第一行应是列名："
        "名称,类型,乡镇,地址（必填），电话,时间,纬度,经度（可选）",
    ]


def test_csv_headers_as_chinese_spreadsheets_write_them(library: Library) -> None:
    header = "序号,服务点名称,类别,乡镇（街道）,详细地址,联系电话,办公时间,纬度,经度\n"
    entries, problems = parse(
        library, f"{header}1,西河司法所,司法所,西河镇,河西路1号,,,,\n".encode()
    )
    assert problems == [] and (entries[0].name, entries[0].town) == ("西河司法所", "西河镇")


def test_a_picture_or_workbook_is_said_to_be_no_csv(library: Library) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10"
    xlsx = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00"
    for raw in (png, xlsx):
        _, [problem] = parse(library, raw, "points.png")
        assert problem.message.startswith("这不是 CSV 表格文件"), problem
        assert problem.message.endswith("名称,类型,乡镇,地址（必填），电话,时间,纬度,经度（可选）")


def test_unknown_kinds_are_refused_naming_the_kinds_and_desks_words_are_stored_in_chinese(
    library: Library,
) -> None:
    rows = "a,legal_aid_centre,城关镇,路\nb,Judicial_Office,东山镇,路\nc,法律服务站,西河镇,路\n"
    entries, problems = parse(library, (HEADER + rows).encode(), "points.csv")
    assert [e.kind for e in entries] == ["法律援助中心", "司法所"]
    [problem] = problems
    assert (problem.path, problem.field) == ("points.csv:4", "kind")
    assert problem.message.startswith("不认识的类型 '法律服务站'")
    assert all(kind in problem.message for kind in library.point_kinds.kinds)
    assert "legal_aid_centre" in problem.message


def test_nearest_orders_by_distance_and_skips_unlocated(library: Library) -> None:
    entries = library.directory
    unlocated = entries[0].model_copy(update={"lat": None, "lon": None, "name": "no coords"})
    home = entries[2]
    assert home.lat is not None and home.lon is not None
    found = nearest([unlocated, *entries], home.lat, home.lon, limit=10)
    assert found[0] == (home, 0)
    assert unlocated not in [point for point, _ in found]
    distances = [km for _, km in found]
    assert distances == sorted(distances) and len(found) == len(entries)


def test_distance_of_one_degree_of_latitude() -> None:
    assert 111.0 < distance_km(30, 110, 31, 110) < 111.4


def test_csv_problems_are_in_chinese(library: Library) -> None:
    raw = (HEADER + ",司法所,镇,路,,,abc,110\n").encode()
    _, problems = parse(library, raw, "points.csv")
    assert {(p.field, p.message) for p in problems} == {
        ("name", "缺少这一项"),
        ("lat", "应该是数字，比如 30.25"),
    }


def test_where_to_apply_for_legal_aid_by_town_and_by_location(library: Library) -> None:
    points, kinds = library.directory, library.point_kinds
    names = [p.name for p in legal_aid_points(points, "示例县东山镇", kinds)]
    assert names == ["东山镇司法所（公共法律服务工作站）", "示例县法律援助中心"]
    in_seat = [p.kind for p in legal_aid_points(points, "示例县城关镇", kinds)]
    assert in_seat == ["法律援助中心", "公共法律服务中心"]  # the centre first, nothing twice
    assert [p.kind for p in legal_aid_points(points, "没有的镇", kinds)] == ["法律援助中心"]
    near = nearest_aid_points(points, 30.0450, 110.0800, kinds)
    assert near[0][0].town == "示例县东山镇" and near[0][1] < 0.1
    assert all(p.kind not in ("人民调解委员会", "村（社区）公共法律服务室") for p, _ in near)


def test_only_points_within_near_km_count_as_near(library: Library) -> None:
    points = library.directory
    far_away = (34.5, 110.0)  # about 500 km north of every sample point
    found = nearest(points, *far_away)
    assert found and all(km > 450 for _, km in found)
    assert near(found) == []
    point = points[0]
    assert near([(point, 29.9), (point, 30.0), (point, 30.1)]) == [(point, 29.9), (point, 30.0)]
    assert NEAR_KM == 30


def test_the_content_check_names_what_is_wrong_in_directory_yaml(tmp_path: Path) -> None:
    """directory.yaml fills a fresh database at start-up: a bad entry is a content problem,
    named in Chinese with its place, instead of a crash when the bot starts."""
    content = copy_content(tmp_path)
    path = content / "directory.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("  lat: 30.0000\n", "  lat: 130.5\n", 1)
    text = text.replace("  kind: 法律援助中心\n", '  kind: ""\n', 1)
    path.write_text(text, encoding="utf-8")
    library, problems = collect(content)
    assert library is None
    found = {(p.path, p.field): p.message for p in problems}
    centre, aid = "- name: 示例县公共法律服务中心", "- name: 示例县法律援助中心"
    assert set(found) == {(named(path, centre), "lat"), (named(path, aid), "kind")}
    assert all(re.search(r"[\u4e00-\u9fff]", message) for message in found.values())


def test_without_directory_yaml_the_database_starts_empty(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    (content / "directory.yaml").unlink()
    library, problems = collect(content)
    assert not problems and library is not None and library.directory == []


def test_a_phone_written_without_quotes_is_refused_saying_to_quote_it(tmp_path: Path) -> None:
    """YAML reads an unquoted 0716-5123456 as text but 07165123456 as a number (an octal
    one: another number altogether): a phone is asked for in quotes, as the samples have it."""
    aid_centre = '  phone: "12348"\n  hours: 工作日 8:30-17:30'
    problems = refused(
        tmp_path, Edit("directory.yaml", aid_centre, aid_centre.replace('"12348"', "07165123456"))
    )
    assert [(p.field, p.message) for p in problems] == [
        (
            "phone",
            '电话号码要加英文引号，比如 "0716-5123456"：不加引号，0 开头的号码会被读成别的数',
        )
    ]
