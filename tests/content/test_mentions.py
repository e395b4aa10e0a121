"""Each hotline number referred to once in a message (content.mentions): examples, the real
cards with the footer, and properties of any prose built from lists and referrals."""

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from content.loader import Library
from content.mentions import Fixed, join, once, stubborn
from tests.content.content_copy import Edit, refused

NUMBERS = ["12348", "12333", "110"]


@pytest.mark.parametrize(
    ("blocks", "expected"),
    [
        # an item of a list, either side
        (["拨打12348咨询。", "找12348、法律援助中心。"], ["拨打12348咨询。", "找法律援助中心。"]),
        (
            ["拨打12348咨询。", "妇联（涉及妇女权益）、12348"],
            ["拨打12348咨询。", "妇联（涉及妇女权益）"],
        ),
        # one choice of two
        (
            ["- 拨打12348公共法律服务热线咨询。\n拿不准时，拨打12348或到当地司法所问一问。"],
            ["- 拨打12348公共法律服务热线咨询。\n拿不准时，到当地司法所问一问。"],
        ),
        (
            ["12348", "都不对的话，可以换个说法再问，或者拨打 <b>12348</b> 公共法律服务热线。"],
            ["12348", "都不对的话，可以换个说法再问。"],
        ),
        # a clause, with its condition; a line left with its bullet only
        (
            [
                "- 110报警；人民调解委员会；拨打12348公共法律服务热线咨询。一般诉讼时效三年。",
                "以上是普法知识，不代替律师意见。拿不准就打 12348。",
            ],
            [
                "- 110报警；人民调解委员会；拨打12348公共法律服务热线咨询。一般诉讼时效三年。",
                "以上是普法知识，不代替律师意见。",
            ],
        ),
        (
            ["拨打12348。\n- 12348公共法律服务热线\n- 村（居）委会"],
            ["拨打12348。\n- 村（居）委会"],
        ),
        (
            ["立即拨打110报警。", "- 110报警；人民调解委员会"],
            ["立即拨打110报警。", "- 人民调解委员会"],
        ),
        (["拨打12348。", "拿不准打哪个，就打 <b>12348</b> 问一问。"], ["拨打12348。", ""]),
    ],
)
def test_a_repeated_referral_goes(blocks: list[str], expected: list[str]) -> None:
    assert once(blocks, NUMBERS) == expected


@pytest.mark.parametrize(
    "text",
    [
        "12348是公共法律服务热线。12348不会让你转账。",  # what the number is: content
        "拨打12348。也可以登录12348中国法网。",
        "拨打12348。你可以换个说法再问一次，或者直接拨打 <b>12348</b>，工作人员会帮你。",
        "拨打12348。\n- 电话：12348",
        "拨打12348。问村委会或拨打12348查询，以当地公布的为准。",
    ],
)
def test_a_mention_that_says_more_stays(text: str) -> None:
    assert once([text], NUMBERS) == [text]


def test_a_fixed_block_keeps_its_numbers_and_the_prose_gives_way() -> None:
    line = Fixed("<b>12348</b> 公共法律服务热线：免费问法律问题。")
    footer = "号码全国通用。拿不准打哪个，就打 <b>12348</b> 问一问。"
    assert join([footer, line], NUMBERS) == f"号码全国通用。\n\n{line.text}"
    assert (
        join([Fixed("打12348，打12348"), "拨打12333。"], NUMBERS)
        == "打12348，打12348\n\n拨打12333。"
    )


def test_a_card_says_each_of_its_referrals_once_and_the_footer_gives_way(
    library: Library,
) -> None:
    numbers = [h.number for h in library.hotlines]
    footer = library.ui.card_footer
    for card in library.cards.values():
        title, body, last = once([card.title, card.body, footer], numbers)
        said = f"{title}\n{body}\n{last}"
        for number in numbers:  # no number is lost
            assert _count(f"{card.title}{card.body}{footer}", number) == 0 or _count(said, number)
        if _count(card.title + card.body, "12348"):
            assert last and _count(last, "12348") == 0
        else:
            assert last == footer
        assert once([title, body, last], numbers) == [title, body, last]  # nothing left to do
        assert not _ARTEFACT.search(said), (card.id, _ARTEFACT.search(said))
    wages = library.cards["unpaid-wages"]
    assert _count("\n".join(once([wages.title, wages.body, footer], numbers)), "12348") == 1


PLACES = ["司法所", "法律援助中心", "村（居）委会", "人民调解委员会"]
_ARTEFACT = re.compile(
    r"、、|、[，。；]|[，；：]、|^[-•]?\s*、|，。|；。|；；|或[。；，]|^[-•]\s*$", re.MULTILINE
)


@st.composite
def referral(draw: st.DrawFn) -> str:
    verb = draw(st.sampled_from(["", "拨打", "打"]))
    number = draw(st.sampled_from(NUMBERS[:2]))
    name = draw(st.sampled_from(["", "热线", "公共法律服务热线"])) if verb else ""
    ask = draw(st.sampled_from(["", "咨询", "问一问"])) if verb else ""
    return f"{verb}{number}{name}{ask}"


@st.composite
def sentence(draw: st.DrawFn) -> str:
    items = draw(st.lists(st.one_of(st.sampled_from(PLACES), referral()), min_size=1, max_size=4))
    text = items[0]
    for item in items[1:]:
        text += draw(st.sampled_from(["、", "；", "，或", "或"])) + item
    condition = draw(st.sampled_from(["", "拿不准时，", "拿不准就"]))
    bullet = draw(st.sampled_from(["", "- ", "• "]))
    return f"{bullet}{condition}{text}。"


PROSE = st.lists(sentence(), min_size=1, max_size=5).map("\n".join)


@settings(max_examples=300, deadline=None)
@given(blocks=st.lists(PROSE, min_size=1, max_size=3), fixed=st.sampled_from(["", "12348"]))
def test_prose_of_lists_and_referrals_says_each_number_once_and_loses_no_place(
    blocks: list[str], fixed: str
) -> None:
    shown = once([*blocks, Fixed(fixed)], NUMBERS)
    prose, said = "\n".join(shown[:-1]), "\n".join(blocks)
    for number in NUMBERS[:2]:
        expected = min(_count(said, number), 0 if number == fixed else 1)
        assert _count(prose, number) == expected, (said, prose)
    for place in PLACES:
        assert prose.count(place) == said.count(place)
    assert not _ARTEFACT.search(prose), (said, prose)
    assert once([*shown[:-1], Fixed(shown[-1])], NUMBERS) == shown


def _count(text: str, number: str) -> int:
    return len(re.findall(rf"(?<!\d){number}(?!\d)", text))


def test_a_text_that_follows_must_say_its_number_so_it_can_be_left_out(tmp_path: Path) -> None:
    """The footer, the /hotlines footer, the fallback's intros: a number in them that could
    not be left out would be said twice under a card that gives it."""
    assert stubborn("拿不准就打 12348。") == []
    assert stubborn("拿不准就打 12348，免费。") == ["12348"]
    problems = refused(
        tmp_path,
        Edit("ui.zh.yaml", "律师意见。拿不准就打 12348。", "律师意见。拿不准就打 12348，免费。"),
        Edit("ui.zh.yaml", "就打 <b>12348</b> 问一问。", "就打 <b>12348</b>，会告诉你该找谁。"),
    )

    found = {(p.path, p.field): p.message for p in problems}
    assert "12348 要写成能省掉的样子" in found[("ui.zh.yaml", "card_footer")]
    assert "12348" in found[("ui.zh.yaml", "residents.hotlines_footer")]
