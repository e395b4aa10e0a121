"""`pufa GROUP` typed without its action shows that group's help (what it can do), not the
top-level list of every command; a file that cannot be read is said in Chinese, a folder
given for a file too; the content check's own texts are all Chinese."""

import errno
import re
from pathlib import Path

import pytest
import yaml

from content.check_text import CHECK_TEXTS
from content.problems import os_reason, unreadable
from tests.conftest import sqlite_url
from tests.content.content_copy import Edit, refused
from tests.processes import run_pufa


async def _pufa(*argv: str, cwd: Path) -> tuple[int, str, str]:
    """`pufa ARGV` run in `cwd`, on a database there."""
    return await run_pufa(*argv, cwd=cwd, env={"PUFA_DATABASE_URL": sqlite_url(cwd)})


@pytest.mark.parametrize(
    ("group", "actions"),
    [
        ("db", ["upgrade", "backup"]),
        ("export", ["reports", "hours", "satisfaction", "tickets", "reach", "evidence"]),
        ("content", ["check", "qr"]),
        ("directory", ["import"]),
        ("advisers", ["import"]),
    ],
)
async def test_a_group_alone_shows_its_own_help(
    group: str, actions: list[str], tmp_path: Path
) -> None:
    code, out, err = await _pufa(group, cwd=tmp_path)
    assert code == 2 and not err, (code, err)
    assert out.startswith(f"用法：pufa {group} "), out
    for action in actions:
        assert re.search(rf"^\s+{action}\s", out, re.MULTILINE), (action, out)
    assert "webhook" not in out and "verify" not in out  # not the top-level list
    assert not re.search(r"[A-Za-z]{3,} [a-z]{3,} [a-z]{3,}", out), out  # no English prose


async def test_a_folder_given_for_a_csv_file_is_said_in_chinese(tmp_path: Path) -> None:
    folder = tmp_path / "points"
    folder.mkdir()
    for command in ("directory", "advisers"):
        code, out, err = await _pufa(command, "import", str(folder), cwd=tmp_path)
        assert code == 1 and not out, (code, out)
        assert err.strip() == f"{folder}: 无法读取：这是一个文件夹，不是文件：请写出文件的路径", (
            err
        )
        assert "Is a directory" not in err


@pytest.mark.parametrize(
    ("error", "said"),
    [
        (
            IsADirectoryError(errno.EISDIR, "Is a directory", "x"),
            "这是一个文件夹，不是文件：请写出文件的路径",
        ),
        (PermissionError(errno.EACCES, "Permission denied", "x"), "没有读写这个文件的权限"),
        (OSError(errno.ENOSPC, "No space left on device", "x"), "磁盘空间不够了"),
    ],
)
def test_why_a_file_cannot_be_read_is_said_in_chinese(error: OSError, said: str) -> None:
    assert unreadable(error) == f"无法读取：{said}"
    assert os_reason(error) == said


def test_an_id_problem_is_said_in_chinese(tmp_path: Path) -> None:
    """A campaign id with a capital letter: the check's example is in Chinese words (比如),
    as in every other text of check.zh.yaml, not "(e.g. …)"."""
    problems = refused(
        tmp_path, Edit("campaigns.yaml", "- id: constitution-day", "- id: Constitution-Day")
    )
    assert [p.message for p in problems] == [
        "只能用小写字母、数字和连字符（比如 constitution-week）"
    ], problems


def test_no_check_text_has_english_prose() -> None:
    """Placeholders, field names and examples aside, the check's texts are Chinese."""
    english = re.compile(r"\b(?:e\.g|i\.e|see|for example)\b", re.IGNORECASE)
    texts = yaml.safe_load(CHECK_TEXTS.path.read_text(encoding="utf-8"))
    found = [
        f"{section}.{name}"
        for section, entries in texts.items()
        for name, text in entries.items()
        if english.search(text)
    ]
    assert not found, found
