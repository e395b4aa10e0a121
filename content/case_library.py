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

from content.check_text import check_text, listed
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
        return check_words(value, 1, 3, check_text("cases.word_card"))

    @field_validator("keywords")
    @classmethod
    def _keywords(cls, value: list[str]) -> list[str]:
        words = check_words(value, 3, 10, check_text("cases.word_keyword"))
        long = [w for w in words if len(w) > 20]
        if long:
            raise ValueError(check_text("cases.long_keywords", words=listed(long)))
        return words

    @field_validator("law")
    @classmethod
    def _law(cls, value: str) -> str:
        check_length(value, 4, 100)
        if not law_names(value):
            raise ValueError(check_text("cases.law"))
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
        problems.append(check_text("cases.long_body", length=len(body), limit=CASE_BODY_LIMIT))
    sections = case_sections(body)
    if sections and not sections[0].title:
        problems.append(check_text("cases.text_before_heading", heading=CASE_SECTIONS[0]))
    titles = [s.title for s in sections if s.title]
    if titles != list(CASE_SECTIONS):
        problems.append(_heading_problem(titles))
    problems += [
        check_text("cases.empty_section", heading=s.title)
        for s in sections
        if s.title and not s.text
    ]
    return problems


def _heading_problem(titles: list[str]) -> str:
    wanted = " → ".join(f"**{t}**" for t in CASE_SECTIONS)
    details = [
        check_text("cases.missing_heading", heading=t) for t in CASE_SECTIONS if t not in titles
    ]
    details += [
        check_text("cases.unknown_heading", heading=t)
        for t in dict.fromkeys(titles)
        if t not in CASE_SECTIONS
    ]
    details += [
        check_text("cases.repeated_heading", heading=t, count=titles.count(t))
        for t in dict.fromkeys(titles)
        if t in CASE_SECTIONS and titles.count(t) > 1
    ]
    if not details:
        details.append(check_text("cases.heading_order"))
    return check_text("cases.headings", wanted=wanted, details="；".join(details))


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
        found.append((name, "", check_text("cases.front_matter_not_mapping")))
        return None
    case = validate(Case, {**data, "body": body}, name, "", found)
    if case is None:
        return None
    if case.id != stem:
        found.append((name, "id", check_text("common.id_not_file_name", id=case.id, stem=stem)))
    if unknown(case.category, known.categories):
        found.append((name, "category", unknown_category(case.category, known.categories or ())))
    found.extend(
        (name, "cards", check_text("cases.no_card", card=card))
        for card in case.cards
        if card not in known.cards
    )
    return case
