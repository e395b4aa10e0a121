"""What an operator or a coordinator meets when they get something wrong on the command line:
a content file saved in another encoding or with a date that does not exist, a malformed
`.env` line, a list of ids written with spaces, a CSV with a point twice. Each is said in one
Chinese line that names where and what to do, never a traceback, and never taken silently."""

import contextlib
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.settings import load_settings
from local_api import LocalBotApi
from tests.conftest import sqlite_url
from tests.content.content_copy import copy_content, edit, named
from tests.processes import run_pufa


async def _pufa(*argv: str, cwd: Path, **env: str) -> tuple[int, str, str]:
    """`pufa ARGV` run in `cwd`, on a database there."""
    return await run_pufa(*argv, cwd=cwd, env={"PUFA_DATABASE_URL": sqlite_url(cwd), **env})


def _errors(out: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith("错误")]


def _line_of(path: Path, text: str) -> int:
    """The 1-based number of the line of `path` that holds `text`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


@pytest.mark.parametrize("name", ["desks.yaml", "holidays.yaml", "campaigns.yaml", "ui.zh.yaml"])
async def test_a_content_file_saved_as_gbk_is_named_with_how_to_save_it(
    name: str, tmp_path: Path
) -> None:
    """Notepad or WPS on a Chinese Windows saves 'ANSI', which is GBK: the check names the
    file and the first line that is not UTF-8 and says to save it as UTF-8 (a traceback
    before)."""
    content = copy_content(tmp_path)
    path = content / name
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.encode("gb18030"))
    first = next(n for n, line in enumerate(text.splitlines(), 1) if not line.isascii())

    code, out, err = await _pufa("content", "check", cwd=tmp_path, PUFA_CONTENT_DIR=str(content))

    assert code == 1 and "Traceback" not in err, err
    assert _errors(out) == [
        f"错误  {name}: 无法读取：文件不是 UTF-8 编码（第 {first} 行起）："
        "请在编辑器里“另存为”，编码选 UTF-8 后保存"
    ]


async def test_a_date_that_does_not_exist_is_named_with_its_line(tmp_path: Path) -> None:
    """2026-02-30 in holidays.yaml stopped the check with Python's traceback; 2026-13-05 in a
    card's `updated` was said in English ("month must be in 1..12")."""
    content = copy_content(tmp_path)
    holidays, card = content / "holidays.yaml", content / "cards" / "unpaid-wages.md"
    edit(holidays, "last: 2026-02-23", "last: 2026-02-30")
    edit(card, "updated: 2026-12-05", "updated: 2026-13-05")

    code, out, err = await _pufa("content", "check", cwd=tmp_path, PUFA_CONTENT_DIR=str(content))

    assert code == 1 and "Traceback" not in err, err
    holiday_line = _line_of(holidays, "2026-02-30")
    card_line = _line_of(card, "2026-13-05")
    assert sorted(_errors(out)) == sorted(
        [
            f"错误  holidays.yaml: 第 {holiday_line} 行的日期 2026-02-30 不存在："
            "日期写成 YYYY-MM-DD，月份 1–12，日子要是那个月有的",
            f"错误  cards/unpaid-wages.md: 第 {card_line} 行的日期 2026-13-05 不存在："
            "日期写成 YYYY-MM-DD，月份 1–12，日子要是那个月有的",
        ]
    )


@pytest.mark.parametrize(
    ("lines", "line"),
    [
        (["PUFA_TIMEZONE=Asia/Shanghai", "PUFA_WEB_PORT: 8090"], 2),  # YAML's colon
        (['PUFA_WEB_PORT="8090', "PUFA_LOG_LEVEL=DEBUG"], 1),  # a quote left open
        (["# 普法小助手", "PUFA_ADMIN_IDS=111111", "管理员 111111"], 3),  # a note without #
    ],
)
async def test_an_env_file_line_that_cannot_be_read_stops_every_command(
    lines: list[str], line: int, tmp_path: Path
) -> None:
    """python-dotenv skips such a line with an English warning, so the bot ran on the
    default (port 8080 instead of 8090) as if nothing had been written."""
    (tmp_path / ".env").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for command in (["db", "upgrade"], ["content", "check"]):
        code, out, err = await _pufa(*command, cwd=tmp_path)
        assert (code, out) == (2, ""), (command, err)
        assert err.splitlines() == [
            f"配置有误：{tmp_path / '.env'} 第 {line} 行看不懂：每行写成 PUFA_名字=值"
            "（值里有空格或 # 就用英文引号括起来，引号要成对），注释另起一行、以 # 开头。"
        ]
    assert not (tmp_path / "pufa.db").exists()


async def test_an_env_file_saved_as_gbk_stops_every_command_in_one_line(tmp_path: Path) -> None:
    """A .env with a Chinese note saved by Notepad as ANSI (GBK) stopped every command with
    python-dotenv's UnicodeDecodeError traceback."""
    env = "PUFA_TIMEZONE=Asia/Shanghai\n# 东山镇的普法小助手\nPUFA_WEB_PORT=8090\n"
    (tmp_path / ".env").write_bytes(env.encode("gb18030"))
    code, out, err = await _pufa("db", "upgrade", cwd=tmp_path)
    assert (code, out) == (2, ""), err
    assert err.splitlines() == [
        f"配置有误：{tmp_path / '.env'} 不是 UTF-8 编码（第 2 行起）："
        "请在编辑器里“另存为”，编码选 UTF-8 后保存。"
    ]


async def test_content_check_names_a_list_entry_by_its_id_or_name_and_its_line(
    tmp_path: Path,
) -> None:
    """An entry was named by its place in the list from 0 (`desks.yaml[1]`,
    `campaigns.yaml: [0].lead_days`), which a coordinator had to count out in the file: now
    by the line it starts on and the id or name written there."""
    content = copy_content(tmp_path)
    desks, points = content / "desks.yaml", content / "directory.yaml"
    campaigns, towns = content / "campaigns.yaml", content / "towns.yaml"
    edit(desks, "escalate_after_hours: 21", "escalate_after_hours: 21\n  staff: [-5]")
    edit(desks, "towns: [示例县城关镇]", "towns: [示例县城关镇镇]")
    edit(points, "  lat: 30.0012\n", "")
    edit(campaigns, 'date: "03-15"', 'date: "03-32"')
    with towns.open("a", encoding="utf-8") as more:
        more.write("- town: 示例县北山镇\n  places: 北山村\n")

    code, out, err = await _pufa("content", "check", cwd=tmp_path, PUFA_CONTENT_DIR=str(content))

    assert code == 1 and "Traceback" not in err, err
    assert sorted(_errors(out)) == sorted(
        [
            f"错误  {named(desks, '- id: county-legal-aid-centre')}: "
            "staff 里的 Telegram 用户 ID 应是正整数",
            f"错误  {named(desks, '- id: chengguan-judicial-office')}: "
            "towns: towns.yaml 里没有 '示例县城关镇镇'",
            f"错误  {named(points, '- name: 示例县法律援助中心')}: "
            "lat 和 lon 要么都填，要么都不填",
            f"错误  {named(campaigns, '- id: consumer-rights-day')}: "
            "date: 日期 '03-32' 不存在（或不是每年都有）",
            f"错误  {named(towns, '- town: 示例县北山镇')}: places: 应该是列表，比如 [a, b]",
        ]
    )
    assert named(desks, "- id: county-legal-aid-centre") == (
        f"desks.yaml 第 {_line_of(desks, '- id: county-legal-aid-centre')} 行"
        "（county-legal-aid-centre）"
    )


MISSPELT = (
    "配置有误：不认识的设置 {name}（{where}），是不是想写 {meant}？"
    "它没有生效：请改正名字，或删掉它。"
)


async def test_a_misspelt_variable_stops_every_command_naming_the_one_meant(
    tmp_path: Path,
) -> None:
    """PUFA_ADMIN_ID (for PUFA_ADMIN_IDS) or PUFA_TIMEZON was taken silently: the bot ran
    with no coordinator, or on Shanghai's clock, and the operator thought it was set. The
    values are never shown (a misspelt PUFA_BOT_TOKN holds a token)."""
    (tmp_path / ".env").write_text(
        "# 东山镇\nPUFA_TIMEZONE=Asia/Urumqi\nPUFA_BOT_TOKN=123456:SECRET\n", encoding="utf-8"
    )
    env = {"PUFA_ADMIN_ID": "111111", "PUFA_TIMEZON": "Asia/Urumqi", "PUFA_DB_URL": "x"}
    for command in (["db", "upgrade"], ["content", "check"], ["run"]):
        code, out, err = await _pufa(*command, cwd=tmp_path, **env)
        assert (code, out) == (2, ""), (command, err)
        assert sorted(err.splitlines()) == sorted(
            MISSPELT.format(name=name, where=where, meant=meant)
            for name, where, meant in [
                ("PUFA_ADMIN_ID", "环境变量", "PUFA_ADMIN_IDS"),
                ("PUFA_TIMEZON", "环境变量", "PUFA_TIMEZONE"),
                ("PUFA_DB_URL", "环境变量", "PUFA_DATABASE_URL"),
                ("PUFA_BOT_TOKN", f"{tmp_path / '.env'} 第 3 行", "PUFA_BOT_TOKEN"),
            ]
        )
        assert "SECRET" not in err and "111111" not in err and "Urumqi" not in err
    assert not (tmp_path / "pufa.db").exists()


async def test_a_variable_like_no_setting_is_named_with_where_to_look(tmp_path: Path) -> None:
    """A PUFA_ name close to no setting is refused as well, pointing to the list of them."""
    code, out, err = await _pufa("content", "check", cwd=tmp_path, PUFA_XYZ="1")
    assert (code, out) == (2, ""), err
    assert err.splitlines() == [
        "配置有误：不认识的设置 PUFA_XYZ（环境变量）：pufa 没有这个设置，它没有生效。"
        "能用的设置见 README 的 Configuration 一节；请改正名字，或删掉它。"
    ]


@pytest.mark.parametrize("ids", ["111111 222222", "111111, 222 222"])
async def test_admin_ids_written_with_spaces_between_them_are_refused(
    ids: str, tmp_path: Path
) -> None:
    """`111111 222222` was read as the one id 111111222222: no coordinator at all, and no
    word of it."""
    code, out, err = await _pufa("db", "upgrade", cwd=tmp_path, PUFA_ADMIN_IDS=ids)
    assert (code, out) == (2, ""), err
    assert err.splitlines() == [
        "配置有误：PUFA_ADMIN_IDS 应该是 用英文逗号分隔的 Telegram 用户 id（数字），"
        f"例如 111111,222222（现在是 “{ids}”）。"
    ]


def test_admin_ids_may_have_spaces_after_their_commas(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PUFA_ADMIN_IDS", raising=False)
    (tmp_path / ".env").write_text('PUFA_ADMIN_IDS="111111, 222222 ,333333"\n', encoding="utf-8")
    assert load_settings().admin_ids == {111111, 222222, 333333}


POINTS_HEADER = "名称,类型,乡镇,地址,电话\n"
DONGSHAN = "东山镇司法所,司法所,示例县东山镇,东山路1号,0716-5123456\n"
CHENGGUAN = "城关法律援助中心,法律援助中心,示例县城关镇,城关大道2号,12348\n"


LISTED = [("东山镇司法所", "示例县东山镇"), ("城关法律援助中心", "示例县城关镇")]


def _points(tmp_path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(tmp_path / "pufa.db") as db:
        return sorted(db.execute("SELECT name, town FROM service_point WHERE NOT sample"))


async def test_a_point_written_twice_in_the_csv_is_refused_naming_both_rows(
    tmp_path: Path,
) -> None:
    """Excel lists often carry a row twice: both were imported, and residents near it were
    offered the same point twice."""
    points = tmp_path / "points.csv"
    other_phone = DONGSHAN.replace("0716-5123456", "0716-5654321")
    points.write_bytes((POINTS_HEADER + DONGSHAN + CHENGGUAN + other_phone).encode("gb18030"))

    code, out, err = await _pufa("directory", "import", str(points), cwd=tmp_path)

    assert (code, out) == (1, ""), err
    assert err.splitlines() == [
        "错误  points.csv:4: name: 和第 2 行是同一个服务点（名称和乡镇都一样），请删掉一行",
        "没有导入任何条目，请修改后重试。",
    ]


async def test_appending_points_already_listed_is_refused(tmp_path: Path) -> None:
    """`--append` of a file imported before (or of points already in the list) stored every
    point again, so each was listed twice."""
    points, more = tmp_path / "points.csv", tmp_path / "more.csv"
    points.write_text(POINTS_HEADER + DONGSHAN + CHENGGUAN, encoding="utf-8")
    assert (await _pufa("directory", "import", str(points), cwd=tmp_path))[0] == 0

    code, out, err = await _pufa("directory", "import", "--append", str(points), cwd=tmp_path)

    assert (code, out) == (1, ""), err
    assert err.splitlines() == [
        f"错误  points.csv:{row}: name: 名录里已经有 {town} 的 {name}：--append 只添加新的服务点；"
        "要改已有的，请把完整的名录不加 --append 导入（会替换整个名录）"
        for row, (name, town) in enumerate(LISTED, 2)
    ] + ["没有导入任何条目，请修改后重试。"]
    assert _points(tmp_path) == LISTED

    more.write_text(POINTS_HEADER + "西河司法所,司法所,示例县西河镇,西河路3号\n", encoding="utf-8")
    code, out, err = await _pufa("directory", "import", "--append", str(more), cwd=tmp_path)
    assert (code, out, err) == (0, "已导入 1 个法律服务点。\n", "")
    assert len(_points(tmp_path)) == 3


@pytest.mark.parametrize("base", ["127.0.0.1:18200/bot", "api.telegram.org/bot", "http:///bot"])
async def test_a_bot_api_address_without_http_is_refused_and_the_token_never_shown(
    base: str, tmp_path: Path
) -> None:
    """PUFA_API_BASE_URL was not checked: `pufa run` failed at its first request with
    aiohttp's error, which printed the request's address with the bot token in it."""
    token = "123456:SECRET-token"
    code, out, err = await _pufa(
        "run", cwd=tmp_path, PUFA_BOT_TOKEN=token, PUFA_API_BASE_URL=base, PUFA_WEB_PORT="0"
    )
    assert (code, out) == (2, ""), err
    assert err.splitlines() == [
        "配置有误：PUFA_API_BASE_URL 应该是 以 http:// 或 https:// 开头、带主机名的 Bot API 地址，"
        f"例如 https://api.telegram.org/bot（现在是 “{base}”）。"
    ]
    assert "SECRET" not in err


async def test_a_token_refused_by_another_bot_api_server_names_its_address_too(
    tmp_path: Path,
) -> None:
    """PUFA_API_BASE_URL without its /bot answers every request with 404, which PTB takes
    for a wrong token: the line named only PUFA_BOT_TOKEN, which was right."""
    async with LocalBotApi() as api:
        base = api.base_url.removesuffix("bot")
        code, _, err = await _pufa(
            "run",
            cwd=tmp_path,
            PUFA_BOT_TOKEN=api.token,
            PUFA_API_BASE_URL=base,
            PUFA_WEB_PORT="0",
        )
    assert code == 1, err
    assert err.strip().splitlines()[-1] == (
        f"{base} 不认这个 token：请检查 PUFA_BOT_TOKEN，"
        "以及 PUFA_API_BASE_URL（Bot API 地址一般以 /bot 结尾）。"
    )


async def test_a_hotline_number_with_a_letter_or_unquoted_says_how_to_write_it(
    tmp_path: Path,
) -> None:
    """A letter O for a zero was said as "这一项的值不对" (this value is wrong), and a number
    left unquoted as "应该是一段文字": neither said what a number should look like."""
    content = copy_content(tmp_path)
    edit(content / "hotlines.yaml", 'number: "12348"', 'number: "1234B"')
    edit(content / "hotlines.yaml", 'number: "12315"', "number: 12315")

    code, out, err = await _pufa("content", "check", cwd=tmp_path, PUFA_CONTENT_DIR=str(content))

    assert code == 1, err
    numbers = [line for line in _errors(out) if ": number: " in line]
    assert sorted(line.split(": number: ")[1] for line in numbers) == [
        f'号码 {shown} 要写成 3 到 8 位数字，加英文引号，比如 "12348"（不能有字母、空格或横线）'
        for shown in ("'1234B'", "12315")
    ]


PHONE_EXAMPLES = "比如 0716-5123456（分机写“转 8012”）、13812345678 或 12348"
# How phone numbers are written, and what the check says of one (None: taken).
PHONES = [
    ("0716-5123456", None),
    ("(0716) 512 3456 转 8012", None),
    ("0716-51234567-8012", None),
    ("138 1234 5678", None),
    ("+86 13812345678", None),
    ("12348、0716-5123456", None),
    ("０７１６－５１２３４５６", None),  # full-width, as a Chinese input method types it
    ("王律师", f"电话 '王律师' 里有“王律师”：这一栏只写电话号码，{PHONE_EXAMPLES}"),
    (
        "13812345678 张主任",
        f"电话 '13812345678 张主任' 里有“张主任”：这一栏只写电话号码，{PHONE_EXAMPLES}",
    ),
    ("5123456", "电话 '5123456' 缺区号：座机号前面要写区号，比如 0716-5123456"),
    (
        "0716-512345",
        "电话 '0716-512345' 不是电话号码（位数或开头不对）：座机是区号加 7–8 位号码，"
        f"手机 11 位、1 开头，服务热线 5 位、12 开头，{PHONE_EXAMPLES}",
    ),
    (
        "56789",
        "电话 '56789' 不是电话号码（位数或开头不对）：座机是区号加 7–8 位号码，"
        f"手机 11 位、1 开头，服务热线 5 位、12 开头，{PHONE_EXAMPLES}",
    ),
    (
        "1381234567",
        "电话 '1381234567' 不是电话号码（位数或开头不对）：座机是区号加 7–8 位号码，"
        f"手机 11 位、1 开头，服务热线 5 位、12 开头，{PHONE_EXAMPLES}",
    ),
    (
        "0716-5123456 转 分机",
        "电话 '0716-5123456 转 分机' 的分机要写 1–6 位数字，比如 0716-5123456 转 8012",
    ),
]


async def test_a_phone_that_is_no_number_is_refused_with_its_row(tmp_path: Path) -> None:
    """A service point's phone was free text: a name in it, a number a digit short or one
    without its area code was imported and shown to residents as the number to call."""
    points = tmp_path / "points.csv"
    rows = [
        f"点{n},司法所,示例县东山镇,东山路{n}号,{phone}\n" for n, (phone, _) in enumerate(PHONES)
    ]
    points.write_text(POINTS_HEADER + "".join(rows), encoding="utf-8")

    code, out, err = await _pufa("directory", "import", str(points), cwd=tmp_path)

    assert (code, out) == (1, ""), err
    assert err.splitlines() == [
        f"错误  points.csv:{row}: phone: {said}"
        for row, (_, said) in enumerate(PHONES, 2)
        if said is not None
    ] + ["没有导入任何条目，请修改后重试。"]
    good = POINTS_HEADER + "".join(
        row for row, (_, said) in zip(rows, PHONES, strict=True) if not said
    )
    points.write_text(good, encoding="utf-8")
    assert await _pufa("directory", "import", str(points), cwd=tmp_path) == (
        0,
        "已导入 7 个法律服务点。\n",
        "",
    )


async def test_content_check_refuses_a_name_for_a_phone_and_keeps_the_samples(
    tmp_path: Path,
) -> None:
    """directory.yaml and advisers.yaml take the same rule; the samples (12348, and the
    advisers' invented 示例电话 0000-0000000) still pass."""
    content = copy_content(tmp_path)
    points, advisers = content / "directory.yaml", content / "advisers.yaml"
    edit(
        points, '  phone: "12348"\n  hours: 工作日 8:30-17:30', "  phone: 李主任\n  hours: 工作日"
    )
    duty = "  duty: 每月第一、三周的周二上午在村委会坐班\n"
    sample = f"  name: 示例律师乙\n  office: 示例律师事务所（示例）\n{duty}"
    sample += "  contact: 示例电话 0000-0000000\n  sample: true\n"
    edit(advisers, sample, f'  name: 张律师\n{duty}  contact: "5123456"\n')

    code, out, err = await _pufa("content", "check", cwd=tmp_path, PUFA_CONTENT_DIR=str(content))

    assert code == 1, err
    assert _errors(out) == [
        f"错误  {named(advisers, '- town: 示例县城关镇', '张律师', holding='张律师')}: contact: "
        "电话 '5123456' 缺区号：座机号前面要写区号，比如 0716-5123456",
        f"错误  {named(points, '- name: 示例县法律援助中心')}: phone: "
        f"电话 '李主任' 里有“李主任”：这一栏只写电话号码，{PHONE_EXAMPLES}",
    ]


async def test_advisers_import_refuses_a_contact_that_is_no_phone_number(tmp_path: Path) -> None:
    advisers = tmp_path / "advisers.csv"
    advisers.write_text(
        "乡镇,村（社区）,姓名,联系方式\n示例县东山镇,桃园村,李律师,李律师\n", encoding="utf-8"
    )
    code, out, err = await _pufa("advisers", "import", str(advisers), cwd=tmp_path)
    assert (code, out) == (1, ""), err
    assert err.splitlines() == [
        "错误  advisers.csv:2: contact: "
        f"电话 '李律师' 里有“李律师”：这一栏只写电话号码，{PHONE_EXAMPLES}",
        "没有导入任何条目，请修改后重试。",
    ]


DATABASE_URL_IS = "配置有误：PUFA_DATABASE_URL 应该是 "
MEMORY = "一个数据库文件，例如 sqlite+aiosqlite:///data/pufa.db（不写文件，数据只存在内存里，停下就没了）"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "postgresql+asyncpg://pufa@127.0.0.1:99999/pufa",
            "端口在 1–65535 之间的数据库地址",
        ),
        (
            "postgresql+asyncpg://pufa@db.example.org/pufa?sslmode=require",
            "asyncpg 认得的地址：它不认识 ?sslmode（要 SSL 就写 ?ssl=require）",
        ),
        ("sqlite+aiosqlite://", MEMORY),
        ("sqlite+aiosqlite:///", MEMORY),
        ("sqlite+aiosqlite:///:memory:", MEMORY),
    ],
)
async def test_a_database_address_pufa_cannot_use_stops_every_command_in_one_line(
    url: str, expected: str, tmp_path: Path
) -> None:
    """A port above 65535 or libpq's ?sslmode=require (as hosting providers write it)
    stopped every command with a Python traceback; a SQLite address without a file kept
    the bot's data in memory, lost at the next stop, and `pufa db upgrade` said it had built
    the database."""
    for command in (
        ["db", "upgrade"],
        ["export", "hours", "--from", "2026-01-01", "--to", "2026-01-31"],
    ):
        code, out, err = await _pufa(*command, cwd=tmp_path, PUFA_DATABASE_URL=url)
        assert (code, out) == (2, ""), (command, err)
        assert err.splitlines() == [f"{DATABASE_URL_IS}{expected}（现在是 “{url}”）。"]


EXPORT = ("export", "hours", "--from", "2026-01-01", "--to", "2026-01-31")


async def test_a_file_that_is_no_database_is_named_in_one_line(tmp_path: Path) -> None:
    """PUFA_DATABASE_URL naming another file (a CSV, the .env) stopped with SQLAlchemy's
    "file is not a database" traceback."""
    other = tmp_path / "points.csv"
    other.write_text(POINTS_HEADER + DONGSHAN, encoding="utf-8")
    url = f"sqlite+aiosqlite:///{other}"
    for command in (("db", "upgrade"), EXPORT, ("directory", "import", str(other))):
        code, out, err = await _pufa(*command, cwd=tmp_path, PUFA_DATABASE_URL=url)
        assert (code, out) == (1, ""), (command, err)
        assert "Traceback" not in err, err
        assert err.splitlines()[-1] == (
            f"{other} 不是机器人的数据库（不是 SQLite 数据库文件，或已损坏），什么也没有改。"
            "请检查 PUFA_DATABASE_URL 指的文件对不对。"
        ), command
    assert other.read_text(encoding="utf-8") == POINTS_HEADER + DONGSHAN


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """`folder` read-only to `pufa`, as a data folder owned by another user: mode 555, and
    immutable when the tests run as root (whom no mode stops; skipped where the file system
    has no such attribute)."""
    folder.chmod(0o555)
    immutable = os.geteuid() == 0
    if immutable and subprocess.run(["chattr", "+i", str(folder)], check=False).returncode:
        folder.chmod(0o755)
        pytest.skip("running as root on a file system without chattr +i")
    try:
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        folder.chmod(0o755)


async def test_a_database_in_a_read_only_folder_is_named_in_one_line(tmp_path: Path) -> None:
    """SQLite writes its -wal and -shm files beside the database: in a folder pufa may not
    write, every command said "无法连接数据库 … 数据库是否已启动" over two lines (SQLAlchemy's
    own second line), and `pufa db backup` stopped with a traceback."""
    data = tmp_path / "data"
    url = f"sqlite+aiosqlite:///{data / 'pufa.db'}"
    assert (await _pufa("db", "upgrade", cwd=tmp_path, PUFA_DATABASE_URL=url))[0] == 0
    points = tmp_path / "points.csv"
    points.write_text(POINTS_HEADER + DONGSHAN, encoding="utf-8")
    commands = [("db", "upgrade"), EXPORT, ("db", "backup", str(tmp_path / "copies"))]
    with read_only(data):
        for command in [*commands, ("directory", "import", str(points))]:
            code, out, err = await _pufa(*command, cwd=tmp_path, PUFA_DATABASE_URL=url)
            assert (code, out) == (1, ""), (command, err)
            assert "Traceback" not in err, err
            assert err.splitlines()[-1] == (
                f"无法写入数据库 {data / 'pufa.db'}：运行 pufa 的用户要能写这个文件和它所在的"
                f"文件夹 {data}（SQLite 在那里建 -wal、-shm 临时文件）。请改好权限（例如 chown），"
                "或把 PUFA_DATABASE_URL 指向能写的位置。"
            ), command


async def test_a_database_folder_that_is_a_file_is_said_in_chinese(tmp_path: Path) -> None:
    """A file where the database's folder should be was said in the system's English
    ("File exists")."""
    other = tmp_path / "data"
    other.write_text("", encoding="utf-8")
    url = f"sqlite+aiosqlite:///{other / 'pufa.db'}"
    code, out, err = await _pufa("db", "upgrade", cwd=tmp_path, PUFA_DATABASE_URL=url)
    assert (code, out) == (1, ""), err
    assert err.splitlines() == [f"无法读写 {other}（这里已经有一个同名的文件，不能当文件夹用）。"]
