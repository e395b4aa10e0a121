"""The volunteer texts: every problem explained, every template formats with its values."""

import re

from content.loader import Library
from content.report_input import InputProblem, parse_audience, parse_hours, parse_materials
from content.ui_volunteers import limits


def test_every_problem_has_an_explanation(library: Library) -> None:
    texts = library.ui.volunteers
    for item in InputProblem:
        assert texts.explain(item, 60).strip()
    assert "60" in texts.explain(InputProblem.DATE_TOO_OLD, 60)


def test_templates_format_with_their_placeholders(library: Library) -> None:
    texts = library.ui.volunteers
    values = {
        **limits(60),
        "id": 1, "name": "张三", "town": "城关镇", "type": "宪法宣传", "date": "2026-12-04",
        "place": "广场", "audience": 100, "hours": "2", "photos": 1, "summary": "简介",
        "count": 2, "more": 3, "code": "abc", "link": "https://t.me/x", "organisation": "司法所",
        "uses": "一次", "expires": "2026-12-31", "towns": "城关镇", "period": "本月",
        "activities": 3, "volunteers": 2, "rank": 1, "label": "本月", "days": 7,
        "questions": 1, "reports": 2, "phone": "138", "joined": "2026-12-01", "topics": "宪法",
        "materials": 3, "indicators": "宪法学习宣传", "asked": 5, "answered": 3, "fell_back": 2,
        "unsolved": 1, "tickets": 1, "items": "• 你问过的 1 个问题", "kind": "活动报告",
        "command": "/export", "typed": "东山", "value": 9999, "lat": "30.0", "lon": "110.0",
        "point": "东山镇司法所", "album": 3, "reason": "人数不对", "state": "待审核",
        "names": "“宪法宣传周”", "max": 365,
    }  # fmt: skip
    for value in texts.model_dump().values():
        if isinstance(value, str):
            str.format(value, **values)  # a misspelt {placeholder} raises KeyError
    assert "张三" in texts.registered.format(name="张三", town="城关镇")


def test_number_hints_suggest_what_their_step_takes(library: Library) -> None:
    """Each number step's hint gives examples that step accepts (a count refuses "2.5")."""
    texts = library.ui.volunteers
    for parse, shape in [
        (parse_audience, InputProblem.AUDIENCE_FORMAT),
        (parse_materials, InputProblem.MATERIALS_FORMAT),
        (parse_hours, InputProblem.HOURS_FORMAT),
    ]:
        hint = texts.explain(shape)
        examples = re.findall(r"(?:比如|或) ([0-9.]+)", hint)
        assert examples, hint
        for example in examples:
            parse(example)  # raises InputError if the hint suggests a refused answer
