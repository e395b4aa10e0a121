"""`pufa content check` refuses a synonym group that cannot work, written by hand: the rule
the dashboard's 加为同义词 uses too (tests/dashboard/test_second_pass.py)."""

from pathlib import Path

from tests.content.content_copy import Edit, refused

GROUP = "  - [工资, 工钱, 薪水, 薪资, 血汗钱, 干活的钱, 辛苦钱]"


def test_a_broken_synonym_group_written_by_hand_is_refused(tmp_path: Path) -> None:
    """An emoji, a word twice in a group, a word in two groups, a group of one word: each
    said where it is, as the dashboard says it of a synonym it would add."""
    broken = "  - [工资, 工钱, 工钱, 💰, 欠薪, 薪资]\n  - [单独一个词]"
    problems = refused(tmp_path, Edit("lexicon.yaml", GROUP, broken))
    assert [str(p) for p in problems] == [
        "lexicon.yaml: synonyms[2]: “💰”不是词："
        "同义词要用汉字、字母或数字写，不能是表情符号或别的符号",
        "lexicon.yaml: synonyms[2]: “工钱”在这一组同义词里已经有了",
        "lexicon.yaml: synonyms[2]: “欠薪”已经在第 1 组同义词里了，一个词只能在一组里",
        "lexicon.yaml: synonyms[3]: 一组同义词至少要有两个不同的词",
    ]
