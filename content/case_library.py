"""The case library (以案释法): one case card per file in `cases/`, front matter + body.

The body has three sections, each under a heading line of its own, in this order:
**案情简介**, **处理结果**, **典型意义**.
"""

import re
from datetime import date
from pathlib import Path
from typing import NamedTuple

import yaml
from pydantic import field_validator

from content.checks import (
    Found,
    Known,
    Strict,
    check_id,
    check_length,
    check_words,
    law_names,
    parse_yaml,
    unknown,
    validate,
)
from content.frontmatter import split_front_matter
from content.problems import unknown_category, unreadable

CASE_SECTIONS = ("案情简介", "处理结果", "典型意义")
CASE_BODY_LIMIT = 700
HEADING = re.compile(r"^\*\*([^*]+)\*\*$")


class Case(Strict):
    id: str
    title: str
    category: str
    cards: list[str]
    keywords: list[str]
    law: str
    source: str
    updated: date
    body: str

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        return check_id(value, "unpaid-wages-contractor")

    @field_validator("title")
    @classmethod
    def _title(cls, value: str) -> str:
        return check_length(value, 4, 30)

    @field_validator("cards")
    @classmethod
    def _cards(cls, value: list[str]) -> list[str]:
        return check_words(value, 1, 3, "卡片")

    @field_validator("keywords")
    @classmethod
    def _keywords(cls, value: list[str]) -> list[str]:
        words = check_words(value, 3, 10, "关键词")
        long = [w for w in words if len(w) > 20]
        if long:
            raise ValueError(f"关键词太长（不超过 20 个字）：{'、'.join(long)}")
        return words

    @field_validator("law")
    @classmethod
    def _law(cls, value: str) -> str:
        check_length(value, 4, 100)
        if not law_names(value):
            raise ValueError("要写明法律和条款，法律名称放在《》里，比如《劳动合同法》第三十条")
        return value

    @field_validator("source")
    @classmethod
    def _source(cls, value: str) -> str:
        return check_length(value, 6, 120)

    def sections(self) -> dict[str, str]:
        """Section title -> text (a case that loaded has exactly the three sections)."""
        return {s.title: s.text for s in case_sections(self.body) if s.title}


class Section(NamedTuple):
    title: str  # "" for text before the first heading
    text: str


def case_sections(body: str) -> list[Section]:
    """Split a body at its heading lines (a whole line in **bold**). Text before the first
    heading, if any, comes first with an empty title. Never fails, whatever the text."""
    sections: list[Section] = []
    title: str | None = None
    lines: list[str] = []

    def close() -> None:
        text = "\n".join(lines).strip()
        if title is not None or text:
            sections.append(Section(title or "", text))

    for line in body.splitlines():
        match = HEADING.match(line.strip())
        if match and match.group(1).strip():
            close()
            title, lines = match.group(1).strip(), []
        else:
            lines.append(line)
    close()
    return sections


def section_problems(body: str) -> list[str]:
    """What is wrong with a case body: its length, text before the first heading, the
    headings (one message covering missing, unknown, repeated or misordered ones) and
    empty sections."""
    problems: list[str] = []
    if len(body) > CASE_BODY_LIMIT:
        problems.append(f"正文 {len(body)} 字，不能超过 {CASE_BODY_LIMIT} 字")
    sections = case_sections(body)
    if sections and not sections[0].title:
        problems.append(f"正文要从小标题 **{CASE_SECTIONS[0]}** 开始，前面不要有别的文字")
    titles = [s.title for s in sections if s.title]
    if titles != list(CASE_SECTIONS):
        problems.append(_heading_problem(titles))
    problems += [f"**{s.title}** 下面没有内容" for s in sections if s.title and not s.text]
    return problems


def _heading_problem(titles: list[str]) -> str:
    wanted = " → ".join(f"**{t}**" for t in CASE_SECTIONS)
    details = [f"缺少 **{t}**" for t in CASE_SECTIONS if t not in titles]
    details += [f"不认识 **{t}**" for t in dict.fromkeys(titles) if t not in CASE_SECTIONS]
    details += [
        f"**{t}** 出现了 {titles.count(t)} 次"
        for t in dict.fromkeys(titles)
        if t in CASE_SECTIONS and titles.count(t) > 1
    ]
    if not details:
        details.append("顺序不对")
    return f"小标题应依次为 {wanted}，各一次：{'；'.join(details)}"


def load_cases(directory: Path, known: Known, found: Found) -> list[Case]:
    """Every case card that loads (without a cases folder: none), each problem recorded."""
    return [c for path in sorted(directory.glob("*.md")) if (c := _case(path, known, found))]


def _case(path: Path, known: Known, found: Found) -> Case | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        found.append((f"cases/{path.name}", "", unreadable(exc)))
        return None
    return case_from_text(text, path.stem, known, found)


def case_from_text(text: str, stem: str, known: Known, found: Found) -> Case | None:
    """The case in a case file's text (`stem`: its file name without .md), or None; every
    problem is recorded. Never fails, whatever the text."""
    name = f"cases/{stem}.md"
    try:
        head, body = split_front_matter(text)
        data = parse_yaml(head)
    except (ValueError, yaml.YAMLError) as exc:
        found.append((name, "", unreadable(exc)))
        return None
    found.extend((name, "body", message) for message in section_problems(body))
    if not isinstance(data, dict):
        found.append((name, "", "YAML 头部必须是“键: 值”的形式"))
        return None
    case = validate(Case, {**data, "body": body}, name, "", found)
    if case is None:
        return None
    if case.id != stem:
        found.append((name, "id", f"id '{case.id}' 必须和文件名 '{stem}' 一致"))
    if unknown(case.category, known.categories):
        found.append((name, "category", unknown_category(case.category, known.categories or ())))
    found.extend(
        (name, "cards", f"卡片 '{card}' 不存在（cards/{card}.md）")
        for card in case.cards
        if card not in known.cards
    )
    return case
