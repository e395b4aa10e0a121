"""The case library (content/cases/): the shipped cases, and one test per rule of the check."""

import shutil
from pathlib import Path

import pytest

from content.case_library import CASE_BODY_LIMIT, CASE_SECTIONS, case_sections, section_problems
from content.checks import law_names
from content.loader import CONTENT_DIR, Library, collect
from tests.content.content_copy import Edit, copy_content, edit, named, refused

CASE = "refuse-illegal-overtime"  # the shipped case the rule tests break
CASE_FILE = f"cases/{CASE}.md"


def test_shipped_cases_load_and_are_complete(library: Library) -> None:
    assert len(library.cases) >= 30
    assert len({case.category for case in library.cases.values()}) >= 8
    for case in library.cases.values():
        assert list(case.sections()) == list(CASE_SECTIONS)
        assert all(text for text in case.sections().values())
        assert len(case.body) <= CASE_BODY_LIMIT
        assert case.category in {c.id for c in library.categories}
        assert 1 <= len(case.cards) <= 3 and all(card in library.cards for card in case.cards)
        assert 3 <= len(case.keywords) <= 10
        assert law_names(case.law) and case.source
        assert "http" not in case.source  # publisher and collection, no unverified links


def test_every_case_is_reachable_from_the_cards_it_illustrates(library: Library) -> None:
    for case in library.cases.values():
        for card in case.cards:
            assert case in library.cases_for(card)
    assert library.cases_for("work-injury") and not library.cases_for("constitution-oath")


def _break(tmp_path: Path, old: str, new: str) -> list[tuple[str, str, str]]:
    return [(p.path, p.field, p.message) for p in refused(tmp_path, Edit(CASE_FILE, old, new))]


RULES = [
    # (what is broken, old text, new text, field, part of the message)
    ("id differs from the file name", f"id: {CASE}", "id: other-case", "id", "文件名"),
    ("unknown category", "category: labor", "category: nonsense", "category", "nonsense"),
    (
        "unknown card",
        "cards: [dismissal-compensation, labor-inspection]",
        "cards: [dismissal-compensation, no-such-card]",
        "cards",
        "no-such-card",
    ),
    (
        "more than three cards",
        "cards: [dismissal-compensation, labor-inspection]",
        "cards: [dismissal-compensation, labor-inspection, unpaid-wages, labor-contract]",
        "cards",
        "1 到 3",
    ),
    (
        "no card",
        "cards: [dismissal-compensation, labor-inspection]",
        "cards: []",
        "cards",
        "1 到 3",
    ),
    (
        "too few keywords",
        'keywords: ["996", 超时加班, 拒绝加班, 试用期辞退, 违法解除, 加班时间上限]',
        "keywords: [超时加班, 拒绝加班]",
        "keywords",
        "3 到 10",
    ),
    (
        "a repeated keyword",
        'keywords: ["996", 超时加班, 拒绝加班',
        "keywords: [超时加班, 超时加班, 拒绝加班",
        "keywords",
        "重复",
    ),
    (
        "law without a law's name",
        "law: 《劳动法》第四十一条、第四十三条，《劳动合同法》",
        "law: 劳动法第四十一条、第四十三条，劳动合同法",
        "law",
        "《》",
    ),
    ("title too long", "title: 拒绝", "title: " + "很" * 30 + "拒绝", "title", "4 到 30"),
    ("source missing", "source: 人力资源社会保障部、最高人民法院", "# ", "source", "缺少"),
    (
        "unknown field",
        "updated: 2026-12-03",
        "updated: 2026-12-03\nauthor: me",
        "author",
        "不认识",
    ),
    ("date not a date", "updated: 2026-12-03", "updated: 明天", "updated", "YYYY-MM-DD"),
    ("a section missing", "**处理结果**\n", "", "body", "缺少 **处理结果**"),
    ("a heading repeated", "**处理结果**", "**典型意义**", "body", "典型意义** 出现了 2 次"),
    ("an unknown heading", "**典型意义**", "**法律依据**", "body", "不认识 **法律依据**"),
    (
        "text before the first heading",
        "---\n**案情简介**",
        "---\n前言\n**案情简介**",
        "body",
        "开始",
    ),
    ("body too long", "给予警告。", "给予警告。" + "长" * CASE_BODY_LIMIT, "body", "不能超过"),
    ("front matter not closed", "\n---\n**案情简介**", "\n**案情简介**", "", "---"),
]


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [rule[1:] for rule in RULES],
    ids=[rule[0] for rule in RULES],
)
def test_each_broken_rule_is_one_problem_in_that_file(
    tmp_path: Path, old: str, new: str, field: str, message: str
) -> None:
    problems = _break(tmp_path, old, new)
    assert len(problems) == 1, problems
    path, where, text = problems[0]
    assert (path, where) == (CASE_FILE, field)
    assert message in text


def test_sections_in_the_wrong_order_are_named(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    case = content / CASE_FILE
    text = case.read_text(encoding="utf-8")
    swapped = text.replace("**处理结果**", "@@").replace("**典型意义**", "**处理结果**")
    case.write_text(swapped.replace("@@", "**典型意义**"), encoding="utf-8")
    _, problems = collect(content)
    assert [(p.path, p.field) for p in problems] == [(CASE_FILE, "body")]
    assert "顺序不对" in problems[0].message


def test_an_empty_section_is_reported(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    case = content / CASE_FILE
    text = case.read_text(encoding="utf-8")
    case.write_text(text[: text.index("**典型意义**")] + "**典型意义**\n", encoding="utf-8")
    _, problems = collect(content)
    assert [(p.path, p.field, p.message) for p in problems] == [
        (CASE_FILE, "body", "**典型意义** 下面没有内容")
    ]


def test_a_broken_card_is_reported_once_not_again_by_its_cases(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    card = content / "cards" / "labor-inspection.md"
    edit(card, "category: labor", "category: nonsense")
    card.write_text(card.read_text(encoding="utf-8") + "长" * 5000, encoding="utf-8")
    _, problems = collect(content)
    assert any(p.path == "cards/labor-inspection.md" for p in problems)
    assert not [p for p in problems if p.path.startswith("cases/") or p.path == "quiz.yaml"]


def test_a_broken_categories_entry_does_not_spread_to_cases_or_quiz(tmp_path: Path) -> None:
    problems = refused(tmp_path, Edit("categories.yaml", "name: 劳动与工资", "name: ''"))
    labor = named(CONTENT_DIR / "categories.yaml", "- id: labor")
    assert any(p.path == labor for p in problems), problems
    assert not [p for p in problems if p.path.startswith("cases/") or p.path == "quiz.yaml"]


def test_without_a_cases_folder_the_library_has_no_cases(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    shutil.rmtree(content / "cases")
    library, problems = collect(content)
    assert problems == [] and library is not None and library.cases == {}


def test_case_sections_split_at_whole_line_headings() -> None:
    body = "**案情简介**\n甲。\n**不是** 标题\n\n**处理结果**\n乙。\n**典型意义**\n丙。"
    assert [s.title for s in case_sections(body)] == list(CASE_SECTIONS)
    assert case_sections(body)[0].text == "甲。\n**不是** 标题"
    assert section_problems(body) == []
    assert case_sections("前言\n**案情简介**\n甲。")[0] == ("", "前言")


def test_no_content_module_shares_its_name_with_a_data_folder() -> None:
    """A bot started in a folder that holds a copy of the content (PUFA_CONTENT_DIR=./content)
    imports `content` as a namespace package there too; a data folder such as cases/ would
    then shadow a module content/cases.py. Hence the module is content/case_library.py."""
    folders = [d.name for d in CONTENT_DIR.iterdir() if d.is_dir() and not d.name.startswith("_")]
    assert "cases" in folders
    assert not [name for name in folders if (CONTENT_DIR / f"{name}.py").exists()]
