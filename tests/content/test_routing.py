"""The field of an unsure answer and the numbers offered for it (content.routing)."""

from content.hotlines import GROUPS, grouped
from content.loader import Library
from content.routing import clear_category, numbers_for, numbers_for_card
from content.search import Candidate, SearchResult

THRESHOLD = 6.0


def result(*scored: tuple[str, float]) -> SearchResult:
    candidates = [Candidate(card, card, score) for card, score in scored]
    return SearchResult("q", candidates, THRESHOLD, 0.9)


def test_a_sure_answer_has_no_field_to_fall_back_on(library: Library) -> None:
    assert clear_category(result(("unpaid-wages", 12.0), ("loan-iou", 3.0)), library.cards) is None


def test_near_misses_of_one_field_make_it_clear(library: Library) -> None:
    cards = library.cards
    assert cards["unpaid-wages"].category == cards["migrant-worker-wages"].category == "labor"
    near = result(("unpaid-wages", 5.0), ("migrant-worker-wages", 4.0), ("loan-iou", 1.0))
    assert clear_category(near, cards) == "labor"  # loan-iou is below the suggestion level
    mixed = result(("unpaid-wages", 5.0), ("loan-iou", 4.0))
    assert clear_category(mixed, cards) is None
    assert clear_category(result(("unpaid-wages", 1.0)), cards) is None  # nothing on offer
    one = result(("unpaid-wages", 5.0), ("loan-iou", 1.0))
    assert clear_category(one, cards) is None  # one weak near miss is no evidence of a field
    # the first two decide: a weaker third of another field says nothing of the field
    third = result(("unpaid-wages", 5.0), ("migrant-worker-wages", 4.0), ("loan-iou", 3.9))
    assert len(third.suggestions) == 3 and clear_category(third, cards) == "labor"
    split = result(("unpaid-wages", 5.0), ("loan-iou", 4.5), ("migrant-worker-wages", 4.0))
    assert clear_category(split, cards) is None  # the second already of another field


def test_a_choice_between_cards_of_one_field_is_clear(library: Library) -> None:
    choice = result(("unpaid-wages", 10.0), ("migrant-worker-wages", 9.5))
    assert choice.ambiguous
    assert clear_category(choice, library.cards) == "labor"


def test_a_blocked_question_has_no_field(library: Library) -> None:
    blocked = SearchResult("q", [Candidate("unpaid-wages", "t", 9.0)], float("inf"), 0.9)
    assert clear_category(blocked, library.cards) is None


def test_numbers_for_an_unsure_answer(library: Library) -> None:
    near = result(("unpaid-wages", 5.0), ("migrant-worker-wages", 4.0))
    picked = [h.number for h in numbers_for(library.hotlines, "工钱", near, library.cards)]
    assert picked == ["12333", "12348"]
    unclear = result(("unpaid-wages", 5.0), ("loan-iou", 4.0))
    assert numbers_for(library.hotlines, "工钱", unclear, library.cards) == []
    # Without a clear field keywords alone do not pick a number (打不着火 is no fire).
    assert numbers_for(library.hotlines, "冬天车子打不着火咋办", unclear, library.cards) == []


def test_every_card_gets_a_number_and_its_field_decides(library: Library) -> None:
    for card in library.cards.values():
        assert numbers_for_card(library.hotlines, card), card.id
    wages = numbers_for_card(library.hotlines, library.cards["unpaid-wages"])
    assert [h.number for h in wages][:2] == ["12333", "12348"]


def test_the_list_is_grouped_with_emergencies_first(library: Library) -> None:
    groups = grouped(library.hotlines)
    assert [g for g, _ in groups] == list(GROUPS)
    assert [h.number for h in groups[0][1]] == ["110", "120", "119", "122", "12356"]
    assert sum(len(numbers) for _, numbers in groups) == len(library.hotlines)
    assert {h.number for h in dict(groups)["legal"]} == {"12348", "12368", "12309"}


def test_cards_get_the_numbers_their_problem_needs(library: Library) -> None:
    """家暴 is a police matter first (the card says so: 110); 12339 is for national security,
    not for drugs or online safety, which share the card category `security`; a pregnant
    worker's leave and pay are 12333's, and 妇联 (12338) stands up for 女职工 too; someone hurt
    working for a household is no case for 人社 (12333): not a 工伤 but a civil matter."""
    numbers = {
        card_id: [h.number for h in numbers_for_card(library.hotlines, library.cards[card_id])]
        for card_id in ("domestic-violence", "anti-drug-day", "cybersecurity-week",
                        "national-security-day", "women-workers", "labour-services")
    }  # fmt: skip
    assert numbers["domestic-violence"][:2] == ["110", "12338"]
    assert numbers["women-workers"][:2] == ["12333", "12338"]
    assert numbers["labour-services"] == ["120", "12348"]
    assert "12339" not in numbers["anti-drug-day"] + numbers["cybersecurity-week"]
    assert numbers["national-security-day"][0] == "12339"
