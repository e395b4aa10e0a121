"""The field of a question the search is unsure about, and the numbers to offer for it.

When the best card is uncertain (a choice between cards, or only "did you mean" near misses)
but every card on offer belongs to one category, the bot knows the field if not the card, and
that field's hotline is the right next step (12333 for labour, 12315 for consumers ...).
"""

from collections.abc import Iterable, Mapping

from content.hotlines import Hotline, suggest
from content.models import Card
from content.search import SearchResult


def clear_category(result: SearchResult, cards: Mapping[str, Card]) -> str | None:
    """The one category of every card offered for an unsure answer, else None (a sure answer,
    nothing on offer, or cards of several fields)."""
    if result.matched and not result.ambiguous:
        return None
    offered = result.choices if result.ambiguous else result.suggestions
    found = {cards[c.card_id].category for c in offered if c.card_id in cards}
    return found.pop() if len(found) == 1 else None


def numbers_for(
    hotlines: Iterable[Hotline], question: str, result: SearchResult, cards: Mapping[str, Card]
) -> list[Hotline]:
    """Numbers for an unsure answer: the field's (a number the question names first), or,
    without a clear field, only an emergency number the question calls for."""
    category = clear_category(result, cards)
    if category is not None:
        return suggest(hotlines, text=question, category=category)
    return [h for h in suggest(hotlines, text=question) if h.urgent]


def numbers_for_card(hotlines: Iterable[Hotline], card: Card) -> list[Hotline]:
    """The numbers that fit a card: those its title and keywords name, then its field's."""
    text = " ".join([card.title, *card.keywords])
    return suggest(hotlines, text=text, category=card.category, limit=3)
