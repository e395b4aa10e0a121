"""The command line's own texts (bot/cli.zh.yaml, bot.cli_text); that the code and the
catalogue agree is tests/content/test_catalogues.py's job, for this catalogue and the content
check's."""

import pytest

from bot.cli_parser import translate
from bot.cli_text import cli_text
from content.catalogue import CatalogueError


def test_a_text_is_filled_with_exactly_its_fields_or_fails_loudly() -> None:
    assert cli_text("db.corrupt", path="/data/pufa.db", reason="x") == (
        "数据库文件 /data/pufa.db 已损坏或不是 SQLite 数据库（x），没有生成备份。"
    )
    assert cli_text("ask.no_match", score=0.642) == "无匹配 (最高分 0.64)"
    with pytest.raises(CatalogueError, match=r"cli\.zh\.yaml has no text 'db\.no_such_text'"):
        cli_text("db.no_such_text")
    with pytest.raises(CatalogueError, match=r"takes the fields \['path'\], not \[\]"):
        cli_text("db.missing")


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("the following arguments are required: --from, --to", "缺少参数：--from, --to"),
        ("unrecognized arguments: --what", "不认识的参数：--what"),
        (
            "argument WHAT: invalid choice: 'nope' (choose from reports, hours)",
            "WHAT 不能是 'nope'，只能是：reports, hours",
        ),
        ("argument --port: expected one argument", "--port 后面要写一个值"),
        ("argument --port: invalid int value: 'x'", "--port 的值 'x' 不对"),
        ("argument --year: 年份应为四位数字：12", "--year：年份应为四位数字：12"),
        ("something argparse says otherwise", "something argparse says otherwise"),
    ],
)
def test_argparse_errors_are_said_in_chinese(english: str, chinese: str) -> None:
    assert translate(english) == chinese
