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
    """What is wrong with a case body, one message per broken thing."""
    problems: list[str] = []
    if len(body) > CASE_BODY_LIMIT:
        problems.append(f"正文 {len(body)} 字，不能超过 {CASE_BODY_LIMIT} 字")
    sections = case_sections(body)
    if sections and not sections[0].title:
        problems.append(f"正文要从小标题 **{CASE_SECTIONS[0]}** 开始，前面不要有别的文字")
    titles = [s.title for s in sections if s.title]
    allowed = "、".join(CASE_SECTIONS)
    for title in dict.fromkeys(titles):
        if title not in CASE_SECTIONS:
            problems.append(f"不认识的小标题 **{title}**，只能用：{allowed}")
        elif titles.count(title) > 1:
            problems.append(f"小标题 **{title}** 出现了 {titles.count(title)} 次，只能有一次")
    missing = [t for t in CASE_SECTIONS if t not in titles]
    problems += [f"缺少小标题 **{t}**" for t in missing]
    present = [t for t in dict.fromkeys(titles) if t in CASE_SECTIONS]
    if not missing and present != list(CASE_SECTIONS):
        problems.append(f"小标题的顺序应该是：{' → '.join(CASE_SECTIONS)}")
    problems += [f"**{s.title}** 下面没有内容" for s in sections if s.title and not s.text]
    return problems


def load_cases(directory: Path, known: Known, found: Found) -> list[Case]:
    """Every case card that loads (without a cases folder: none), each problem recorded."""
    return [c for path in sorted(directory.glob("*.md")) if (c := _case(path, known, found))]


def _case(path: Path, known: Known, found: Found) -> Case | None:
    name = f"cases/{path.name}"
    try:
        head, body = split_front_matter(path.read_text(encoding="utf-8"))
        data = parse_yaml(head)
    except (ValueError, yaml.YAMLError, UnicodeDecodeError) as exc:
        found.append((name, "", str(exc)))
        return None
    found.extend((name, "body", message) for message in section_problems(body))
    if not isinstance(data, dict):
        found.append((name, "", "YAML 头部必须是“键: 值”的形式"))
        return None
    case = validate(Case, {**data, "body": body}, name, "", found)
    if case is None:
        return None
    if case.id != path.stem:
        found.append((name, "id", f"id '{case.id}' 必须和文件名 '{path.stem}' 一致"))
    if unknown(case.category, known.categories):
        found.append((name, "category", f"categories.yaml 里没有分类 '{case.category}'"))
    found.extend(
        (name, "cards", f"卡片 '{card}' 不存在（cards/{card}.md）")
        for card in case.cards
        if card not in known.cards
    )
    return case
