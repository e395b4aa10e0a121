"""Evaluation indicators (indicators.yaml) and volunteer star levels (recognition.yaml)."""

from pathlib import Path

import pytest

from content.loader import Library, collect
from tests.content.content_copy import Edit, copy_content, edit_entry, refused

INDICATOR = "anti-fraud-cyber"


def test_shipped_indicators_refer_to_what_exists(library: Library) -> None:
    assert 8 <= len(library.indicators) <= 12
    assert len({i.id for i in library.indicators}) == len(library.indicators)
    activity_types = set(library.ui.volunteers.activity_types)
    campaigns = {c.id for c in library.campaigns}
    for indicator in library.indicators:
        assert set(indicator.activity_types) <= activity_types
        assert set(indicator.campaigns) <= campaigns
        assert indicator.sources and all(s.seed in library.seeds for s in indicator.sources)
    counted = {t for i in library.indicators for t in i.activity_types}
    assert counted == activity_types  # every kind of activity counts for something


def test_shipped_star_levels_are_the_common_thresholds(library: Library) -> None:
    recognition = library.recognition
    assert recognition is not None
    assert [(level.stars, level.hours) for level in recognition.levels] == [
        (1, 100),
        (2, 300),
        (3, 600),
        (4, 1000),
        (5, 1500),
    ]
    assert "志愿服务记录" in recognition.basis
    assert recognition.level_for(99.5) is None
    level = recognition.level_for(100)
    assert level is not None and level.label == "一星级志愿者"
    level = recognition.level_for(5000)
    assert level is not None and level.stars == 5


INDICATOR_RULES = [
    # (what is broken, old, new, field, part of the message)
    (
        "unknown activity type",
        "activity_types: [anti_fraud]",
        "activity_types: [dancing]",
        "activity_types",
        "dancing",
    ),
    (
        "unknown seed",
        "seed: 001_e6099e5d355a38ee.txt",
        "seed: 009_0000000000000000.txt",
        "sources",
        "009_0000000000000000.txt",
    ),
    (
        "a repeated activity type",
        "activity_types: [anti_fraud]",
        "activity_types: [anti_fraud, anti_fraud]",
        "activity_types",
        "重复",
    ),
    ("name too long", "name: 反诈与网络安全宣传", "name: " + "长" * 21, "name", "2 到 20"),
    (
        "what_counts too short",
        "what_counts: 反电信网络诈骗、防范“两卡”犯罪、"
        "个人信息保护和网络安全宣传的场次和受众人数。",
        "what_counts: 反诈宣传",
        "what_counts",
        "10 到 200",
    ),
    ("duplicate id", f"id: {INDICATOR}", "id: civil-code-publicity", "id", "重复"),
    ("duplicate name", "name: 反诈与网络安全宣传", "name: 民法典宣传", "name", "重复"),
]


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [rule[1:] for rule in INDICATOR_RULES],
    ids=[rule[0] for rule in INDICATOR_RULES],
)
def test_each_broken_indicator_rule_is_reported(
    tmp_path: Path, old: str, new: str, field: str, message: str
) -> None:
    problems = refused(tmp_path, Edit("indicators.yaml", old, new, entry=INDICATOR))
    assert len(problems) == 1, problems
    assert problems[0].path == "indicators.yaml"
    assert problems[0].field.rsplit(".", 1)[-1] == field
    assert message in problems[0].message


def test_an_indicator_needs_a_source(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    (content / "indicators.yaml").write_text(
        "- id: one\n  name: 宪法学习宣传\n"
        "  what_counts: 宪法宣讲活动的场次和受众人数。\n  sources: []\n",
        encoding="utf-8",
    )
    _, problems = collect(content)
    assert [(p.path, p.field) for p in problems] == [("indicators.yaml", "one.sources")]


def test_an_unknown_campaign_is_a_warning(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    edit_entry(content / "indicators.yaml", INDICATOR, "[cybersecurity-week]", "[no-such-week]")
    library, problems = collect(content)
    assert problems == [] and library is not None
    assert [(w.path, w.field) for w in library.warnings] == [
        ("indicators.yaml", f"{INDICATOR}.campaigns")
    ]


def test_a_broken_ui_text_does_not_spread_to_indicators(tmp_path: Path) -> None:
    problems = refused(tmp_path, Edit("ui.zh.yaml", "too_fast:", "too_fats:"))
    assert problems and {p.path for p in problems} == {"ui.zh.yaml"}


def _levels(tmp_path: Path, old: str, new: str) -> list[tuple[str, str, str]]:
    problems = refused(tmp_path, Edit("recognition.yaml", old, new))
    return [(p.path, p.field, p.message) for p in problems]


def test_thresholds_must_rise(tmp_path: Path) -> None:
    problems = _levels(tmp_path, "hours: 600", "hours: 300")
    assert problems == [
        ("recognition.yaml", "levels.2.hours", "门槛要逐级提高：300 小时不高于上一级的 300 小时")
    ]


def test_stars_must_count_up_from_one(tmp_path: Path) -> None:
    problems = _levels(tmp_path, "stars: 4", "stars: 6")
    assert [(path, field) for path, field, _ in problems] == [
        ("recognition.yaml", "levels.3.stars")
    ]


def test_labels_must_differ(tmp_path: Path) -> None:
    problems = _levels(tmp_path, "label: 二星级志愿者", "label: 一星级志愿者")
    assert [(path, field) for path, field, _ in problems] == [
        ("recognition.yaml", "levels.1.label")
    ]


def test_hours_must_be_positive(tmp_path: Path) -> None:
    problems = _levels(tmp_path, "hours: 100\n", "hours: 0\n")
    assert [(path, field) for path, field, _ in problems] == [
        ("recognition.yaml", "levels.0.hours")
    ]


def test_without_the_optional_files_nothing_is_missing(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    (content / "indicators.yaml").unlink()
    (content / "recognition.yaml").unlink()
    library, problems = collect(content)
    assert problems == [] and library is not None
    assert library.indicators == [] and library.recognition is None


def test_residents_satisfaction_is_not_for_volunteers_to_tag(library: Library) -> None:
    taggable = {i.id: i.volunteers_may_tag for i in library.indicators}
    assert taggable.pop("public-satisfaction") is False
    assert all(taggable.values())


def test_volunteers_may_tag_must_be_true_or_false(tmp_path: Path) -> None:
    old, new = "volunteers_may_tag: false", "volunteers_may_tag: 不行"
    problems = refused(tmp_path, Edit("indicators.yaml", old, new, entry="public-satisfaction"))
    assert [(p.path, p.field) for p in problems] == [
        ("indicators.yaml", "public-satisfaction.volunteers_may_tag")
    ], problems
