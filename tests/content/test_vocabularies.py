"""The kinds of service point (point_kinds.yaml), the CSV column names (csv_headers.yaml) and
the day and period words people type (typed_words.yaml) are content: an edit is honoured by
the imports and parsers, and an edit that would break them is refused by the check, naming the
file and the entry."""

from datetime import date
from pathlib import Path

import pytest

from content.advisers import parse_advisers_csv
from content.directory import legal_aid_points, parse_csv
from content.loader import Library, collect
from content.report_input import parse_date, parse_event_date, parse_period
from tests.content.content_copy import Edit, copy_content, edit, refused


def _loaded(content: Path) -> Library:
    library, problems = collect(content)
    assert library is not None, problems
    return library


def test_a_new_column_name_and_a_new_kind_are_honoured_by_the_imports(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    headers = content / "csv_headers.yaml"
    edit(headers, "  address: [地址,", "  address: [门牌地址, 地址,")
    edit(headers, "  name: [姓名,", "  name: [负责律师, 姓名,")
    edit(headers, "ignored: [序号,", "ignored: [备注, 序号,")
    kinds = content / "point_kinds.yaml"
    edit(kinds, "  - 公证处\n", "  - 公证处\n  - 法律服务站\n")
    edit(kinds, "  - 司法所\n\n# English", "  - 司法所\n  - 法律服务站\n\n# English")
    edit(
        kinds,
        "  judicial_office: 司法所\n",
        "  judicial_office: 司法所\n  service_desk: 法律服务站\n",
    )
    library = _loaded(content)

    raw = "名称,类型,乡镇,门牌地址,备注\n河口法律服务站,Service_Desk,西河镇,河口路1号,新设\n"
    entries, problems = parse_csv(
        raw.encode(), "points.csv", layout=library.csv.directory, kinds=library.point_kinds
    )
    assert problems == []
    assert [(e.kind, e.address) for e in entries] == [("法律服务站", "河口路1号")]
    found = legal_aid_points(entries, "西河镇", library.point_kinds)
    assert [p.name for p in found] == ["河口法律服务站"]
    _, problems = parse_csv(
        b"", "points.csv", layout=library.csv.directory, kinds=library.point_kinds
    )
    assert problems[0].message == "文件里没有任何内容"

    raw = "乡镇,村（社区）,负责律师,联系方式\n示例县西河镇,柳湾村,赵律师,0716-5654321\n"
    advisers, problems = parse_advisers_csv(raw, "advisers.csv", library.csv.advisers)
    assert problems == [] and [a.name for a in advisers] == ["赵律师"]


def test_the_first_column_name_is_the_one_the_bot_asks_for(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    edit(content / "csv_headers.yaml", "  kind: [类型,", "  kind: [服务点类别, 类型,")
    library = _loaded(content)
    layout, kinds = library.csv.directory, library.point_kinds
    _, [problem] = parse_csv(b"name,town,address\n", "p.csv", layout=layout, kinds=kinds)
    assert problem.message.startswith("缺少列：服务点类别(kind)。")
    assert problem.message.endswith(
        "名称,服务点类别,乡镇,地址（必填），电话,时间,纬度,经度（可选）"
    )


@pytest.mark.parametrize(
    ("file", "old", "new", "where", "message"),
    [
        pytest.param(
            "point_kinds.yaml",
            "aid:\n  - 法律援助中心\n  - 法律援助工作站\n  - 公共法律服务中心\n"
            "  - 公共法律服务工作站\n  - 司法所\n",
            "aid: []\n",
            "aid",
            "至少要有 1 项",
            id="no aid kind",
        ),
        pytest.param(
            "point_kinds.yaml",
            "aid:\n  - 法律援助中心\n",
            "aid:\n  - 法律援助站\n",
            "aid",
            "'法律援助站' 不在 kinds 里：能申请法律援助的类型也要写进 kinds",
            id="aid kind not a kind",
        ),
        pytest.param(
            "point_kinds.yaml",
            "  judicial_office: 司法所\n",
            "  judicial_office: 司法局\n",
            "aliases.judicial_office",
            "'司法局' 不在 kinds 里：英文写法只能对应 kinds 里的类型",
            id="alias of an unknown kind",
        ),
        pytest.param(
            "point_kinds.yaml",
            "  judicial_office: 司法所\n",
            "  judicial_office: 司法所\n  Judicial_Office: 司法所\n",
            "aliases.Judicial_Office",
            "和 'judicial_office' 只差大小写，只写一个",
            id="alias twice but for case",
        ),
        pytest.param(
            "point_kinds.yaml",
            "  - 公证处\n",
            "  - 公证处\n  - 司法所\n",
            "kinds",
            "'司法所' 写了两次",
            id="kind twice",
        ),
        pytest.param(
            "csv_headers.yaml",
            "  phone: [电话, 联系电话, 联系方式, phone]\n",
            "  phone: [电话, 联系电话, 联系方式, phone, 服务时间]\n",
            "directory.hours",
            "列名 '服务时间' 和 directory.phone 的 '服务时间' 比较时是同一个："
            "一个列名只能对应一项",
            id="name of two fields",
        ),
        pytest.param(
            "csv_headers.yaml",
            "  village: [村（社区）, 村居,",
            "  village: [村（社区）, 村居, 村 / 社区,",
            "advisers.village",
            "列名 '村 / 社区' 和 '村（社区）' 比较时是同一个，只写一个",
            id="same name once compared",
        ),
        pytest.param(
            "csv_headers.yaml",
            "  contact: [联系方式, 联系电话, 电话, contact]\n",
            "  contact: []\n",
            "advisers.contact",
            "这一项必填，至少要写一个列名",
            id="required field without a name",
        ),
        pytest.param(
            "csv_headers.yaml",
            "  address: [地址, 详细地址, 办公地址, address]\n",
            "",
            "directory.address",
            "这一项必填，至少要写一个列名",
            id="required field left out",
        ),
        pytest.param(
            "csv_headers.yaml",
            "  lat: [纬度, lat, latitude]\n",
            "  lat: [纬度, lat, latitude]\n  altitude: [海拔]\n",
            "directory.altitude",
            "这个表格没有这一项，只能是：name、kind、town、address、phone、hours、lat、lon",
            id="unknown field",
        ),
        pytest.param(
            "csv_headers.yaml",
            "  duty: [坐班时间, 值班时间, duty]\n",
            "  duty: [坐班时间, 值班时间, duty, （）]\n",
            "advisers.duty",
            "列名 '（）' 去掉空格、括号和斜杠后什么也不剩",
            id="name that compares empty",
        ),
        pytest.param(
            "csv_headers.yaml",
            "  name: [姓名,",
            "  name: [序号, 姓名,",
            "advisers.name",
            "列名 '序号' 也写在 ignored 里：这一列会被跳过，请从其中一处删掉",
            id="name also ignored",
        ),
    ],
)
def test_the_check_refuses_what_would_break_the_imports(
    tmp_path: Path, file: str, old: str, new: str, where: str, message: str
) -> None:
    problems = refused(tmp_path, Edit(file, old, new))
    assert [(p.path, p.field, p.message) for p in problems] == [(file, where, message)]


def test_an_empty_kind_list_is_refused(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    kinds = content / "point_kinds.yaml"
    text = kinds.read_text(encoding="utf-8")
    start, end = text.index("kinds:\n"), text.index("\n\n", text.index("kinds:\n"))
    kinds.write_text(text[:start] + "kinds: []" + text[end:], encoding="utf-8")
    library, problems = collect(content)
    assert library is None
    found = {(p.path, p.field, p.message) for p in problems}
    assert ("point_kinds.yaml", "kinds", "至少要有 1 项") in found


def test_new_day_period_and_year_words_are_understood(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    words = content / "typed_words.yaml"
    edit(words, "  前天: -2\n", "  大大前天: -4\n  前天: -2\n")
    edit(
        words,
        "  this_month: [本月, 这个月, month]\n",
        "  this_month: [本月, 这个月, 本月份, month]\n",
    )
    edit(words, "  前年: 2\n", "  前年: 2\n  大前年: 3\n")
    typed = _loaded(content).typed_words
    today = date(2026, 12, 10)

    assert parse_date("大大前天", today=today, max_age_days=60, days=typed.days) == date(
        2026, 12, 6
    )
    assert parse_event_date("大大前天", today=today, days=typed.days) == date(2026, 12, 6)
    assert parse_period("本月份", today=today, words=typed) == (date(2026, 12, 1), today)
    assert parse_period("大前年11月", today=today, words=typed) == (
        date(2023, 11, 1),
        date(2023, 11, 30),
    )
    assert parse_period("前年11月", today=today, words=typed)[0] == date(2024, 11, 1)


@pytest.mark.parametrize(
    ("old", "new", "where", "message"),
    [
        pytest.param(
            "  last_year: [去年]\n",
            "  last_year: [去年, 本年]\n",
            "periods",
            "一个词只能属于一个时段：本年",
            id="word of two periods",
        ),
        pytest.param(
            "  last_month: [上月, 上个月]\n",
            "  last_month: []\n",
            "periods.last_month",
            "至少要有 1 项",
            id="period without a word",
        ),
        pytest.param(
            "  今日: 0\n",
            "  今日: 0\n  今 天: 0\n",
            "days",
            "写了两次（不计空格和全角半角）：今天",
            id="day word twice once compared",
        ),
        pytest.param(
            "  后天: 2\n",
            "  后天: 2\n  下个月: 30\n",
            "days.下个月",
            "不能大于 7",
            id="day too far away",
        ),
        pytest.param(
            "  this_week: [本周, 这周, 这个星期, 本星期, week]\n",
            "  this_week: [本周, 这周, 这个星期, 本星期, ' ']\n",
            "periods.this_week.4",
            "不能有空词",
            id="blank word",
        ),
        pytest.param(
            "  before: [联系, 咨询, 值班]\n",
            "  before: [联系, 咨询, 值班, 电话]\n",
            "number_labels",
            "写了两次（不计空格和全角半角）：电话",
            id="number label also a word before one",
        ),
        pytest.param(
            "  labels: [电话, 手机, 手机号, 热线, 座机, 微信, tel]\n",
            "  labels: []\n",
            "number_labels.labels",
            "至少要有 1 项",
            id="no number label",
        ),
    ],
)
def test_the_check_refuses_typed_words_that_would_mislead(
    tmp_path: Path, old: str, new: str, where: str, message: str
) -> None:
    problems = refused(tmp_path, Edit("typed_words.yaml", old, new))
    assert [(p.path, p.field, p.message) for p in problems] == [
        ("typed_words.yaml", where, message)
    ]


UNKNOWN = (
    "例子“{}”机器人看不懂，照着输入会被拒绝："
    "请在 typed_words.yaml 的 {} 里加上这个词，或换一个例子"
)


@pytest.mark.parametrize(
    ("file", "old", "new", "found"),
    [
        pytest.param(
            "typed_words.yaml",
            "  last_month: [上月, 上个月]\n",
            "  last_month: [上个月]\n",
            [
                (
                    "volunteers.period_usage",
                    UNKNOWN.format("上月", "periods、year_parts、years_back"),
                ),
                (
                    "volunteers.export_empty",
                    UNKNOWN.format("上月", "periods、year_parts、years_back"),
                ),
            ],
            id="period word the texts name taken out",
        ),
        pytest.param(
            "typed_words.yaml",
            "  昨天: -1\n",
            "  昨儿: -1\n",
            [("volunteers.errors.date_format", UNKNOWN.format("昨天", "days"))],
            id="day word the text names taken out",
        ),
        pytest.param(
            "ui.zh.yaml",
            "可以写：本月、上月、",
            "可以写：本月、本旬、上月、",
            [
                (
                    "volunteers.period_usage",
                    UNKNOWN.format("本旬", "periods、year_parts、years_back"),
                )
            ],
            id="period usage names a word not there",
        ),
        pytest.param(
            "ui.zh.yaml",
            "可以这样写：今天、昨天、",
            "可以这样写：今天、昨天、大大前天、",
            [("volunteers.errors.date_format", UNKNOWN.format("大大前天", "days"))],
            id="date format names a word not there",
        ),
        pytest.param(
            "ui.zh.yaml",
            "<code>{command} 今年</code>",
            "<code>{command} 今年上旬</code>",
            [
                (
                    "volunteers.export_empty",
                    UNKNOWN.format("今年上旬", "periods、year_parts、years_back"),
                )
            ],
            id="export hint names a period not there",
        ),
        pytest.param(
            "ui.zh.yaml",
            "可以写：本月、上月、",
            "比如本月、上月、",
            [
                (
                    "volunteers.period_usage",
                    "找不到例子：请在“：”后面列出可以输入的写法，用“、”隔开（检查会逐个试读）",
                )
            ],
            id="period usage without its list of examples",
        ),
    ],
)
def test_a_text_that_teaches_a_word_the_parser_does_not_know_is_refused(
    tmp_path: Path, file: str, old: str, new: str, found: list[tuple[str, str]]
) -> None:
    problems = refused(tmp_path, Edit(file, old, new))
    assert [(p.path, p.field, p.message) for p in problems] == [
        ("ui.zh.yaml", where, message) for where, message in found
    ]


def test_a_word_added_to_both_the_text_and_typed_words_is_taught(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    edit(content / "ui.zh.yaml", "可以这样写：今天、昨天、", "可以这样写：今天、昨天、大大前天、")
    edit(content / "typed_words.yaml", "  前天: -2\n", "  大大前天: -4\n  前天: -2\n")
    today = date(2026, 12, 10)
    days = _loaded(content).typed_words.days
    assert parse_date("大大前天", today=today, max_age_days=60, days=days) == date(2026, 12, 6)
