"""`pufa content check` catches the texts that would break the bot: a placeholder the code
does not pass, HTML Telegram refuses; and the code cannot format a text with fields other
than the ones declared for it (content.texts), so the check and the code do not drift."""

import ast
import copy
import pickle
from pathlib import Path

import pytest
from pydantic import BaseModel

from bot.cli import main
from content.loader import CONTENT_DIR, collect
from content.templates import html_problem, template_problem
from content.texts import Text, TextFieldsError, Texts, declarations
from content.ui import UiTexts
from tests.content.content_copy import Edit, copy_content, edit, refused

ROOT = Path(__file__).resolve().parents[2]


def test_misspelt_placeholder_in_welcome_fails_the_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    content = copy_content(tmp_path)
    edit(content / "ui.zh.yaml", "你好，{name}！", "你好，{nmae}！")
    monkeypatch.setenv("PUFA_CONTENT_DIR", str(content))

    assert main(["content", "check"]) == 1

    out = capsys.readouterr().out
    assert "ui.zh.yaml: welcome: 占位符 {nmae} 不认识" in out
    assert "{name}" in out  # says what may be used
    assert "共 1 个问题" in out


def test_unclosed_bold_fails_the_check(tmp_path: Path) -> None:
    problems = refused(tmp_path, Edit("ui.zh.yaml", "我是<b>普法小助手</b>", "我是<b>普法小助手"))

    assert [str(p) for p in problems] == ["ui.zh.yaml: welcome: 标签 <b> 没有结束（缺少 </b>）"]


def test_nested_texts_are_checked(tmp_path: Path) -> None:
    problems = refused(
        tmp_path,
        Edit("ui.zh.yaml", "已收到第 {count} 张照片", "已收到第 {cnt} 张照片"),
        Edit("ui.zh.yaml", "profile_updated: 已更新 ✅", "profile_updated: <font>已更新</font>"),
    )

    messages = sorted(str(p) for p in problems)
    assert len(messages) == 2
    assert messages[0].startswith("ui.zh.yaml: volunteers.photo_received: 占位符 {cnt} 不认识")
    assert messages[1].startswith("ui.zh.yaml: volunteers.profile_updated: Telegram 不支持标签")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("<b>a</b><i>b</i>", None),
        ('<a href="https://example.org">x</a> &lt;3 &amp; &#128512;', None),
        ("<b><i>x</b></i>", "标签交叉了"),
        ("x</b>", "多出来的结束标签"),
        ("<br/>", "不支持"),
        ("<span style='x'>a</span>", "不能带 style="),
        ("&nbsp;", "不是 Telegram 认识的转义"),
        ("a & b", "字面的 & 请写成 &amp;"),
        ("1 < 2", "字面的 < 请写成 &lt;"),
        ("<b", "没有写完"),
    ],
)
def test_telegram_html(text: str, problem: str | None) -> None:
    found = html_problem(text)
    assert (found is None) if problem is None else (found is not None and problem in found)


def test_placeholders_need_a_declaration() -> None:
    assert template_problem("{name}", {"name"}) is None
    assert "不能有占位符" in (template_problem("{name}") or "")
    assert "大括号没有配对" in (template_problem("a { b", {"name"}) or "")
    assert template_problem("{{literal}}") is None


def test_a_text_refuses_fields_it_does_not_declare() -> None:
    welcome = Text("你好，{name}", "welcome", frozenset({"name"}))
    assert welcome.format(name="小王") == "你好，小王"
    with pytest.raises(TextFieldsError):
        welcome.format(nmae="小王")
    with pytest.raises(TextFieldsError):
        welcome.format(name="小王", extra=1)
    with pytest.raises(TextFieldsError):
        welcome.format("小王")


def test_loaded_texts_carry_their_declarations() -> None:
    ui = collect(CONTENT_DIR)[0]
    assert ui is not None
    assert isinstance(ui.ui.welcome, Text) and ui.ui.welcome.fields == {"name"}
    assert isinstance(ui.ui.volunteers.activity_types["other"], Text)


def _declared_by_key() -> dict[str, set[frozenset[str]]]:
    by_key: dict[str, set[frozenset[str]]] = {}
    for dotted, fields in declarations(UiTexts):
        by_key.setdefault(dotted.rsplit(".", 1)[-1], set()).add(fields)
    return by_key


def _receivers(node: ast.expr) -> list[str]:
    """The text keys a `.format` receiver may be: `x.key` or `(x.a if c else x.b)`."""
    if isinstance(node, ast.Attribute):
        return [node.attr]
    if isinstance(node, ast.IfExp):
        return _receivers(node.body) + _receivers(node.orelse)
    return []


def test_code_formats_each_text_with_exactly_its_declared_fields() -> None:
    """Static complement of Text.format for the calls no test reaches: every
    `<texts>.<key>.format(a=..., b=...)` in the code passes the key's declared fields."""
    declared = _declared_by_key()
    wrong: list[str] = []
    for package in ("bot", "dashboard", "handlers", "domain", "scheduler", "documents", "content"):
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if not (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "format"
                ):
                    continue
                names = {k.arg for k in node.keywords if k.arg is not None}
                spread = any(k.arg is None for k in node.keywords)
                for key in _receivers(node.func.value):
                    options = declared.get(key)
                    if options is None:
                        continue
                    fits = any(
                        names <= fields if spread else names == fields for fields in options
                    )
                    if not fits:
                        where = f"{path.relative_to(ROOT)}:{node.lineno}"
                        wrong.append(f"{where} {key} {sorted(names)} not in {options}")
    assert wrong == []


def test_a_broken_card_is_one_problem_not_one_per_file_naming_it(tmp_path: Path) -> None:
    untitled = Edit("cards/unpaid-wages.md", "title: 老板拖欠工资怎么办？\n", "")
    problems = refused(tmp_path, untitled)

    assert [str(p) for p in problems] == ["cards/unpaid-wages.md: title: 缺少这一项"]


def test_a_yaml_syntax_error_is_said_in_chinese(tmp_path: Path) -> None:
    [problem] = refused(tmp_path, Edit("cards/unpaid-wages.md", "keywords: [", "keywords: [["))

    assert problem.path == "cards/unpaid-wages.md" and "YAML 格式有误" in problem.message
    assert problem.message.isascii() is False and "expected" not in problem.message


def test_a_text_cut_short_by_an_unquoted_hash_is_named_with_its_line(tmp_path: Path) -> None:
    """YAML reads `导出 #{id} 成绩` as `导出` and a comment: the check says so (and the
    shipped texts have none, as pufa content check passes)."""
    content = copy_content(tmp_path)
    edit(
        content / "ui.zh.yaml",
        'export_button: "📊 导出 #{id} 成绩"',
        "export_button: 📊 导出 #{id} 成绩",
    )
    line = 1 + (content / "ui.zh.yaml").read_text(encoding="utf-8").split("\n").index(
        "  export_button: 📊 导出 #{id} 成绩"
    )

    _, problems = collect(content)

    assert [(p.path, p.message) for p in problems] == [
        ("ui.zh.yaml", f"第 {line} 行：“ #” 后面的字会被 YAML 当成注释删掉：请给这段文字加上引号")
    ]


def test_a_table_keyed_by_the_codes_ids_must_have_each_id(tmp_path: Path) -> None:
    """close_reasons, review states, hotline groups ...: a key missing would fail at the
    moment a ticket is closed for that reason, so the check names the table and its keys."""
    [problem] = refused(tmp_path, Edit("ui.zh.yaml", "    duplicate: 重复留言\n", ""))

    assert problem.path == "ui.zh.yaml"
    assert problem.message.startswith("close_reasons 需要且只需要这些键: ")
    assert "duplicate" in problem.message


def test_texts_survive_copies_and_pickles() -> None:
    library = collect(CONTENT_DIR)[0]
    assert library is not None
    for copied in (
        copy.deepcopy(library.ui),
        library.ui.model_copy(deep=True),
        pickle.loads(pickle.dumps(library.ui)),
    ):
        assert copied.welcome == library.ui.welcome
        assert isinstance(copied.welcome, Text) and copied.welcome.fields == {"name"}


def test_every_text_model_declares_its_placeholders() -> None:
    """A text block added later must derive from content.texts.Texts (so its placeholders
    are declared and checked), not from a plain pydantic model."""

    def models(model: type[BaseModel]) -> list[type[BaseModel]]:
        nested = [
            info.annotation
            for info in model.model_fields.values()
            if isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel)
        ]
        return [model, *(m for n in nested for m in models(n))]

    plain = [m.__name__ for m in models(UiTexts) if not issubclass(m, Texts)]
    assert plain == []
