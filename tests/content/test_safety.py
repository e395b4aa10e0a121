"""safety.yaml: which messages signal danger, and what `pufa content check` refuses there."""

from pathlib import Path

import pytest

from content.loader import Library
from content.safety import match
from tests.content.content_copy import Edit, named, refused

DV_STORY = (
    "我老公天天打我，我想离婚但是他不同意，孩子才三岁，我没有工作，娘家也很远，"
    "我该怎么办啊，能不能把孩子判给我"
)


@pytest.mark.parametrize(
    ("message", "kinds"),
    [
        ("我想自杀", ["self_harm"]),
        ("我 想 自 杀", ["self_harm"]),
        ("活着没意思，不想活了", ["self_harm"]),
        ("他说要杀了我全家", ["threat_to_life"]),
        (DV_STORY, ["violence_at_home"]),
        ("老公又动手打我了", ["violence_at_home"]),
        ("他天天打我还威胁要杀我全家", ["threat_to_life", "violence_at_home"]),
        ("老板拖欠工资三个月了怎么办", []),
        ("自杀式袭击的新闻", []),
        ("有事打我电话", []),
        ("不想死后遗产按法定那套分", []),
        # a weak cue (打我, 被打) counts unless the message says it happened elsewhere
        ("他又打我了", ["violence_at_home"]),
        ("男朋友打我", ["violence_at_home"]),
        ("我爸喝醉就打我", ["violence_at_home"]),
        ("爸爸老是打妈妈", ["violence_at_home"]),  # a child telling of it
        ("我爸一喝酒就打奶奶", ["violence_at_home"]),
        ("打妈妈电话一直没人接", []),
        ("我老公在街上打我", ["violence_at_home"]),  # elsewhere, but by her husband
        ("同居的男友喝多了跟我打架，掐我脖子", ["violence_at_home"]),
        ("昨天在路上被一个陌生人打了，能要赔偿吗", []),
        ("我在路上被打了，能要赔偿吗", []),
        ("同事打我怎么办", []),
        ("喝酒跟人打架被打伤了，对方要赔吗", []),
        ("在街上被陌生人打，他还说要杀了我", ["threat_to_life"]),  # a strong cue stays
        ("路上的陌生人说我老公家暴", ["violence_at_home"]),
    ],
)
def test_the_real_cues(library: Library, message: str, kinds: list[str]) -> None:
    assert [k.id for k in match(library.safety, message)] == kinds


def test_every_kind_shows_known_numbers_and_a_notice(library: Library) -> None:
    numbers = {h.number for h in library.hotlines}
    by_id = {k.id: k for k in library.safety}
    assert set(by_id) == {"self_harm", "threat_to_life", "violence_at_home"}
    assert all(set(k.numbers) <= numbers for k in library.safety)
    assert by_id["self_harm"].numbers == ["120", "12356", "110"]
    assert by_id["threat_to_life"].numbers[0] == "110"
    assert by_id["violence_at_home"].numbers == ["110", "12338"]
    assert by_id["violence_at_home"].card == "domestic-violence"
    assert {k.text for k in library.safety} == set(library.ui.residents.safety_notices)


def _at(tmp_path: Path, kind: str) -> str:
    """How the check names the entry of `kind` in the edited copy of safety.yaml."""
    return named(tmp_path / "content" / "safety.yaml", f"- id: {kind}")


def _kind(kind: str, old: str, new: str) -> Edit:
    """A replacement in the entry of safety.yaml for `kind`."""
    return Edit("safety.yaml", old, new, entry=kind)


def test_unknown_numbers_cards_and_notices_are_refused(tmp_path: Path) -> None:
    problems = refused(
        tmp_path,
        _kind("self_harm", '"12356"', '"12357"'),
        _kind("violence_at_home", "card: domestic-violence", "card: no-such-card"),
        _kind("threat_to_life", "text: threat_to_life", "text: threat"),
        _kind("violence_at_home", "elsewhere_card: personal-injury", "elsewhere_card: nah"),
        _kind("self_harm", "text: self_harm", "text: self_harm\n  elsewhere_card: notary"),
    )

    found = {(p.path, p.field): p.message for p in problems}
    assert "12357" in found[(_at(tmp_path, "self_harm"), "numbers")]
    assert "no-such-card" in found[(_at(tmp_path, "violence_at_home"), "card")]
    assert "nah" in found[(_at(tmp_path, "violence_at_home"), "elsewhere_card")]
    assert "card" in found[(_at(tmp_path, "self_harm"), "elsewhere_card")]
    assert "threat" in found[(_at(tmp_path, "threat_to_life"), "text")]


def test_empty_repeated_and_idle_phrases_are_refused(tmp_path: Path) -> None:
    problems = refused(
        tmp_path,
        _kind("self_harm", "cues: [自杀, 轻生,", 'cues: [自杀, "", 轻生,'),
        _kind("self_harm", "not_when: [自杀式袭击,", "not_when: [自杀式袭击, 自杀式袭击,"),
        _kind("threat_to_life", "cues: [杀了我, 杀我,", "cues: [杀了我, 杀我, 家暴,"),
        _kind("violence_at_home", "not_when: [打我电话,", "not_when: [下雨天,"),
    )

    found = {(p.path, p.field): p.message for p in problems}
    assert found[(_at(tmp_path, "self_harm"), "cues")] == "不能有空词"
    assert "自杀式袭击" in found[(_at(tmp_path, "self_harm"), "not_when")]
    assert "家暴" in found[("safety.yaml", "cues")]  # in two kinds
    assert "下雨天" in found[(_at(tmp_path, "violence_at_home"), "not_when")]


def test_a_pre_check_rule_naming_an_unknown_kind_is_refused(tmp_path: Path) -> None:
    rule = Edit("legal_aid.yaml", "safety: violence_at_home", "safety: violence")

    problems = refused(tmp_path, rule)

    assert [(p.path, p.field) for p in problems] == [
        ("legal_aid.yaml", "rules.abuse-no-means-test.safety")
    ]


def test_the_settings_of_weak_cues_are_checked(tmp_path: Path) -> None:
    problems = refused(
        tmp_path,
        _kind("violence_at_home", "weak_cues: [打我,", "weak_cues: [打我, 家暴,"),
        _kind("self_harm", "not_when: [", "elsewhere: [网上]\n  not_when: ["),
        _kind("threat_to_life", "not_when: [", "weak_cues: [打死]\n  not_when: ["),
        _kind("threat_to_life", "not_when: [", "own_setting: [家里]\n  not_when: ["),
    )

    found = {(p.path, p.field): p.message for p in problems}
    assert "家暴" in found[("safety.yaml", "cues")]  # both a cue and a weak cue
    assert "elsewhere 不起作用" in found[(_at(tmp_path, "self_harm"), "elsewhere")]
    assert "直接写进 cues" in found[(_at(tmp_path, "threat_to_life"), "weak_cues")]
    assert "own_setting 不起作用" in found[(_at(tmp_path, "threat_to_life"), "own_setting")]


def test_an_elsewhere_word_that_overlaps_is_refused(tmp_path: Path) -> None:
    wider = "elsewhere: [陌生人, 老公, 被家暴的邻居,"
    problems = refused(tmp_path, _kind("violence_at_home", "elsewhere: [陌生人,", wider))

    found = [(p.field, p.message) for p in problems if p.path == _at(tmp_path, "violence_at_home")]
    assert ("own_setting", "'老公' 同时写在了 elsewhere 里") in found
    assert any(field == "elsewhere" and "家暴" in message for field, message in found)
