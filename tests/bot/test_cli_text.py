"""The command line's own texts (bot/cli.zh.yaml, bot.cli_text): every key the code asks for
is in the catalogue and every key of the catalogue is asked for (read from the source, as
tests/content/test_text_templates.py reads the `.format` calls of ui.zh.yaml's texts); a
wrong key or field fails loudly."""

import ast
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest
import yaml

from bot.cli_parser import translate
from bot.cli_text import CATALOGUE, CliTextError, cli_text

ROOT = Path(__file__).resolve().parents[2]
# Files whose cli_text call takes its key from a table of literal keys (argparse's errors).
TABLE_LOOKUPS = {"bot/cli_parser.py"}


def _sections() -> dict[str, dict[str, str]]:
    sections: dict[str, dict[str, str]] = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))
    return sections


def _catalogue_keys() -> set[str]:
    return {f"{section}.{name}" for section, texts in _sections().items() for name in texts}


def _code() -> dict[str, ast.Module]:
    """bot/'s modules, the only ones that may import bot.cli_text (the layers' contract)."""
    return {
        str(path.relative_to(ROOT)): ast.parse(path.read_text(encoding="utf-8"))
        for path in sorted((ROOT / "bot").rglob("*.py"))
    }


def _keys(node: ast.expr) -> list[str] | None:
    """The keys a cli_text call's first argument may be: a literal or `a if c else b` of
    literals; None when the key is computed."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _keys(node.body), _keys(node.orelse)
        return None if body is None or orelse is None else body + orelse
    return None


def _strings(tree: ast.Module) -> set[str]:
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def test_every_key_the_code_asks_for_is_in_the_catalogue() -> None:
    known = _catalogue_keys()
    sections = {(section, ".") for section in _sections()}
    asked: set[str] = set()
    computed: set[str] = set()
    for path, tree in _code().items():
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "cli_text"
            ):
                continue
            keys = _keys(node.args[0])
            if keys is None:
                computed.add(path)
                continue
            asked.update(keys)
        if path in TABLE_LOOKUPS:  # the table's keys: literals that name a section
            asked.update(s for s in _strings(tree) if s.partition(".")[0:2] in sections)
    assert computed == TABLE_LOOKUPS
    assert asked, "no cli_text call found"
    assert sorted(asked - known) == []


def test_every_key_of_the_catalogue_is_used_by_the_code() -> None:
    used = set().union(*(_strings(tree) for tree in _code().values()))
    assert sorted(_catalogue_keys() - used) == []


def test_the_catalogue_holds_only_texts_in_sections() -> None:
    for section, texts in _sections().items():
        assert isinstance(texts, dict) and texts, section
        for name, text in texts.items():
            assert isinstance(text, str) and text.strip() == text and text, f"{section}.{name}"


def test_the_catalogue_is_package_data_so_an_installed_pufa_has_it() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    package_data = pyproject["tool"]["setuptools"]["package-data"]
    patterns = [*package_data.get("*", []), *package_data.get("bot", [])]
    assert CATALOGUE.parent == ROOT / "bot"
    assert any(fnmatch(CATALOGUE.name, pattern) for pattern in patterns)


def test_a_text_is_filled_with_exactly_its_fields_or_fails_loudly() -> None:
    assert cli_text("db.no_file", path="/data/pufa.db") == "找不到数据库文件 /data/pufa.db。"
    assert cli_text("ask.no_match", score=0.642) == "无匹配 (最高分 0.64)"
    with pytest.raises(CliTextError, match=r"has no text 'db\.no_such_text'"):
        cli_text("db.no_such_text")
    with pytest.raises(CliTextError, match=r"takes the fields \['path'\], not \[\]"):
        cli_text("db.no_file")
    with pytest.raises(CliTextError, match=r"not \['path', 'size'\]"):
        cli_text("db.no_file", path="x", size=1)


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
