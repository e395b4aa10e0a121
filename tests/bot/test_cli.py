import asyncio
import io
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from PIL import Image
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.cli import main
from bot.cli_text import cli_text
from bot.demo import DEMO_COORDINATOR
from bot.settings import load_settings
from content.loader import CONTENT_DIR, Library, load_library
from documents.charts import find_cjk_font
from documents.poster import HEIGHT_PX, WIDTH_PX, poster_png
from documents.qr import card_link
from domain.posters import MAX_PLACE, poster_words
from local_api import LocalBotApi
from storage.backup import dated_name
from storage.db import Database, head_revisions, masked_url
from tests.conftest import BACKENDS, PG_URL, content_without_calendar, sqlite_url
from tests.content.content_copy import copy_content, edit, edit_entry, named
from tests.documents.test_poster import assert_code_reads
from tests.processes import BotProcess, Store, free_port, run_pufa, start_bot, stop_all, store
from tests.reporting import add_report, add_volunteer
from tests.waiting import CEILING_SECONDS, INDEX_BUILD_SECONDS, eventually


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env or data/ from the developer's checkout
    monkeypatch.setenv("PUFA_DATABASE_URL", sqlite_url(tmp_path))


def test_content_check_passes_on_real_content(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["content", "check"]) == 0
    assert "内容检查通过" in capsys.readouterr().out


def test_content_check_lists_problems_and_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, content, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    (content / "cards" / "bad.md").write_text("---\nid: Bad Id\n---\n", encoding="utf-8")
    monkeypatch.setenv("PUFA_CONTENT_DIR", str(content))
    assert main(["content", "check"]) == 1
    out = capsys.readouterr().out
    assert "cards/bad.md" in out and "title" in out


SAFETY_KINDS = ("self_harm", "violence_at_home")


def test_content_check_refuses_a_safety_kind_naming_an_unknown_number_or_card(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    content = copy_content(tmp_path)
    safety = content / "safety.yaml"
    edit_entry(safety, "self_harm", '"12356"', '"12399"')
    edit_entry(safety, "violence_at_home", "card: domestic-violence", "card: family-violence")
    monkeypatch.setenv("PUFA_CONTENT_DIR", str(content))

    assert main(["content", "check"]) == 1

    errors = [line for line in capsys.readouterr().out.splitlines() if line.startswith("错误")]
    self_harm, at_home = (named(safety, f"- id: {kind}") for kind in SAFETY_KINDS)
    assert any(f"{self_harm}: numbers" in e and "12399" in e for e in errors), errors
    assert any(f"{at_home}: card" in e and "family-violence" in e for e in errors), errors


def test_content_check_refuses_a_town_whose_fallback_desk_is_gone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A coordinator deletes 西河镇's `fallback: true`: the check says which town lost its 兜底
    desk and which desks could be it, instead of routing by the file's order."""
    content = copy_content(tmp_path)
    desks = content / "desks.yaml"
    edit_entry(desks, "xihe-mediation-committee", "  fallback: true", "  fallback: false")
    monkeypatch.setenv("PUFA_CONTENT_DIR", str(content))

    assert main(["content", "check"]) == 1

    errors = [line for line in capsys.readouterr().out.splitlines() if line.startswith("错误")]
    assert errors == [
        "错误  desks.yaml: fallback: 示例县西河镇 有几个值班台，但没有兜底值班台：请给其中一个写 "
        "fallback: true（可选：county-legal-aid-centre、xihe-mediation-committee），"
        "没有对口值班台的留言会送到那里"
    ]


def test_content_check_names_a_bad_choice_and_the_allowed_ones_in_chinese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    content = copy_content(tmp_path)
    desks = content / "desks.yaml"
    edit_entry(desks, "chengguan-judicial-office", "kind: judicial_office", "kind: 司法所")
    edit_entry(desks, "chengguan-judicial-office", "- 周一至周五 08:30", "- 周八至周五 08:30")
    edit_entry(desks, "dongshan-judicial-office", "[mediation, civil", "[mediate, civil")
    edit(
        content / "hotlines.yaml",
        "name: 报警电话\n  group: emergency",
        "name: 报警电话\n  group: 紧急",
    )
    edit_entry(content / "campaigns.yaml", "consumer-rights-day", "kind: fixed", "kind: yearly")
    edit(content / "cards" / "unpaid-wages.md", "category: labor", "category: wages")
    monkeypatch.setenv("PUFA_CONTENT_DIR", str(content))

    assert main(["content", "check"]) == 1

    errors = [line for line in capsys.readouterr().out.splitlines() if line.startswith("错误")]
    categories = (
        "只能是：civil_code、constitution、consumer、disputes、fraud、labor、legal_aid、"
        "mediation、pufa、rural、security、youth"
    )
    chengguan = named(desks, "- id: chengguan-judicial-office")
    dongshan = named(desks, "- id: dongshan-judicial-office")
    police = named(content / "hotlines.yaml", '- number: "110"')
    consumer_day = named(content / "campaigns.yaml", "- id: consumer-rights-day")
    assert sorted(errors) == sorted(
        [
            f"错误  {chengguan}: kind: '司法所' 不是可选的值，"
            "只能是：judicial_office、legal_aid_centre、mediation_committee、village_adviser",
            f"错误  {chengguan}: hours.0: "
            "看不懂 '周八至周五'，请写成 周一、周一至周五、工作日 或 每天",
            f"错误  {dongshan}: categories: "
            f"未知分类 'mediate'（categories.yaml 里没有），{categories}",
            f"错误  {police}: group: '紧急' 不是可选的值，只能是：emergency、legal、field、people",
            f"错误  {consumer_day}: kind: 'yearly' 不是可选的值，只能是：fixed、month、movable",
            "错误  cards/unpaid-wages.md: category: "
            f"未知分类 'wages'（categories.yaml 里没有），{categories}",
        ]
    )


def test_ask_json_reads_one_question_per_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("宪法日是哪天\n\n  \n今天天气怎么样\n\n"))
    assert main(["ask", "--json", "-"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 2  # blank lines are no questions
    first, second = rows
    assert first["matched"] and first["card_id"] == "constitution-day"
    assert "12月4日" in first["answer"]
    assert set(first) >= {"matched", "card_id", "title", "score", "answer", "alternatives"}
    assert not second["matched"] and second["card_id"] is None and "12348" in second["answer"]


@pytest.mark.parametrize("question", ["", "  "])
def test_ask_refuses_an_empty_question(question: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as refused:
        main(["ask", question])
    assert refused.value.code == 2
    captured = capsys.readouterr()
    assert "pufa ask：问题：不能是空的" in captured.err and not captured.out


def test_ask_human_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "哪里可以免费请律师"]) == 0
    assert "法律援助" in capsys.readouterr().out


def test_qr_code_png_for_a_card(tmp_path: Path) -> None:
    out = tmp_path / "qr.png"
    assert main(["content", "qr", "unpaid-wages", "-o", str(out), "--bot", "@pufa_bot"]) == 0
    assert out.read_bytes().startswith(b"\x89PNG")
    assert main(["content", "qr", "no-such-card", "--bot", "pufa_bot"]) == 1
    assert main(["content", "qr", "unpaid-wages"]) == 2  # no bot username known


def test_qr_poster_for_a_card(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "posters"
    folder.mkdir()
    assert (
        main(["content", "qr", "unpaid-wages", "--poster", "--bot", "pufa_bot", "-o", str(folder)])
        == 0
    )
    poster = folder / "unpaid-wages-poster.png"
    link = card_link("pufa_bot", "unpaid-wages")
    assert link in capsys.readouterr().out
    with Image.open(poster) as image:
        assert image.size == (WIDTH_PX, HEIGHT_PX)
    assert_code_reads(poster.read_bytes(), link)
    assert main(["content", "qr", "no-such-card", "--poster", "--bot", "pufa_bot"]) == 1


def test_qr_poster_with_a_place(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--place is a line of the poster, tidied; too long, or without --poster, is refused."""
    place = "东山镇司法所 · 普法志愿服务"
    output = tmp_path / "east.png"
    argv = ["content", "qr", "unpaid-wages", "--poster", "--bot", "pufa_bot", "-o", str(output)]
    assert main([*argv, "--place", f"  {place}  "]) == 0
    library = load_library(CONTENT_DIR)
    words = poster_words(library, library.cards["unpaid-wages"].title, place=place)
    link = card_link("pufa_bot", "unpaid-wages")
    assert output.read_bytes() == poster_png(words, link)  # no PUFA_CHART_FONT: the same font
    assert_code_reads(output.read_bytes(), link)
    capsys.readouterr()
    assert main([*argv, "--place", "长" * (MAX_PLACE + 1)]) == 2
    assert cli_text("qr.place_bad", most=MAX_PLACE) in capsys.readouterr().err
    bare = ["content", "qr", "unpaid-wages", "--bot", "pufa_bot", "-o", str(tmp_path / "q.png")]
    assert main([*bare, "--place", place]) == 2
    assert cli_text("qr.place_without_poster") in capsys.readouterr().err
    assert not (tmp_path / "q.png").exists()


@pytest.mark.skipif(find_cjk_font(None) is None, reason="no CJK font: the poster is in pinyin")
def test_qr_poster_says_what_its_font_cannot_print(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Emoji the poster's font has no glyph for are left off the poster, and the command says
    which, once each, in a note after what it wrote; a place it can print gets no note."""
    output = tmp_path / "east.png"
    argv = ["content", "qr", "unpaid-wages", "--poster", "--bot", "pufa_bot", "-o", str(output)]
    assert main([*argv, "--place", "🎉东山镇司法所 · 普法志愿服务✨🎉"]) == 0
    link = card_link("pufa_bot", "unpaid-wages")
    written, note = capsys.readouterr().out.splitlines()
    assert written == cli_text("qr.written", path=output, link=link)
    assert note == cli_text("qr.dropped", chars="🎉✨")
    assert_code_reads(output.read_bytes(), link)
    assert main([*argv, "--place", "东山镇司法所 · 普法志愿服务"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1  # only what it wrote


def test_directory_import_replaces_samples(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv_file = tmp_path / "points.csv"
    csv_file.write_text(
        "name,kind,town,address,phone,hours,lat,lon\n城关司法所,司法所,城关镇,城关路1号,,,30.1,110.2\n",
        encoding="utf-8",
    )
    assert main(["directory", "import", str(csv_file)]) == 0
    assert "1" in capsys.readouterr().out
    csv_file.write_text("name,kind,town,address\n,司法所,镇,路\n", encoding="utf-8")
    assert main(["directory", "import", str(csv_file)]) == 1
    err = capsys.readouterr().err
    assert "没有导入" in err and "name: 缺少这一项" in err and "Field required" not in err
    assert main(["directory", "import", str(tmp_path / "missing.csv")]) == 1
    assert "文件不存在" in capsys.readouterr().err


def test_directory_import_reads_the_column_names_and_kinds_of_the_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A coordinator adds a column name and a kind to the content: the import takes a file
    using them; a column name given to two fields is refused by the check, naming both."""
    content = copy_content(tmp_path)
    edit(
        content / "csv_headers.yaml",
        "  town: [乡镇, 乡镇街道, 镇街, 所在乡镇",
        "  town: [所在镇, 乡镇, 乡镇街道, 镇街, 所在乡镇",
    )
    edit(content / "point_kinds.yaml", "  - 公证处\n", "  - 公证处\n  - 仲裁委员会\n")
    monkeypatch.setenv("PUFA_CONTENT_DIR", str(content))
    csv_file = tmp_path / "points.csv"
    csv_file.write_text("名称,类型,所在镇,地址\n示例仲裁委,县仲裁委员会,城关镇,城关路2号\n")
    assert main(["directory", "import", str(csv_file)]) == 0
    assert "1" in capsys.readouterr().out

    edit(content / "csv_headers.yaml", "  hours: [时间,", "  hours: [所在镇, 时间,")
    assert main(["content", "check"]) == 1
    errors = [line for line in capsys.readouterr().out.splitlines() if line.startswith("错误")]
    assert errors == [
        "错误  csv_headers.yaml: directory.hours: 列名 '所在镇' 和 directory.town 的 '所在镇' "
        "比较时是同一个：一个列名只能对应一项"
    ]


def test_run_without_token_explains_demo(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("PUFA_BOT_TOKEN", raising=False)
    assert main(["run"]) == 2
    assert "pufa demo" in capsys.readouterr().err


def test_db_upgrade_and_entry_point(tmp_path: Path) -> None:
    assert main(["db", "upgrade"]) == 0
    assert (tmp_path / "pufa.db").exists()
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "--help"], capture_output=True, text=True, check=True
    )
    assert "demo" in done.stdout


async def test_db_upgrade_says_what_it_did(tmp_path: Path) -> None:
    [head] = head_revisions()
    older = tmp_path / "older"
    db = Database(sqlite_url(older))
    await db.upgrade("0012")
    await db.dispose()
    said = []
    for folder in (tmp_path, tmp_path, older):
        code, out, err = await _pufa("db", "upgrade", PUFA_DATABASE_URL=sqlite_url(folder))
        assert (code, err) == (0, ""), err
        said.append(out)
    assert said == [
        f"已在 {tmp_path / 'pufa.db'} 建好数据库（结构版本 {head}）。\n",
        f"{tmp_path / 'pufa.db'} 的数据库已是最新结构（版本 {head}），没有改动。\n",
        f"已把 {older / 'pufa.db'} 的数据库结构从 0012 升级到 {head}。\n",
    ]


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL not configured (PUFA_TEST_DATABASE_URL)")
async def test_db_upgrade_names_the_postgresql_schema_it_created(tmp_path: Path) -> None:
    [head] = head_revisions()
    async with store("postgresql", tmp_path) as data:
        code, out, err = await _pufa("db", "upgrade", **data.env())
    assert (code, err) == (0, ""), err
    shown = make_url(PG_URL).render_as_string(hide_password=True)
    assert out == f"已在 {shown}（schema {data.schema}） 建好数据库（结构版本 {head}）。\n"


async def test_run_with_the_database_out_of_reach_says_so_in_one_line() -> None:
    async with LocalBotApi() as api:
        env = dict(
            os.environ,
            PUFA_BOT_TOKEN=api.token,
            PUFA_API_BASE_URL=api.base_url,
            PUFA_WEB_PORT="0",
            PUFA_DATABASE_URL="postgresql+asyncpg://u:secret@127.0.0.1:1/x",
        )
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.cli", "run", env=env, stderr=asyncio.subprocess.PIPE
        )
        _, err = await asyncio.wait_for(process.communicate(), 120)
    lines = err.decode().strip().splitlines()
    assert process.returncode == 1
    assert lines[-1].startswith("无法连接数据库 postgresql+asyncpg://u:***@127.0.0.1:1/x")
    assert "Traceback" not in err.decode() and "secret" not in err.decode()


async def test_run_with_its_web_port_taken_says_so_in_one_line(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        async with LocalBotApi() as api:
            env = dict(
                os.environ,
                PUFA_BOT_TOKEN=api.token,
                PUFA_API_BASE_URL=api.base_url,
                PUFA_DATABASE_URL=sqlite_url(tmp_path),
                PUFA_WEB_PORT=str(port),
            )
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot.cli", "run", env=env, stderr=asyncio.subprocess.PIPE
            )
            _, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode == 1
    assert err.decode().strip().splitlines()[-1].startswith(f"端口 127.0.0.1:{port} 已被占用")
    assert "Traceback" not in err.decode()


def test_advisers_import_takes_chinese_headers_and_refuses_a_file_with_a_bad_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv_file = tmp_path / "advisers.csv"
    header = "序号,乡镇,村（社区）,姓名,律所,坐班时间,联系电话\n"
    good = "1,示例县东山镇,桃园村,李律师,某律师事务所,每周三上午,0716-5123456\n"
    csv_file.write_bytes((header + good).encode("gb18030"))
    assert main(["advisers", "import", str(csv_file)]) == 0
    assert "已导入 1 位" in capsys.readouterr().out
    bad = "2,示例县东山镇,没有的村,王律师,,,0000\n3,示例县东山镇,石门村,,,,\n"
    csv_file.write_text(header + good + bad, encoding="utf-8")
    assert main(["advisers", "import", str(csv_file)]) == 1
    err = capsys.readouterr().err
    assert "advisers.csv:3" in err and "advisers.csv:4" in err and "没有导入" in err


async def test_imported_advisers_replace_the_samples(tmp_path: Path) -> None:
    from storage.db import Database
    from storage.residents import advisers_in

    csv_file = tmp_path / "advisers.csv"
    csv_file.write_text(
        "town,village,name,contact\n示例县西河镇,柳湾村,赵律师,0716-5654321\n", encoding="utf-8"
    )
    assert await asyncio.to_thread(main, ["advisers", "import", str(csv_file)]) == 0
    db = Database(sqlite_url(tmp_path))
    async with db.session() as session:
        found = await advisers_in(session=session, town="示例县西河镇")
    await db.dispose()
    assert [(a.village, a.name, a.sample) for a in found] == [("柳湾村", "赵律师", False)]


def test_usage_help_and_errors_are_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_help:
        main(["export", "reports", "--help"])
    assert exit_help.value.code == 0
    shown = capsys.readouterr().out
    assert "用法：pufa export reports" in shown and "显示这段帮助" in shown
    assert "usage" not in shown and "show this help" not in shown and "options" not in shown
    for argv, said in (
        (["export", "reports"], "缺少参数：--from, --to"),
        (["export", "nope"], "不能是 'nope'"),
        (["demo", "--port", "x"], "--port 的值 'x' 不对"),
        (["export", "hours", "--from", "2026-13-01", "--to", "2026-12-01"], "日期格式应为"),
        (["content", "check", "--what"], "不认识的参数：--what"),
    ):
        with pytest.raises(SystemExit) as exit_error:
            main(argv)
        assert exit_error.value.code == 2
        err = capsys.readouterr().err
        assert said in err and "error" not in err and "usage" not in err, err


def test_export_help_says_in_chinese_what_each_kind_holds(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_help:
        main(["export", "--help"])
    assert exit_help.value.code == 0
    shown = capsys.readouterr().out
    assert "把统计数据导出成表格" in shown
    for kind, holds in (
        ("reports", "活动报告：一次活动一行"),
        ("hours", "服务时长：每位志愿者一行"),
        ("satisfaction", "满意度测评：居民点的 👍 / 👎"),
        ("tickets", "留言：居民给值班人员的留言"),
        ("reach", "二维码：每个二维码在这段时间带来的新居民"),
        ("evidence", "考核材料：一年的活动按考核指标分表"),
    ):
        assert re.search(rf"{kind}\s+{holds}", shown), kind
    for kind, offers_no_phone in (("hours", True), ("tickets", False)):
        with pytest.raises(SystemExit):
            main(["export", kind, "--help"])
        shown = capsys.readouterr().out
        assert "开始日期" in shown and "xlsx（默认）或 csv" in shown
        assert ("--no-phone" in shown) == offers_no_phone


@pytest.mark.parametrize("kind", ["satisfaction", "tickets", "reach"])
def test_no_phone_is_refused_by_the_exports_without_phone_numbers(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["export", kind, "--from", "2026-01-01", "--to", "2026-01-31", "--no-phone"]
    assert main(argv) == 2
    assert capsys.readouterr().err == (
        f"{kind} 导出里没有电话号码，--no-phone 只用于 reports 和 hours。\n"
    )
    assert list(tmp_path.iterdir()) == []


DATABASE_EXPECTED = (
    "配置有误：PUFA_DATABASE_URL 应该是 sqlite+aiosqlite:///文件 或 "
    "postgresql+asyncpg://用户@主机/数据库，只支持这两种驱动"
)

WEBHOOK_URL_EXPECTED = (
    "配置有误：PUFA_WEBHOOK_URL 应该是 以 https:// 开头、带主机名的完整网址（Telegram 只向 "
    "https 推送；本地测试可用 http://），例如 https://bot.example.org/tg/hook"
)
PUBLIC_URL_EXPECTED = (
    "配置有误：PUFA_PUBLIC_URL 应该是 以 http:// 或 https:// 开头、带主机名的网址"
    "（协调员的浏览器打开工作台用），例如 https://pufa.example.org"
)


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        (
            "PUFA_WEB_PORT",
            "abc",
            "配置有误：PUFA_WEB_PORT 应该是 0–65535 之间的整数（现在是 “abc”）。",
        ),
        ("PUFA_WEB_PORT", "70000", "PUFA_WEB_PORT 应该是 0–65535 之间的整数（现在是 “70000”）。"),
        ("PUFA_TIMEZONE", "Mars/Base", "PUFA_TIMEZONE 应该是 时区名，例如 Asia/Shanghai（现在是"),
        ("PUFA_TIMEZONE", "America", "PUFA_TIMEZONE 应该是 时区名"),
        ("PUFA_ADMIN_IDS", "abc,12", "PUFA_ADMIN_IDS 应该是 用英文逗号分隔的 Telegram 用户 id"),
        ("PUFA_REPORT_NOTIFY", "weekly", "PUFA_REPORT_NOTIFY 应该是 each、digest、off 之一"),
        (
            "PUFA_LOG_LEVEL",
            "LOUD",
            "PUFA_LOG_LEVEL 应该是 DEBUG、INFO、WARNING、ERROR、CRITICAL 之一",
        ),
        ("PUFA_LOCK_CHECK_SECONDS", "0", "PUFA_LOCK_CHECK_SECONDS 应该是 大于 0、不大于 60 的数"),
        ("PUFA_WEBHOOK_DROP_PENDING", "maybe", "PUFA_WEBHOOK_DROP_PENDING 应该是 true 或 false"),
        (
            "PUFA_WEBHOOK_SECRET",
            "bad secret!",
            "配置有误：PUFA_WEBHOOK_SECRET 应该是 1–256 个字符，只能用 A–Z a–z 0–9 _ -"
            "（Telegram 的要求）。",  # and never the secret itself
        ),
        ("PUFA_DATABASE_URL", "garbage", f"{DATABASE_EXPECTED}（现在是 “garbage”）。"),
        (
            "PUFA_DATABASE_URL",
            "sqlite:///x.db",
            f"{DATABASE_EXPECTED}（现在是 “sqlite:///x.db”）。",
        ),
        ("PUFA_DATABASE_URL", "mysql://u:pw@h/db", "（现在是 “mysql://u:***@h/db”）。"),
        ("PUFA_DATABASE_URL", "postgresql://u:pw@h/db", "（现在是 “postgresql://u:***@h/db”）。"),
        ("PUFA_DATABASE_URL", "u:pw@h", f"{DATABASE_EXPECTED}（现在是 “***”）。"),
        ("PUFA_WEBHOOK_URL", "notaurl", f"{WEBHOOK_URL_EXPECTED}（现在是 “notaurl”）。"),
        ("PUFA_WEBHOOK_URL", "bot.example.org/tg/hook", WEBHOOK_URL_EXPECTED),
        ("PUFA_WEBHOOK_URL", "https:///tg/hook", WEBHOOK_URL_EXPECTED),
        ("PUFA_PUBLIC_URL", "notaurl", f"{PUBLIC_URL_EXPECTED}（现在是 “notaurl”）。"),
        ("PUFA_PUBLIC_URL", "ftp://pufa.example.org", PUBLIC_URL_EXPECTED),
        ("PUFA_PUBLIC_URL", "https://pufa.example.org:port", PUBLIC_URL_EXPECTED),
        (
            "PUFA_DATABASE_SCHEMA",
            "bad schema;",
            "配置有误：PUFA_DATABASE_SCHEMA 应该是 PostgreSQL 的 schema 名：字母、数字或下划线，"
            "不以数字开头，最多 63 个字符，例如 dongshan（现在是 “bad schema;”）。",
        ),
        ("PUFA_DATABASE_SCHEMA", "1st", "PUFA_DATABASE_SCHEMA 应该是 PostgreSQL 的 schema 名"),
        (
            "PUFA_CONTENT_DIR",
            "/srv/no-such-content",
            "配置有误：PUFA_CONTENT_DIR 应该是 一个已有的内容文件夹（先复制一份："
            "cp -r content /srv/pufa-content；不设置就用自带的示例内容）"
            "（现在是 “/srv/no-such-content”）。",
        ),
    ],
)
def test_a_bad_setting_is_named_in_one_line_by_every_command(
    variable: str,
    value: str,
    said: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("PUFA_BOT_TOKEN", "123:abc")
    monkeypatch.setenv(variable, value)
    for argv in (["run"], ["webhook"], ["db", "upgrade"], ["content", "check"], ["ask", "工资"]):
        assert main(argv) == 2, argv
        captured = capsys.readouterr()
        [line] = captured.err.splitlines()
        assert line.startswith("配置有误：") and said in line, (argv, line)
        assert not captured.out and "bad secret" not in line and "pw" not in line
    assert not (Path.cwd() / "pufa.db").exists()


def test_several_bad_settings_get_a_line_each(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PUFA_WEB_PORT", "x")
    monkeypatch.setenv("PUFA_TIMEZONE", "y")
    assert main(["content", "check"]) == 2
    assert sorted(capsys.readouterr().err.splitlines()) == [
        "配置有误：PUFA_TIMEZONE 应该是 时区名，例如 Asia/Shanghai（现在是 “y”）。",
        "配置有误：PUFA_WEB_PORT 应该是 0–65535 之间的整数（现在是 “x”）。",
    ]


def test_an_empty_setting_means_its_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".env").write_text("PUFA_TIMEZONE=\nPUFA_REPORT_NOTIFY=\n", encoding="utf-8")
    for variable in ("PUFA_WEB_PORT", "PUFA_CONTENT_DIR", "PUFA_LOG_LEVEL", "PUFA_ADMIN_IDS"):
        monkeypatch.setenv(variable, "")
    assert main(["content", "check"]) == 0  # the packaged content, not the current folder
    assert "内容检查通过" in capsys.readouterr().out
    assert main(["db", "upgrade"]) == 0
    assert (tmp_path / "pufa.db").exists()


async def test_choices_are_taken_in_any_case(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    choices = {"log_level": "debug", "log_format": "JSON", "report_notify": "Digest"}
    for name, value in choices.items():
        monkeypatch.setenv(f"PUFA_{name.upper()}", value)
    taken = load_settings()
    assert (taken.log_level, taken.log_format, taken.report_notify) == ("DEBUG", "json", "digest")
    async with LocalBotApi() as api:
        bot = await start_bot(api, Store(sqlite_url(tmp_path)), tmp_path, settings=choices)
        try:
            await eventually(lambda: _active(bot), INDEX_BUILD_SECONDS)
            assert await bot.stop() == 0
        finally:
            await stop_all(bot)
    logged = [json.loads(line) for line in bot.output().splitlines()]
    assert {"DEBUG", "INFO"} <= {line["level"] for line in logged}
    assert not [line for line in logged if line["level"] in ("ERROR", "CRITICAL")]


def test_a_valid_webhook_secret_is_taken(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PUFA_WEBHOOK_SECRET", "s3cret-Token_1" + "x" * 242)  # 256 characters
    assert main(["content", "check"]) == 0
    monkeypatch.setenv("PUFA_WEBHOOK_SECRET", "s3cret-Token_1" + "x" * 243)
    assert main(["content", "check"]) == 2


def test_db_upgrade_with_the_database_out_of_reach_says_so_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PUFA_DATABASE_URL", "postgresql+asyncpg://u:secret@127.0.0.1:1/x")
    assert main(["db", "upgrade"]) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("无法连接数据库 postgresql+asyncpg://u:***@127.0.0.1:1/x（")
    assert "secret" not in line


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL not configured (PUFA_TEST_DATABASE_URL)")
@pytest.mark.parametrize("wrong", ["role", "database"])
def test_db_upgrade_names_a_role_or_database_that_does_not_exist(
    wrong: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = make_url(PG_URL)
    url = url.set(username="no_such_role", password="secret") if wrong == "role" else url
    url = url.set(database="no_such_database") if wrong == "database" else url
    monkeypatch.setenv("PUFA_DATABASE_URL", url.render_as_string(hide_password=False))
    assert main(["db", "upgrade"]) == 1
    [line] = capsys.readouterr().err.splitlines()
    shown = url.render_as_string(hide_password=True)
    assert line.startswith(f"数据库 {shown} 拒绝连接（") and f"no_such_{wrong}" in line
    assert line.endswith("请检查 PUFA_DATABASE_URL 的用户、密码和库名。")
    assert "secret" not in line


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL not configured (PUFA_TEST_DATABASE_URL)")
async def test_a_schema_that_is_not_there_is_named_with_how_to_create_it() -> None:
    url = make_url(PG_URL)
    schema = "no_such_schema_here"
    said = (
        f"数据库 {url.render_as_string(hide_password=True)} 里没有 schema “{schema}”"
        "（PUFA_DATABASE_SCHEMA），机器人的表没有地方建。请先在数据库里执行 "
        f"CREATE SCHEMA {schema} AUTHORIZATION {url.username}; 建好它，"
        "或改正 PUFA_DATABASE_SCHEMA。"
    )
    env = {"PUFA_DATABASE_URL": PG_URL, "PUFA_DATABASE_SCHEMA": schema, "PUFA_WEB_PORT": "0"}
    async with LocalBotApi() as api:
        upgraded = await _pufa("db", "upgrade", **env)
        ran = await _pufa("run", PUFA_BOT_TOKEN=api.token, PUFA_API_BASE_URL=api.base_url, **env)
    for code, _, err in (upgraded, ran):
        assert code == 1 and "Traceback" not in err, err
        assert err.splitlines()[-1] == said


@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_database_migrated_by_a_newer_version_is_refused_in_one_line(
    backend: str, tmp_path: Path
) -> None:
    """After a rollback to this version: the database is at a migration it does not have."""
    async with store(backend, tmp_path) as data:
        db = data.database()
        await db.upgrade()
        async with db.engine.begin() as connection:
            await connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        await db.dispose()
        env = data.env() | {"PUFA_WEB_PORT": "0"}
        async with LocalBotApi() as api:
            upgraded = await _pufa("db", "upgrade", **env)
            ran = await _pufa(
                "run", PUFA_BOT_TOKEN=api.token, PUFA_API_BASE_URL=api.base_url, **env
            )
        db = data.database()
        async with db.engine.connect() as connection:
            version = (
                await connection.execute(text("SELECT version_num FROM alembic_version"))
            ).all()
        await db.dispose()
    [head] = head_revisions()
    said = (
        f"数据库 {masked_url(data.url)} 已由更新版本的 pufa-bot 升级过（结构版本 9999，"
        f"这个版本只认识到 {head}），这个版本不能用它，什么也没有改。请改回运行那个新版本；"
        "确实要退回这个版本，请先恢复升级前的数据库备份。"
    )
    for code, _, err in (upgraded, ran):
        assert code == 1 and "Traceback" not in err, err
        assert err.splitlines()[-1] == said
    assert version == [("9999",)]


async def _pufa(*argv: str, **env: str) -> tuple[int, str, str]:
    """`pufa ARGV` in a subprocess, with `env` over this process's environment."""
    return await run_pufa(*argv, env=env)


@pytest.mark.parametrize(
    ("command", "variable", "value"),
    [
        ("webhook", "PUFA_WEBHOOK_URL", "notaurl"),
        ("run", "PUFA_PUBLIC_URL", "notaurl"),
        ("db upgrade", "PUFA_DATABASE_SCHEMA", "bad schema;"),
        ("run", "PUFA_CONTENT_DIR", "/srv/no-such-content"),
    ],
)
async def test_a_bad_address_schema_or_folder_stops_the_command_in_one_line(
    command: str, variable: str, value: str, tmp_path: Path
) -> None:
    env = {
        "PUFA_BOT_TOKEN": "123:abc",
        "PUFA_WEBHOOK_SECRET": "s3cret-Token_1",
        "PUFA_WEB_PORT": "0",
        "PUFA_DATABASE_URL": (
            "postgresql+asyncpg://pufa@127.0.0.1:1/pufa"  # a schema is PostgreSQL's
            if variable == "PUFA_DATABASE_SCHEMA"
            else sqlite_url(tmp_path)
        ),
        variable: value,
    }
    code, out, err = await _pufa(*command.split(), **env)
    assert (code, out) == (2, ""), err
    [line] = err.splitlines()
    assert line.startswith(f"配置有误：{variable} 应该是 ")
    assert line.endswith(f"（现在是 “{value}”）。")
    assert not (tmp_path / "pufa.db").exists()


async def test_a_web_app_on_every_address_sends_no_useless_login_link(tmp_path: Path) -> None:
    """Without PUFA_PUBLIC_URL no address of the machine is known to reach the dashboard:
    the coordinator is told what the operator must set, and the start logs it."""
    coordinator = 50_002
    async with LocalBotApi() as api:
        bot = await start_bot(
            api,
            Store(sqlite_url(tmp_path)),
            tmp_path,
            settings={"web_host": "0.0.0.0", "admin_ids": str(coordinator)},
        )
        try:
            await eventually(lambda: _active(bot), INDEX_BUILD_SECONDS)
            api.send_command(api.user(coordinator, "协调员"), "/dashboard")
            [reply] = await api.wait_for_messages(coordinator)
            assert await bot.stop() == 0
        finally:
            await stop_all(bot)
    assert reply.text is not None and "PUFA_PUBLIC_URL" in reply.text
    assert "http" not in reply.text.replace("https://pufa.example.org", "")  # no link
    assert "PUFA_WEB_HOST 0.0.0.0 listens on every address" in bot.output()
    with sqlite3.connect(tmp_path / "pufa.db") as connection:
        assert connection.execute("SELECT count(*) FROM dashboard_login").fetchone() == (0,)
    connection.close()


async def test_run_with_broken_content_lists_the_problems_as_content_check_does(
    tmp_path: Path,
) -> None:
    content = copy_content(tmp_path)
    (content / "cards" / "bad.md").write_text("---\nid: Bad Id\n---\n", encoding="utf-8")
    env = {"PUFA_CONTENT_DIR": str(content), "PUFA_BOT_TOKEN": "123:abc", "PUFA_WEB_PORT": "0"}
    checked = await _pufa("content", "check", **env)
    ran = await _pufa("run", **env)
    assert checked[0] == ran[0] == 1
    assert ran[1] == checked[1] and "cards/bad.md" in ran[1]
    assert "Traceback" not in ran[2]


async def test_run_with_telegram_out_of_reach_says_so_and_closes_its_connections() -> None:
    code, _, err = await _pufa(
        "run", PUFA_BOT_TOKEN="123:abc", PUFA_API_BASE_URL="http://127.0.0.1:1/bot"
    )
    assert code == 1
    assert err.strip().splitlines()[-1].startswith("无法连接 Telegram（http://127.0.0.1:1/bot，")
    assert "Unclosed" not in err and "Traceback" not in err


async def test_dashboard_link_names_the_port_bound_for_port_0(tmp_path: Path) -> None:
    coordinator = 50_001
    async with LocalBotApi() as api:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "run",
            env=dict(
                os.environ,
                PUFA_BOT_TOKEN=api.token,
                PUFA_API_BASE_URL=api.base_url,
                PUFA_WEB_PORT="0",
                PUFA_ADMIN_IDS=str(coordinator),
                PUFA_CONTENT_DIR=str(content_without_calendar(tmp_path)),
            ),
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            await api.wait_until_polling()
            api.send_command(api.user(coordinator, "协调员"), "/dashboard")
            [reply] = await api.wait_for_messages(coordinator)
            link = re.search(r"http://\S+/dashboard/login\?token=\S+", reply.text or "")
            assert link is not None, reply.text
            async with aiohttp.ClientSession() as client, client.get(link[0]) as page:
                assert page.status == 200  # the login page, served on that port
        finally:
            process.terminate()
            _, err = await asyncio.wait_for(process.communicate(), 120)
    [port] = re.findall(r"web app listening on 127\.0\.0\.1:(\d+)", err.decode())
    assert urlsplit(link[0]).port == int(port) != 0


async def _run_until_active(api: LocalBotApi, data: Store, cwd: Path, log_level: str) -> str:
    """`pufa run` until it is active, then stopped (SIGTERM): what it logged."""
    bot = await start_bot(api, data, cwd, settings={"log_level": log_level})
    try:
        await eventually(lambda: _active(bot), INDEX_BUILD_SECONDS)
        assert await bot.stop() == 0
    finally:
        await stop_all(bot)
    return bot.output()


async def _active(bot: BotProcess) -> bool:
    return (await bot.health())[1].get("role") == "active"


async def test_start_logs_one_line_about_the_schema_and_each_migration_only_at_debug(
    tmp_path: Path,
) -> None:
    [head] = head_revisions()
    older = tmp_path / "older"
    db = Database(sqlite_url(older))
    await db.upgrade("0012")
    await db.dispose()
    async with LocalBotApi() as api:
        fresh = await _run_until_active(api, Store(sqlite_url(tmp_path)), tmp_path, "INFO")
        again = await _run_until_active(api, Store(sqlite_url(tmp_path)), tmp_path, "INFO")
        debug = await _run_until_active(api, Store(sqlite_url(older)), tmp_path, "DEBUG")

    def schema_lines(log: str) -> list[str]:
        return [line.split(": ", 1)[1] for line in log.splitlines() if " storage.db: " in line]

    assert schema_lines(fresh) == [f"database schema upgraded from empty to {head}"]
    assert schema_lines(again) == [f"database schema is current ({head})"]
    assert "alembic" not in fresh + again
    assert schema_lines(debug) == [f"database schema upgraded from 0012 to {head}"]
    assert "DEBUG alembic.runtime.migration: Running upgrade 0012 -> 0013, " in debug
    assert "INFO alembic" not in debug


@pytest.mark.parametrize("which", ["chat", "dashboard"])
async def test_demo_with_a_port_taken_says_so_in_one_line(which: str) -> None:
    port = free_port(span=2)
    busy = port if which == "chat" else port + 1  # the dashboard's port is the chat's + 1
    taken = socket.socket()
    taken.bind(("127.0.0.1", busy))
    taken.listen()
    with taken:
        code, _, err = await _pufa("demo", "--port", str(port))
    assert code == 1
    assert err.strip().splitlines()[-1] == (
        f"端口 127.0.0.1:{busy} 已被占用。请换一个 PUFA_WEB_PORT，或先停掉占用它的程序。"
    )
    assert "Traceback" not in err


async def _demo_links(port: int, loopback: str, **env: str) -> tuple[list[str], str]:
    """`pufa demo --port PORT` in a subprocess: the lines it prints on starting, and the
    login link the demo coordinator's /dashboard gets in its web chat (at `loopback`)."""
    demo = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "bot.cli", "demo", "--port", str(port)),
        env=dict(os.environ, **env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        assert demo.stdout is not None
        printed: list[str] = []
        while not printed or "Ctrl+C" not in printed[-1]:
            line = await asyncio.wait_for(demo.stdout.readline(), INDEX_BUILD_SECONDS)
            assert line, printed
            printed.append(line.decode().strip())
        chat = f"http://{loopback}:{port}/demo/api"
        async with aiohttp.ClientSession() as client:
            said = {"user_id": DEMO_COORDINATOR, "text": "/dashboard"}
            async with client.post(f"{chat}/send", json=said) as response:
                assert (await response.json())["ok"]
            query = {"chat_id": str(DEMO_COORDINATOR), "timeout": "30"}
            async with client.get(f"{chat}/messages", params=query) as response:
                [reply] = (await response.json())["messages"]
        demo.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(demo.wait(), CEILING_SECONDS) == 0
    finally:
        if demo.returncode is None:
            demo.kill()
            await demo.wait()
    return [line for line in printed if line], str(reply["text"])


@pytest.mark.parametrize(("host", "loopback"), [("0.0.0.0", "127.0.0.1"), ("::", "[::1]")])
async def test_a_demo_on_every_address_links_to_this_machine(host: str, loopback: str) -> None:
    """A browser cannot open 0.0.0.0 on every system: the demo, whose browser is on this
    machine, prints and sends the loopback address for the chat and the dashboard (IPv6's
    for `::`, which listens on IPv6 only)."""
    port = free_port(span=2)
    printed, reply = await _demo_links(port, loopback, PUFA_WEB_HOST=host)
    assert printed[0].endswith(f"http://{loopback}:{port}/"), printed
    dashboard = f"http://{loopback}:{port + 1}/dashboard/"
    assert f"协调员工作台：{dashboard}（" in printed[2], printed
    assert f"{dashboard}login?token=" in reply, reply
    assert all(f"//{host}" not in line for line in [*printed, reply])


async def test_a_demo_links_the_dashboard_to_pufa_public_url() -> None:
    port = free_port(span=2)
    printed, reply = await _demo_links(
        port, "127.0.0.1", PUFA_WEB_HOST="0.0.0.0", PUFA_PUBLIC_URL="https://pufa.example.org/"
    )
    assert printed[0].endswith(f"http://127.0.0.1:{port}/"), printed
    assert "协调员工作台：https://pufa.example.org/dashboard/（" in printed[2], printed
    assert "https://pufa.example.org/dashboard/login?token=" in reply, reply


def test_backup_into_a_folder_names_the_copy_and_how_to_restore(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "upgrade"]) == 0
    capsys.readouterr()
    folder, new = tmp_path / "backups", tmp_path / "new-folder"
    folder.mkdir()
    live = tmp_path / "pufa.db"
    for target, given in ((folder, str(folder)), (new, f"{new}/")):
        assert main(["db", "backup", given]) == 0
        [copy] = target.iterdir()
        assert copy.name.startswith("pufa-20") and copy.suffix == ".db"
        assert capsys.readouterr().out.strip() == (
            f"已备份到 {copy}（{copy.stat().st_size} 字节）。恢复：停掉机器人，"
            f"删掉 {live}-wal 和 {live}-shm，再把备份复制为 {live}。"
        )


KIRITIMATI = "Pacific/Kiritimati"  # UTC+14: another day than UTC's for ten hours


async def test_a_backup_into_a_folder_is_named_as_its_help_and_the_readme_say(
    tmp_path: Path,
) -> None:
    """`<数据库名>-YYYY-MM-DD.db`: the database file's name and the day in PUFA_TIMEZONE."""
    pattern = "<数据库名>-YYYY-MM-DD.db"
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `pufa db backup"))
    assert f"`{pattern}`: `pufa-2026-03-15.db` for `pufa.db`" in row
    code, out, _ = await _pufa("db", "backup", "--help")
    said = f"{pattern}（数据库pufa.db就是pufa-2026-03-15.db"
    assert code == 0 and said in "".join(out.split())  # however argparse wraps it

    url = f"sqlite+aiosqlite:///{tmp_path / 'district.db'}"
    db = Database(url)
    await db.upgrade()
    await db.dispose()
    code, _, err = await _pufa(
        "db", "backup", f"{tmp_path}/copies/", PUFA_DATABASE_URL=url, PUFA_TIMEZONE=KIRITIMATI
    )
    assert code == 0, err
    [copy] = (tmp_path / "copies").iterdir()
    assert re.fullmatch(r"district-\d{4}-\d{2}-\d{2}\.db", copy.name), copy.name


def test_a_backups_day_is_the_day_in_pufa_timezone() -> None:
    """The day of `<数据库名>-YYYY-MM-DD.db`, at a fixed instant (no test reads today's date)."""
    afternoon_utc = datetime(2026, 3, 14, 15, 0, tzinfo=UTC)
    # UTC+14: already the next day there
    assert dated_name(Path("district.db"), afternoon_utc, ZoneInfo(KIRITIMATI)) == (
        "district-2026-03-15.db"
    )
    assert dated_name(Path("district.db"), afternoon_utc, UTC) == "district-2026-03-14.db"


def _damage(live: Path) -> None:
    """A SQLite database with its second half overwritten: the header still reads as SQLite."""
    with sqlite3.connect(live) as connection:
        connection.execute("CREATE TABLE t (x TEXT)")
        connection.executemany("INSERT INTO t VALUES (?)", [("x" * 500,)] * 100)
    connection.close()
    data = live.read_bytes()
    half = len(data) // 2
    live.write_bytes(data[:half] + b"\xff" * (len(data) - half))


@pytest.mark.parametrize("damage", ["garbage", "damaged pages"])
async def test_a_backup_of_a_corrupt_database_says_so_in_one_line_and_leaves_no_copy(
    damage: str, tmp_path: Path
) -> None:
    live = tmp_path / "pufa.db"
    if damage == "garbage":
        live.write_bytes(b"not a database" * 1000)
    else:
        _damage(live)
    target = tmp_path / "out" / "copy.db"
    code, out, err = await _pufa(
        "db", "backup", str(target), PUFA_DATABASE_URL=sqlite_url(tmp_path)
    )
    assert code == 1 and out == ""
    [line] = err.splitlines()
    assert line.startswith(f"数据库文件 {live} 已损坏或不是 SQLite 数据库（"), err
    assert line.endswith("），没有生成备份。")
    assert not (tmp_path / "out").exists()  # nor the folder made for it


def test_exports_and_qr_codes_into_a_folder_take_their_default_names(tmp_path: Path) -> None:
    async def one_report() -> None:
        db = Database(sqlite_url(tmp_path))
        await db.upgrade()
        await add_volunteer(db, 1)
        await add_report(db, 1, activity_date=date(2026, 1, 5))
        await db.dispose()

    asyncio.run(one_report())
    folder = tmp_path / "out"
    folder.mkdir()
    period = ["--from", "2026-01-01", "--to", "2026-01-31"]
    assert main(["export", "reports", *period, "--format", "csv", "-o", str(folder)]) == 0
    assert main(["export", "hours", *period, "-o", f"{tmp_path / 'more'}/"]) == 0
    assert main(["content", "qr", "unpaid-wages", "--bot", "pufa_bot", "-o", str(folder)]) == 0
    assert sorted(p.name for p in folder.iterdir()) == [
        "reports_2026-01-01_2026-01-31.csv",
        "unpaid-wages.png",
    ]
    assert [p.name for p in (tmp_path / "more").iterdir()] == ["hours_2026-01-01_2026-01-31.xlsx"]


READ_ONLY_COMMANDS = [
    ["db", "backup", "out/x.db"],
    ["export", "reports", "--from", "2026-12-01", "--to", "2026-12-31", "-o", "out/r.xlsx"],
    ["export", "evidence", "--year", "2026", "-o", "out/e.xlsx"],
    ["verify", "ABCD-EFGH-JKMN"],
]


def _missing(where: object) -> str:
    return (
        f"找不到机器人的数据库 {where}（不存在或是空的），什么也没有创建。"
        "请检查 PUFA_DATABASE_URL 和当前工作目录（相对路径从工作目录算起）。\n"
    )


def _missing_on_postgresql(where: object) -> str:
    """Said of a PostgreSQL database or schema: no file nor working directory to check."""
    return (
        f"找不到机器人的数据库 {where}：库或 schema 不存在，或还没有用 pufa db upgrade 建好表，"
        "什么也没有创建。请检查 PUFA_DATABASE_URL 和 PUFA_DATABASE_SCHEMA，"
        "或先运行 pufa db upgrade。\n"
    )


@pytest.mark.parametrize("argv", READ_ONLY_COMMANDS, ids=lambda argv: "-".join(argv[:2]))
def test_a_read_only_command_in_the_wrong_folder_creates_no_database(
    argv: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """As from cron (whose working directory is $HOME) with the default relative URL: one line
    naming the absolute file and what to check, exit status 1, and nothing created."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.delenv("PUFA_DATABASE_URL")
    assert main(argv) == 1
    assert capsys.readouterr() == ("", _missing(elsewhere / "data" / "pufa.db"))
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("argv", READ_ONLY_COMMANDS, ids=lambda argv: "-".join(argv[:2]))
def test_a_read_only_command_refuses_a_sqlite_file_without_the_bots_schema(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    live = tmp_path / "pufa.db"
    with sqlite3.connect(live) as connection:
        connection.execute("CREATE TABLE other (x TEXT)")
    connection.close()
    assert main(argv) == 1
    assert capsys.readouterr() == ("", _missing(live))
    assert not (tmp_path / "out").exists()
    with sqlite3.connect(live) as connection:
        tables = connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
        assert [name for (name,) in tables] == ["other"]  # not migrated
    connection.close()


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL not configured (PUFA_TEST_DATABASE_URL)")
async def test_an_export_refuses_a_postgresql_schema_with_no_tables_and_leaves_it_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Said in PostgreSQL's words (a database or schema, `pufa db upgrade`), not a file's and
    a working directory's; a schema that is not there at all is refused the same way."""
    from sqlalchemy import inspect

    from tests.processes import store

    shown = make_url(PG_URL).render_as_string(hide_password=True)
    monkeypatch.setenv("PUFA_DATABASE_URL", PG_URL)
    monkeypatch.setenv("PUFA_DATABASE_SCHEMA", "no_such_schema")
    assert await asyncio.to_thread(main, READ_ONLY_COMMANDS[3]) == 1
    said = _missing_on_postgresql(f"{shown}（schema no_such_schema）")
    assert capsys.readouterr() == ("", said)
    async with store("postgresql", tmp_path) as data:
        assert data.schema is not None
        monkeypatch.setenv("PUFA_DATABASE_SCHEMA", data.schema)
        for argv in READ_ONLY_COMMANDS[1:]:
            assert await asyncio.to_thread(main, argv) == 1
            said = _missing_on_postgresql(f"{shown}（schema {data.schema}）")
            assert capsys.readouterr() == ("", said)
        db = data.database()
        async with db.engine.connect() as connection:
            tables = await connection.run_sync(
                lambda sync: inspect(sync).get_table_names(schema=data.schema)
            )
        await db.dispose()
        assert tables == []


def test_backups_never_replace_one_another_and_only_their_owner_reads_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "upgrade"]) == 0
    folder = tmp_path / "backups"
    for _ in range(3):  # the same day, into a folder: numbered
        assert main(["db", "backup", f"{folder}/"]) == 0
    names = sorted(p.name for p in folder.iterdir())
    day = min(names, key=len).removeprefix("pufa-").removesuffix(".db")
    assert names == [f"pufa-{day}-2.db", f"pufa-{day}-3.db", f"pufa-{day}.db"]
    assert {(p.stat().st_mode & 0o777) for p in folder.iterdir()} == {0o600}
    capsys.readouterr()

    named = tmp_path / "named.db"
    named.write_bytes(b"yesterday's good copy")
    assert main(["db", "backup", str(named)]) == 1
    assert capsys.readouterr() == (
        "",
        f"{named} 已存在，没有覆盖。请换一个文件名，或写一个文件夹（自动按日期编号）；"
        "确实要替换请加 --force。\n",
    )
    assert named.read_bytes() == b"yesterday's good copy"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    assert main(["db", "backup", str(named), "--force"]) == 0
    assert named.read_bytes().startswith(b"SQLite format 3")
    assert named.stat().st_mode & 0o777 == 0o600


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The common umask 022, under which files are made readable by everyone unless the
    program says otherwise (the bot's subprocesses inherit it)."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@pytest.mark.usefixtures("usual_umask")
async def test_the_database_and_the_exports_are_readable_by_their_owner_only(
    tmp_path: Path,
) -> None:
    data = Store(sqlite_url(tmp_path))
    async with LocalBotApi() as api:
        bot = await start_bot(api, data, tmp_path)
        try:
            await eventually(lambda: _active(bot), INDEX_BUILD_SECONDS)
            user = api.user(63_001, "居民")
            api.send_command(user, "/start")
            await api.wait_for_messages(user.id)
            files = ("pufa.db", "pufa.db-wal", "pufa.db-shm")
            live = {name: _mode(tmp_path / name) for name in files}
            assert await bot.stop() == 0
        finally:
            await stop_all(bot)
    assert live == dict.fromkeys(files, 0o600)

    db = data.database()
    await add_volunteer(db, 1)
    await add_report(db, 1, activity_date=date(2026, 1, 5))
    await db.dispose()
    older = tmp_path / "older.csv"
    older.write_text("last month's export")
    assert _mode(older) == 0o644
    period = ["--from", "2026-01-01", "--to", "2026-01-31", "--format", "csv"]
    for output in (tmp_path / "reports.csv", older):  # a new file, and one written over
        code, _, err = await _pufa(
            "export", "reports", *period, "-o", str(output), PUFA_DATABASE_URL=data.url
        )
        assert (code, err) == (0, ""), err
        assert _mode(output) == 0o600
        assert "13800138000" in output.read_text(encoding="utf-8-sig")  # why it matters

    fresh = tmp_path / "fresh"
    code, _, err = await _pufa("db", "upgrade", PUFA_DATABASE_URL=sqlite_url(fresh))
    assert code == 0, err
    assert _mode(fresh / "pufa.db") == 0o600


async def test_a_production_start_on_sample_data_warns_once_naming_what_is_still_sample(
    tmp_path: Path, library: Library
) -> None:
    def warnings(log: str) -> list[str]:
        return [line.split(": ", 1)[1] for line in log.splitlines() if " WARNING " in line]

    data = Store(sqlite_url(tmp_path))
    async with LocalBotApi() as api:
        fresh = await _run_until_active(api, data, tmp_path, "INFO")
        points = tmp_path / "points.csv"
        points.write_text("name,kind,town,address\n城关司法所,司法所,示例县城关镇,城关路1号\n")
        advisers = tmp_path / "advisers.csv"
        advisers.write_text("town,village,name,contact\n示例县西河镇,柳湾村,赵律师,0716-5654321\n")
        for kind, path in (("directory", points), ("advisers", advisers)):
            assert await asyncio.to_thread(main, [kind, "import", str(path)]) == 0
        imported = await _run_until_active(api, data, tmp_path, "INFO")
    tail = (
        "; replace them in the district's own copy of content/ (PUFA_CONTENT_DIR) "
        "and import the real lists before going live"
    )
    desks = sum(desk.sample for desk in library.desks)
    library_samples = (
        f"{desks} desks (desks.yaml), {len(library.towns)} towns (towns.yaml), 1 legal-aid"
        " hardship standard (legal_aid.yaml hardship_standard)"
    )
    points_n = sum(point.sample for point in library.directory)
    advisers_n = sum(adviser.sample for adviser in library.advisers)
    assert warnings(fresh) == [
        f"still sample data: {library_samples}, {points_n} legal service points (pufa directory"
        f" import), {advisers_n} village advisers (pufa advisers import){tail}"
    ]
    assert warnings(imported) == [f"still sample data: {library_samples}{tail}"]
