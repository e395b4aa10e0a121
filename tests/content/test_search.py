import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from content.loader import Library
from content.search import SearchIndex
from content.search_rules import Intents


@pytest.mark.parametrize(
    ("question", "card_id"),
    [
        ("老板拖欠工资三个月了怎么办", "unpaid-wages"),
        ("哪里可以免费请律师", "legal-aid-eligibility"),
        ("宪法日是哪天", "constitution-day"),
        ("老公打我怎么办", "domestic-violence"),
        ("借钱不还怎么办", "debt-collection"),
        ("网上刷单被骗了", "fraud-what-to-do"),
        ("12348是什么电话", "hotline-12348"),
        ("怎么申请劳动仲裁", "labor-arbitration"),
        ("哺乳期能上夜班吗", "women-workers"),
        ("请人干活受伤了谁赔", "labour-services"),
        ("房子包给施工队盖，工人摔伤了房主要赔吗", "labour-services"),
        ("在厂里上班受伤了怎么认定工伤", "work-injury"),
    ],
)
def test_common_questions_find_their_card(index: SearchIndex, question: str, card_id: str) -> None:
    result = index.search(question)
    assert result.matched
    assert result.best is not None and result.best.card_id == card_id


@pytest.mark.parametrize(
    ("typo", "card_id"),
    [("老板欠我公资", "unpaid-wages"), ("离昏冷静期要多久", "divorce-agreement")],
)
def test_homophone_typos_rank_the_right_card_first(
    index: SearchIndex, typo: str, card_id: str
) -> None:
    result = index.search(typo)
    assert result.best is not None and result.best.card_id == card_id
    assert result.matched or card_id in [c.card_id for c in result.suggestions]


def test_a_word_unknown_to_the_dictionary_counts_as_the_term_it_spells(
    index: SearchIndex,
) -> None:
    """赔尝 is 赔偿 typed with a homophone; the question's words have it, a card's do not."""
    assert "赔偿" in index.analyzer.words("我能要哪些赔尝", homophones=True)
    assert "赔偿" not in index.analyzer.words("我能要哪些赔尝")


def test_near_misses_are_offered_as_suggestions_not_answers(index: SearchIndex) -> None:
    result = index.search("老板欠我")
    assert not result.matched
    assert "unpaid-wages" in [c.card_id for c in result.suggestions]


@pytest.mark.parametrize("question", ["今天天气怎么样", "哈哈哈", "🙂🙂🙂", "", "   ", "？？？"])
def test_unrelated_questions_get_no_card(index: SearchIndex, question: str) -> None:
    assert not index.search(question).matched


@pytest.mark.parametrize(
    "question",
    [
        "遗嘱这部电影好看吗",
        "宅基地上种什么菜好",
        "电动车电池多久换一次",
        "醉驾会判几年",
        "孕妇吃什么水果好",
    ],
)
def test_everyday_asks_and_uncovered_topics_get_no_card(index: SearchIndex, question: str) -> None:
    """Each shares a word with a card (遗嘱, 宅基地, 电动车, 孕妇) but asks something else."""
    result = index.search(question)
    assert result.candidates and not result.matched


@pytest.mark.parametrize(
    ("question", "card_id"),
    [
        ("在网上买的减肥药吃了拉肚子能退钱吗", "food-safety"),
        ("婚宴都办了还没领证彩礼能要回来吗", "marriage-registration"),
    ],
)
def test_a_legal_cue_keeps_an_everyday_word_from_blocking_the_card(
    index: SearchIndex, question: str, card_id: str
) -> None:
    result = index.search(question)
    assert result.matched
    assert result.best is not None and result.best.card_id == card_id


@pytest.mark.parametrize(
    ("question", "card_id"),
    [
        # 驾照 is out of scope, 多少钱 is an everyday word: the card's own legal words and a
        # legal cue outweigh them.
        ("驾照被扣了还罚了两千块，我不服，想申请行政复议", "admin-reconsideration"),
        ("我怀孕了他还动手打我，能申请人身安全保护令吗", "domestic-violence"),
        ("物业乱涨价，物业费一年多少钱才合理", "property-management"),
        ("离婚协议书丢了，离婚证能补办吗", "divorce-agreement"),
    ],
)
def test_strong_legal_evidence_outweighs_a_blocking_rule(
    index: SearchIndex, question: str, card_id: str
) -> None:
    result = index.search(question)
    assert result.matched
    assert result.best is not None and result.best.card_id == card_id


@pytest.mark.parametrize(
    ("question", "card_id"),
    [
        ("林业局没收了我砍的木头还罚款，我不服", "admin-reconsideration"),
        ("水利局罚了我的采砂船，我想去法院告他们", "admin-litigation"),
        ("税务局的处罚我觉得罚错了，能撤销吗", "admin-reconsideration"),
    ],
)
def test_contesting_an_official_act_wants_reconsideration_or_litigation(
    index: SearchIndex, question: str, card_id: str
) -> None:
    """Whatever field the act comes from (even one out of scope, such as tax)."""
    result = index.search(question)
    assert result.matched
    assert result.best is not None and result.best.card_id == card_id


def test_a_field_question_without_an_objection_keeps_its_card(index: SearchIndex) -> None:
    result = index.search("饭店的菜吃出了虫子，能要赔偿吗")
    assert result.best is not None and result.best.card_id == "food-safety"


@pytest.mark.parametrize("question", ["儿子打伤了人被抓了，会判几年", "宪法宣传周的手抄报怎么画"])
def test_a_card_topic_word_alone_does_not_lift_a_blocking_rule(
    index: SearchIndex, question: str
) -> None:
    result = index.search(question)
    assert result.candidates and not result.matched


@pytest.mark.parametrize(
    ("question", "card_id"),
    [
        ("冒充客服让我把钱转到安全账户，我已经转了两万", "fraud-what-to-do"),
        ("冒充客服说要把钱转到安全账户，这种骗局怎么防", "telecom-fraud"),
        ("他打了借条，到期了还拉黑我不还钱", "debt-collection"),
        ("借钱给同事，借条要写些什么", "loan-iou"),
        ("调解协议签了字，对方一直不履行", "mediation-agreement"),
        ("想找村里的人民调解委员会调解，怎么申请", "people-mediation"),
    ],
)
def test_what_the_asker_wants_separates_sibling_cards(
    index: SearchIndex, question: str, card_id: str
) -> None:
    """The two halves of each pair share their topic words; the intent phrases decide."""
    result = index.search(question)
    assert result.matched
    assert result.best is not None and result.best.card_id == card_id


def test_an_intent_phrase_typed_with_a_homophone_still_counts(
    library: Library, index: SearchIndex
) -> None:
    """行政诉松 is 行政诉讼 typed with a homophone: it still wants litigation."""
    cards = list(library.cards.values())
    doc = {card.id: n for n, card in enumerate(cards)}
    intents = Intents(cards, library.lexicon, index.analyzer)
    for question, wanted in (("罚款不服想提起行政诉松", "admin-litigation"), ("罚款不服", None)):
        scores = {doc["admin-reconsideration"]: 10.0, doc["admin-litigation"]: 9.0}
        intents.apply(question, scores)
        best = max(scores, key=lambda n: scores[n])
        assert best == doc[wanted or "admin-reconsideration"]


def test_an_intent_phrase_says_what_a_card_is_wanted_for(
    library: Library, index: SearchIndex
) -> None:
    """跑外地 wants debt collection: it counts as evidence for that card, not for its siblings."""
    cards = list(library.cards.values())
    doc = {card.id: n for n, card in enumerate(cards)}
    intents = Intents(cards, library.lexicon, index.analyzer)
    assert intents.wants(doc["debt-collection"], "借钱的人跑外地去了")
    assert not intents.wants(doc["loan-iou"], "借钱的人跑外地去了")
    assert not intents.wants(doc["debt-collection"], "借钱给亲戚")


def test_a_question_worded_like_a_sample_question_finds_that_card(index: SearchIndex) -> None:
    """过了三年还能起诉吗 is a limitation-period alias; its words alone favour civil-lawsuit."""
    result = index.search("过了三年还能起诉不")
    assert result.best is not None and result.best.card_id == "limitation-period"


def test_candidates_are_ranked_and_limited(index: SearchIndex) -> None:
    result = index.search("离婚 孩子 抚养费 财产", limit=3)
    scores = [c.score for c in result.candidates]
    assert scores == sorted(scores, reverse=True)
    assert len(result.candidates) <= 3


def test_alternatives_never_include_the_best(index: SearchIndex) -> None:
    result = index.search("离婚以后孩子抚养费不给怎么办")
    assert result.best is not None
    assert result.best.card_id not in {a.card_id for a in result.alternatives}


def test_title_weighs_more_than_body(index: SearchIndex) -> None:
    result = index.search("人身安全保护令")
    assert result.best is not None and result.best.card_id == "domestic-violence"


def test_huge_input_is_answered(index: SearchIndex) -> None:
    result = index.search("工资" * 2048)
    assert result.best is not None and result.best.card_id == "unpaid-wages"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_search_never_fails_on_any_text(index: SearchIndex, text: str) -> None:
    result = index.search(text)
    assert len(result.candidates) <= 3
    assert all(c.score > 0 for c in result.candidates)
    if result.ambiguous:
        assert result.matched
    if result.matched:
        assert result.suggestions == []


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="离婚孩子抚养费工资借钱律师房子打我", max_size=12))
def test_ambiguous_results_offer_at_least_two_choices(index: SearchIndex, text: str) -> None:
    result = index.search(text)
    if result.ambiguous:
        assert len(result.choices) >= 2 and result.choices[0] == result.best
    else:
        assert result.choices == []


@pytest.mark.parametrize(
    ("question", "card_id"),
    [
        ("同事打我怎么办", "personal-injury"),  # a weak cue of violence at home, elsewhere
        ("被同事打伤了能赔偿吗", "personal-injury"),
        ("老公打我怎么办", "domestic-violence"),
        ("我老公在街上打我", "domestic-violence"),  # elsewhere, but by her husband
        ("同事说他老婆家暴他，他该怎么办", "domestic-violence"),  # a strong cue stays
    ],
)
def test_a_weak_cue_in_another_setting_gets_that_settings_card(
    index: SearchIndex, question: str, card_id: str
) -> None:
    """safety.yaml's elsewhere_card: 打我 from a colleague is an injury to claim for, and the
    evidence that made the home card the answer makes the injury card the answer."""
    result = index.search(question)
    assert result.matched and not result.ambiguous
    assert result.best is not None and result.best.card_id == card_id
