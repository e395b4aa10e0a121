"""The field of a question the search is unsure about, and the numbers to offer for it.

When the best card is uncertain (a choice between cards, or only "did you mean" near misses)
but the first two cards on offer belong to one category, the bot knows the field if not the
card, and that field's hotline is the right next step (12333 for labour, 12315 for
consumers ...). One weak near miss is no evidence of a field: on the dev set, asking for two
cut the out-of-scope questions given a number from 31 to 8 of 548 while 15 of 16 in-scope
questions named kept the right field (content/asked-questions.jsonl). The first two, not every
card on offer: a third from another field is a weaker match that said nothing of the field
(劳动纠纷 offered 劳动仲裁, 劳动监察 and 维权渠道). On the 19,459 dev questions, 5-fold cross-
validated (`python bench/routing.py --folds 5`): in-scope unsure questions given their field's
number 125 -> 160, another field's 10 -> 16, out-of-scope questions given a number 35 -> 51
of 5,807.
"""

from collections.abc import Iterable, Mapping

from content.hotlines import Hotline, suggest
from content.models import Card
from content.search import SearchResult

MIN_AGREEING = 2  # the first cards on offer, which must share the category


def clear_category(result: SearchResult, cards: Mapping[str, Card]) -> str | None:
    """The one category of the first MIN_AGREEING cards offered for an unsure answer, else
    None (a sure answer, fewer cards on offer, or the first ones of several fields)."""
    if result.matched and not result.ambiguous:
        return None
    offered = (result.choices if result.ambiguous else result.suggestions)[:MIN_AGREEING]
    found = {cards[c.card_id].category for c in offered if c.card_id in cards}
    return found.pop() if len(offered) == MIN_AGREEING and len(found) == 1 else None


def numbers_for(
    hotlines: Iterable[Hotline], question: str, result: SearchResult, cards: Mapping[str, Card]
) -> list[Hotline]:
    """Numbers for an unsure answer whose field is clear: the field's, a number the question
    names first; none without a clear field (keywords alone misfire: 打不着火 is no fire)."""
    category = clear_category(result, cards)
    return [] if category is None else suggest(hotlines, text=question, category=category)


def numbers_for_card(hotlines: Iterable[Hotline], card: Card) -> list[Hotline]:
    """The numbers that fit a card: those its title names, then its field's (its keywords
    would misfire: 手机中毒 is no case for 120)."""
    return suggest(hotlines, text=card.title, category=card.category, limit=3)
