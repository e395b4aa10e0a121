"""The rules search applies besides scoring: which questions the cards are not for (and
when strong legal evidence overrides that), which of two sibling cards the asker wants, and
that contesting an official act is a question for the reconsideration/litigation cards."""

from collections.abc import Callable, Iterable

from content.analyzer import Analyzer, normalize
from content.models import Card, Lexicon


class Gate:
    """Questions the cards are not for: a topic they deliberately leave out, or an everyday
    ask (怎么搭配好看) that only shares a word with a card and carries no legal cue. Neither
    rule holds against strong legal evidence (`evidence`, used by SearchIndex.search)."""

    def __init__(self, cards: Iterable[Card], lexicon: Lexicon, analyzer: Analyzer) -> None:
        self._outside = [normalize(term) for term in lexicon.phrases("out_of_scope")]
        self._everyday = [normalize(term) for term in lexicon.phrases("everyday_asks")]
        self._legal_cues = [normalize(term) for term in lexicon.phrases("legal_cues")]
        self._own_words = [
            frozenset(analyzer.words(" ".join([card.title, *card.keywords]))) for card in cards
        ]

    def blocking(self, text: str) -> list[str]:
        """The blocking phrases in `text` (none when a legal cue lifts the everyday ones)."""
        found = [term for term in self._outside if term in text]
        everyday = [term for term in self._everyday if term in text]
        if everyday and not any(cue in text for cue in self._legal_cues):
            found.extend(everyday)
        return found

    def evidence(self, doc: int, text: str, words: set[str], blocking: list[str]) -> int:
        """How many of card `doc`'s own title/keyword words the question has, plus one for a
        legal cue; words inside a blocking phrase and parts of a longer shared word do not
        count."""

        def free(word: str) -> bool:
            return not any(word in phrase or phrase in word for phrase in blocking)

        shared = {word for word in words & self._own_words[doc] if free(word)}
        points = sum(not any(word != o and word in o for o in shared) for word in shared)
        return points + any(cue in text and free(cue) for cue in self._legal_cues)


# Intent phrases this long or longer also match typed with homophones (see Intents).
INTENT_SOUND_CHARS = 3
# A wanted group card this close to a best card in no group takes its place (see Intents).
# Chosen on the dev questions (`python bench/answer_quality.py --dev --folds 5`).
INTENT_CLOSE_RATIO = 0.8


class Intents:
    """Sibling cards share their topic words (a scam's tricks; what to do once scammed), so
    those words cannot tell them apart; what the asker wants can. When the best card has a
    sibling (lexicon `intents`) that a phrase in the question wants and the best card is not
    wanted, the two swap places. A best card in no group, or in one whose phrases the question
    lacks, gives way the same way to a wanted card of another group scoring at least
    INTENT_CLOSE_RATIO of it (一直不还 wants debt collection over
    a card that shares only the story's other words). A phrase of INTENT_SOUND_CHARS characters
    or more also counts typed with homophones (立个遗瞩 for 立个遗嘱): its pinyin inside the
    question's."""

    def __init__(self, cards: list[Card], lexicon: Lexicon, analyzer: Analyzer) -> None:
        doc_of = {card.id: doc for doc, card in enumerate(cards)}
        self._analyzer = analyzer
        self._groups = [
            {doc_of[card]: [normalize(p) for p in phrases] for card, phrases in group.items()}
            for group in lexicon.intents
            if set(group) <= set(doc_of)
        ]
        self._spelled = {
            phrase: analyzer.spelling(phrase)
            for group in self._groups
            for phrases in group.values()
            for phrase in phrases
            if len(phrase) >= INTENT_SOUND_CHARS
        }

    def _says(self, text: str) -> Callable[[str], bool]:
        spelling = self._analyzer.spelling(text)

        def says(phrase: str) -> bool:
            sound = self._spelled.get(phrase)
            return phrase in text or (sound is not None and f" {sound}" in f" {spelling}")

        return says

    def wants(self, doc: int, text: str) -> bool:
        """Whether `text` has one of the intent phrases of card `doc`."""
        says = self._says(text)
        return any(any(map(says, group.get(doc, ()))) for group in self._groups)

    def apply(self, text: str, scores: dict[int, float]) -> None:
        """Swap the best card's score with its wanted sibling's (or close wanted card's), in
        place; a card with no score of its own leaves the old best out."""
        if not scores:
            return
        best = max(scores, key=lambda doc: scores[doc])
        says = self._says(text)
        for group in self._groups:
            if best not in group:
                continue
            wanted = [doc for doc, phrases in group.items() if any(map(says, phrases))]
            if wanted and best not in wanted:
                swap_best(scores, best, max(wanted, key=lambda doc: scores.get(doc, 0.0)))
            if wanted:
                return
        near = INTENT_CLOSE_RATIO * scores[best]
        close = [
            doc
            for group in self._groups
            for doc, phrases in group.items()
            if scores.get(doc, 0.0) >= near and any(map(says, phrases))
        ]
        if close:
            swap_best(scores, best, max(close, key=lambda doc: scores[doc]))


def swap_best(scores: dict[int, float], best: int, other: int) -> None:
    """`other` takes the best score; the best card takes `other`'s (none if it had none)."""
    former = scores.pop(other, 0.0)
    scores[other] = scores.pop(best)
    if former > 0:
        scores[best] = former


class Contest:
    """A question objecting to an official act (被环保局罚了不服) wants reconsideration or
    litigation, not the card of the act's field (environment, food, traffic), and a field the
    cards leave out (tax, driving licences) does not block it (lexicon `contested_decisions`)."""

    def __init__(self, cards: list[Card], lexicon: Lexicon) -> None:
        doc_of = {card.id: doc for doc, card in enumerate(cards)}
        contested = lexicon.contested_decisions
        self._docs = [doc_of[card] for card in contested.cards if card in doc_of]
        self._acts = [normalize(p) for p in contested.acts]
        self._objections = [normalize(p) for p in contested.objections]

    def applies(self, text: str) -> bool:
        return any(a in text for a in self._acts) and any(o in text for o in self._objections)

    def apply(self, text: str, scores: dict[int, float], floor: float) -> bool:
        """When `text` contests an act, swap the best card's score with the best-scoring
        contest card's, in place, and lift that card to at least `floor` (the act and the
        objection are evidence enough); True when the question contests an act."""
        if not self._docs or not self.applies(text):
            return False
        card = max(self._docs, key=lambda doc: scores.get(doc, 0.0))
        best = max(scores, key=lambda doc: scores[doc], default=card)
        if best != card:
            swap_best(scores, best, card)
        scores[card] = max(scores.get(card, 0.0), floor)
        return True
