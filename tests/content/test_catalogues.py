"""The text catalogues (content.catalogue): the command line's (bot/cli.zh.yaml, cli_text)
and the content check's (content/check.zh.yaml, check_text). For each, every key the code
asks for is in the catalogue with the fields the call passes, and every key of the catalogue
is asked for (read from the source, as tests/content/test_text_templates.py reads the
`.format` calls of ui.zh.yaml's texts); a wrong key or field fails loudly."""

import ast
import tomllib
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

import pytest
import yaml

from bot.cli_text import CLI_TEXTS
from content.catalogue import Catalogue, CatalogueError
from content.check_text import CHECK_TEXTS
from content.problems import CUT_BY_COMMENT

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Use:
    """A catalogue and the code that asks for its texts."""

    catalogue: Catalogue
    accessor: str  # the function the code calls with a key and the fields
    package: str  # the only package that asks (the layers' contract keeps bot.cli_text in bot)
    table_lookups: frozenset[str]  # files whose call takes its key from a table of literal keys

    def __str__(self) -> str:
        return self.catalogue.path.name


USES = [
    # argparse's errors; the export kinds' names
    Use(CLI_TEXTS, "cli_text", "bot", frozenset({"bot/cli_parser.py", "bot/cli.py"})),
    Use(  # pydantic's errors (problems.py), the campaign's days (campaigns.py)
        CHECK_TEXTS,
        "check_text",
        "content",
        frozenset({"content/problems.py", "content/campaigns.py"}),
    ),
]


def _sections(use: Use) -> dict[str, dict[str, str]]:
    sections: dict[str, dict[str, str]] = yaml.safe_load(
        use.catalogue.path.read_text(encoding="utf-8")
    )
    return sections


def _code(use: Use) -> dict[str, ast.Module]:
    return {
        str(path.relative_to(ROOT)): ast.parse(path.read_text(encoding="utf-8"))
        for path in sorted((ROOT / use.package).rglob("*.py"))
    }


def _keys(node: ast.expr) -> list[str] | None:
    """The keys a call's first argument may be: a literal or `a if c else b` of literals;
    None when the key is computed."""
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


def _calls(use: Use, tree: ast.Module) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == use.accessor
    ]


@pytest.mark.parametrize("use", USES, ids=str)
def test_every_key_the_code_asks_for_is_in_the_catalogue_with_those_fields(use: Use) -> None:
    texts = use.catalogue.texts
    sections = {(section, ".") for section in _sections(use)}
    asked: set[str] = set()
    computed: set[str] = set()
    wrong_fields: list[str] = []
    for path, tree in _code(use).items():
        for call in _calls(use, tree):
            keys = _keys(call.args[0])
            if keys is None:
                computed.add(path)
                continue
            asked.update(keys)
            if any(keyword.arg is None for keyword in call.keywords):
                continue  # **fields: checked when the call runs
            given = {keyword.arg for keyword in call.keywords if keyword.arg is not None}
            wrong_fields += [
                f"{path}:{call.lineno}: {key} {sorted(given)}"
                for key in keys
                if key in texts and texts[key][1] != given
            ]
        if path in use.table_lookups:  # the table's keys: literals that name a section
            asked.update(s for s in _strings(tree) if s.partition(".")[0:2] in sections)
    assert computed == use.table_lookups
    assert asked, f"no {use.accessor} call found"
    assert sorted(asked - texts.keys()) == []
    assert wrong_fields == []


@pytest.mark.parametrize("use", USES, ids=str)
def test_every_key_of_the_catalogue_is_used_by_the_code(use: Use) -> None:
    used = set().union(*(_strings(tree) for tree in _code(use).values()))
    assert sorted(use.catalogue.texts.keys() - used) == []


@pytest.mark.parametrize("use", USES, ids=str)
def test_no_text_of_the_catalogue_is_cut_short_by_an_unquoted_hash(use: Use) -> None:
    lines = use.catalogue.path.read_text(encoding="utf-8").splitlines()
    assert [line for line in lines if CUT_BY_COMMENT.match(line)] == []


@pytest.mark.parametrize("use", USES, ids=str)
def test_the_catalogue_holds_only_texts_in_sections(use: Use) -> None:
    for section, texts in _sections(use).items():
        assert isinstance(texts, dict) and texts, section
        for name, text in texts.items():
            assert isinstance(text, str) and text.strip() == text and text, f"{section}.{name}"


@pytest.mark.parametrize("use", USES, ids=str)
def test_the_catalogue_is_package_data_so_an_installed_pufa_has_it(use: Use) -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    package_data = pyproject["tool"]["setuptools"]["package-data"]
    patterns = [*package_data.get("*", []), *package_data.get(use.package, [])]
    assert use.catalogue.path.parent == ROOT / use.package
    assert any(fnmatch(use.catalogue.path.name, pattern) for pattern in patterns)


def test_a_text_is_filled_with_exactly_its_fields_or_fails_loudly(tmp_path: Path) -> None:
    path = tmp_path / "texts.zh.yaml"
    path.write_text("db:\n  no_file: 找不到数据库文件 {path}。\n", encoding="utf-8")
    catalogue = Catalogue(path)
    assert catalogue.text("db.no_file", path="/data/pufa.db") == "找不到数据库文件 /data/pufa.db。"
    with pytest.raises(CatalogueError, match=r"texts\.zh\.yaml has no text 'db\.no_such_text'"):
        catalogue.text("db.no_such_text")
    with pytest.raises(CatalogueError, match=r"takes the fields \['path'\], not \[\]"):
        catalogue.text("db.no_file")
    with pytest.raises(CatalogueError, match=r"not \['path', 'size'\]"):
        catalogue.text("db.no_file", path="x", size=1)


def test_a_text_whose_field_is_not_a_plain_name_fails_on_reading(tmp_path: Path) -> None:
    path = tmp_path / "texts.zh.yaml"
    path.write_text("db:\n  bad: 坏的 {0}\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"db\.bad: a field is not a plain name"):
        Catalogue(path).text("db.bad")


def test_the_checks_list_values_with_the_catalogues_separator_only() -> None:
    """A message's list is joined by content.check_text.listed (common.list_separator), so
    the separator is said in one place: no check joins with a literal of its own."""
    literal_joins = [
        f"{path}:{node.lineno}"
        for path, tree in _code(USES[1]).items()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "join"
        and isinstance(node.func.value, ast.Constant)
        and node.func.value.value == CHECK_TEXTS.text("common.list_separator")
    ]
    assert literal_joins == []
