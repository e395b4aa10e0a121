"""typed_words.yaml's parts of a year (第一季度, 上半年): the content check refuses one that
would mislead the period parser."""

from pathlib import Path

import pytest

from tests.content.content_copy import Edit, refused


@pytest.mark.parametrize(
    ("old", "new", "where", "message"),
    [
        pytest.param(
            "  上半年: [1, 6]\n",
            "  上半年: [1, 6]\n  今年: [1, 12]\n",
            "",
            "一个词只能属于一个时段：今年",
            id="part of a year also a period",
        ),
        pytest.param(
            "  下半年: [7, 12]\n",
            "  下半年: [12, 7]\n",
            "year_parts.下半年",
            "开始的月份不能在结束的月份之后（上半年写 [1, 6]）",
            id="months in the wrong order",
        ),
        pytest.param(
            "  q4: [10, 12]\n",
            "  q4: [10, 13]\n",
            "year_parts.q4.1",
            "不能大于 12",
            id="no such month",
        ),
        pytest.param(
            "  q4: [10, 12]\n",
            "  q4: [10, 12]\n  Q 4: [10, 12]\n",
            "year_parts",
            "写了两次（不计空格和全角半角）：q4",
            id="word twice once compared",
        ),
    ],
)
def test_the_check_refuses_a_part_of_a_year_that_would_mislead(
    tmp_path: Path, old: str, new: str, where: str, message: str
) -> None:
    problems = refused(tmp_path, Edit("typed_words.yaml", old, new))
    assert [(p.path, p.field, p.message) for p in problems] == [
        ("typed_words.yaml", where, message)
    ]
