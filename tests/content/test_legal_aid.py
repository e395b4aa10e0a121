import itertools
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from content.legal_aid import (
    LegalAidCriteria,
    NeedsAnswer,
    chat_paths,
    check_criteria,
    evaluate,
    next_question,
)
from content.loader import Library, collect
from tests.content.test_loader import copy_content

ARTICLE_31 = [
    "依法请求国家赔偿",
    "请求给予社会保险待遇或者社会救助",
    "请求发给抚恤金",
    "请求给付赡养费、抚养费、扶养费",
    "请求确认劳动关系或者支付劳动报酬",
    "请求认定公民无民事行为能力或者限制民事行为能力",
    "请求工伤事故、交通事故、食品药品安全事故、医疗事故人身损害赔偿",
    "请求环境污染、生态破坏损害赔偿",
    "法律、法规、规章规定的其他情形",
]


def small(**changes: Any) -> dict[str, Any]:
    """A two-question criteria file as a dict, for the evaluator's branches."""
    data: dict[str, Any] = {
        "law": "中华人民共和国法律援助法",
        "in_force": "2022-01-01",
        "decision_days": 7,
        "sources": [{"seed": "000_06b5c48ec6960e61.txt", "item": "13"}],
        "articles": {"art31": {"article": "《法律援助法》第三十一条", "summary": "事项范围"}},
        "promise": "如实写个人诚信承诺就行。",
        "hardship_standard": {"sample": True, "note": "示例：本省标准是低保的2倍"},
        "disclaimer": "只是参考，机构7日内作出决定。",
        "questions": [
            {
                "id": "matter",
                "text": "什么事？",
                "options": [{"id": "abuse", "text": "家暴"}, {"id": "wages", "text": "讨薪"}],
            },
            {
                "id": "hardship",
                "text": "困难吗？",
                "options": [{"id": "hard", "text": "困难"}, {"id": "fine", "text": "不困难"}],
            },
        ],
        "rules": [
            {
                "id": "abuse",
                "when": {"matter": ["abuse"]},
                "outcome": "likely_yes",
                "reason": "不受经济困难条件限制",
                "article": "《法律援助法》第三十二条",
            },
            {
                "id": "hard",
                "when": {"matter": ["wages"], "hardship": ["hard"]},
                "outcome": "likely_yes",
                "reason": "经济困难可以申请",
                "article": "《法律援助法》第三十一条",
                "bring": ["身份证"],
                "hardship_note": True,
            },
            {
                "id": "rest",
                "outcome": "likely_no",
                "reason": "一般不符合条件",
                "article": "《法律援助法》第三十四条",
            },
        ],
    }
    return data | changes


def criteria(**changes: Any) -> LegalAidCriteria:
    return LegalAidCriteria.model_validate(small(**changes))


def test_a_rule_with_every_question_answered_gives_its_outcome() -> None:
    outcome = evaluate(criteria(), {"matter": "wages", "hardship": "hard"})
    assert (outcome.rule, outcome.result, outcome.bring) == ("hard", "likely_yes", ("身份证",))
    assert outcome.article == "《法律援助法》第三十一条"
    assert outcome.hardship_note == "示例：本省标准是低保的2倍"
    assert "7日" in outcome.disclaimer


def test_a_short_path_decides_without_the_later_questions() -> None:
    rules = criteria()
    assert next_question(rules, {"matter": "abuse"}) is None
    outcome = evaluate(rules, {"matter": "abuse"})
    assert (outcome.rule, outcome.hardship_note, outcome.bring) == ("abuse", "", ())


def test_undecided_answers_name_the_question_to_ask() -> None:
    rules = criteria()
    first = next_question(rules, {})
    assert first is not None and first.id == "matter"
    following = next_question(rules, {"matter": "wages"})
    assert following is not None and following.id == "hardship"
    with pytest.raises(NeedsAnswer) as raised:
        evaluate(rules, {"matter": "wages"})
    assert raised.value.question.id == "hardship"


def test_a_contradicted_rule_is_skipped_for_the_next_one() -> None:
    assert evaluate(criteria(), {"matter": "wages", "hardship": "fine"}).rule == "rest"


def test_unknown_questions_and_options_are_refused() -> None:
    with pytest.raises(ValueError, match="没有问题"):
        evaluate(criteria(), {"income": "low"})
    with pytest.raises(ValueError, match="没有选项"):
        next_question(criteria(), {"matter": "divorce"})


def test_answers_no_rule_covers_raise_lookup_error() -> None:
    gap = criteria(rules=small()["rules"][:2])
    with pytest.raises(LookupError):
        evaluate(gap, {"matter": "wages", "hardship": "fine"})


def test_the_checker_finds_gaps_dead_rules_and_unasked_questions() -> None:
    rules = small()["rules"]
    gap = check_criteria(criteria(rules=rules[:2]), "f.yaml")
    assert [(p.field, p.message) for p in gap] == [
        ("rules", "回答 matter=wages，hardship=fine 时没有任何规则给出结果")
    ]
    dead = check_criteria(criteria(rules=[rules[2], rules[0]]), "f.yaml")
    assert {p.field for p in dead} == {"rules.abuse", "questions.matter", "questions.hardship"}


def test_the_checker_finds_bad_references_and_repeated_ids() -> None:
    data = small()
    data["questions"].append(data["questions"][1])
    data["questions"][0]["options"].append({"id": "abuse", "text": "再来一次"})
    data["rules"][0]["when"] = {"matter": ["abuse", "divorce"], "income": ["low"]}
    data["rules"][1]["when"]["hardship"] = []
    data["rules"].append(data["rules"][2])
    data["hardship_standard"]["note"] = "本省标准是低保的2倍"
    data["disclaimer"] = "法律援助机构会尽快作出决定。"
    data["sources"][0]["seed"] = "999_0000000000000000.txt"
    found = {
        (p.field, p.message)
        for p in check_criteria(LegalAidCriteria.model_validate(data), "f.yaml", {"x"})
    }
    assert found == {
        ("sources", "seeds.yaml 里没有 '999_0000000000000000.txt'"),
        ("disclaimer", "要写明法律援助机构 7 日内作出决定"),
        ("disclaimer", "要写明结果只是参考"),
        ("questions", "重复的问题 id 'hardship'"),
        ("questions.matter.options", "重复的选项 id 'abuse'"),
        ("rules", "重复的规则 id 'rest'"),
        ("rules.abuse.when.matter", "问题 'matter' 没有选项 'divorce'"),
        ("rules.abuse.when", "没有问题 'income'"),
        ("rules.hard.when.hardship", "至少要列一个选项"),
        ("hardship_standard.note", "示例内容必须写明“示例”"),
    }


def test_the_checker_finds_the_promise_said_again_in_a_reason_shown_with_it() -> None:
    """A rule with hardship_note shows `promise` under its reason: a reason that also speaks
    of the 承诺 says it twice; one shown without the promise may."""
    data = small()
    data["rules"][0]["reason"] += "，不用写个人诚信承诺"
    data["rules"][1]["reason"] += "，写一份个人诚信承诺就行"
    found = check_criteria(LegalAidCriteria.model_validate(data), "f.yaml")
    assert [(p.field, p.message) for p in found] == [
        ("rules.hard.reason", "结果会接着显示 promise（经济困难承诺制），理由里不用再说“承诺”")
    ]


def test_the_real_criteria_list_the_law_as_it_reads(library: Library) -> None:
    aid = library.legal_aid
    assert aid is not None
    assert (aid.in_force.isoformat(), aid.decision_days) == ("2022-01-01", 7)
    assert aid.articles["art31"].items == ARTICLE_31
    assert len(aid.articles["art32"].items) == 5 and len(aid.articles["art42"].items) == 4
    assert "家庭暴力" in aid.articles["art32"].items[3]
    assert "进城务工人员" in aid.articles["art42"].items[2]
    assert "七日" in aid.articles["art43"].summary
    assert "参考" in aid.disclaimer and "7日" in aid.disclaimer
    assert aid.hardship_standard.sample and "示例" in aid.hardship_standard.note
    assert check_criteria(aid, "legal_aid.yaml", set(library.seeds)) == []


def test_every_way_through_the_real_chat_reaches_an_outcome(library: Library) -> None:
    aid = library.legal_aid
    assert aid is not None
    paths = list(chat_paths(aid))
    assert all(rule is not None for _, rule in paths)
    assert {rule.id for _, rule in paths if rule} == {rule.id for rule in aid.rules}
    assert max(len(answers) for answers, _ in paths) <= 3
    # Any complete set of answers, asked or not, also gets an outcome.
    options = [[(q.id, o.id) for o in q.options] for q in aid.questions]
    for combination in itertools.product(*options):
        assert evaluate(aid, dict(combination)).result in {"likely_yes", "likely_no", "depends"}


@pytest.mark.parametrize(
    ("given", "rule", "result"),
    [
        ("matter=abuse", "abuse-no-means-test", "likely_yes"),
        ("matter=criminal_defence criminal_person=minor", "criminal-notified", "likely_yes"),
        ("matter=criminal_defence criminal_person=neither", "criminal-apply", "depends"),
        ("matter=support group=assistance", "exempt-group", "likely_yes"),
        ("matter=wages group=migrant", "migrant-worker", "likely_yes"),
        ("matter=accident group=migrant hardship=hard", "hardship-yes", "likely_yes"),
        ("matter=benefits group=neither hardship=unsure", "hardship-unsure", "depends"),
        ("matter=support group=neither hardship=comfortable", "not-hard-up", "likely_no"),
        ("matter=other hardship=hard", "other-matter", "depends"),
        ("matter=other hardship=comfortable", "not-hard-up", "likely_no"),
    ],
)
def test_real_chat_outcomes(library: Library, given: str, rule: str, result: str) -> None:
    answers = dict(pair.split("=") for pair in given.split())
    aid = library.legal_aid
    assert aid is not None
    assert next_question(aid, answers) is None
    outcome = evaluate(aid, answers)
    assert (outcome.rule, outcome.result) == (rule, result)
    assert outcome.reason and outcome.article.startswith("《法律援助法》")


def test_problems_in_the_file_name_the_field(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    path = content / "legal_aid.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "matter: [criminal_defence]\n      criminal_person",
        "matter: [crime]\n      criminal_person",
    )
    text = text.replace("outcome: likely_no", "outcome: unlikely")
    path.write_text(text, encoding="utf-8")
    library, problems = collect(content)
    assert library is None
    found = {(p.path, p.field) for p in problems}
    rules = yaml.safe_load(text)["rules"]
    refused = next(n for n, rule in enumerate(rules) if rule["outcome"] == "unlikely")
    assert ("legal_aid.yaml", f"rules.{refused}.outcome") in found
    path.write_text(text.replace("outcome: unlikely", "outcome: likely_no"), encoding="utf-8")
    _, problems = collect(content)
    assert [(p.path, p.field, p.message) for p in problems] == [
        ("legal_aid.yaml", "rules.criminal-notified.when.matter", "问题 'matter' 没有选项 'crime'")
    ]


def test_folded_chinese_lines_join_without_a_space(library: Library) -> None:
    criteria = library.legal_aid
    assert criteria is not None
    texts = [criteria.promise, criteria.disclaimer, *(r.reason for r in criteria.rules)]
    assert not any(re.search(r"[^\x00-\x7f] [^\x00-\x7f]", text) for text in texts)
    assert "承诺，一般" in criteria.promise
