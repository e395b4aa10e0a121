"""What the search learns from residents' questions labelled with the card each wants
(content/asked-questions.jsonl): a multinomial naive Bayes model over the question's
character pairs and its analyzer words (synonyms folded in), with "none" for questions no card
is for.

A question asked before word for word is answered as its label says (`Remembered`): a
coordinator who labels a resident's question on the dashboard sees the bot answer it that way
at once.

The hand-weighted search ranks the cards; this model reorders its best twenty only when it is
sure (SearchIndex.search, LEARNT_MIN_POSTERIOR): story-like questions share words
with several cards, and the labelled questions say which of those words point where. A
question just under the threshold gets its best card when the model is all but certain of it
(LEARNT_AGREE_POSTERIOR). When it
takes a question for one no card is for (LEARNT_NONE_POSTERIOR), the question falls back
unless its legal evidence is strong, as one worded like content/outside.yaml does; and so
does one whose most similar labelled question (`Neighbours`) is one no card is for. When its
label leads the next one's by far (`LearntModel.reading`, LEARNT_DECISIVE), the labelled
questions decide alone, as for a question asked before.
"""

import math
import sys
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate, chain

from content.analyzer import Analyzer, normalize, question_key
from content.privacy import mask_personal_numbers

NONE = "none"
# Additive smoothing of the per-card feature counts; chosen on the dev set by 5-fold
# cross-validation (`python bench/answer_quality.py --dev --folds 5`).
SMOOTHING = 0.3
# A feature seen fewer times in all the examples is left out. 1 keeps every one: on the 15,650
# dev questions a feature of one labelled question (most of them out of scope, whose topics
# are spread wide) does say something about new ones, 5-fold cross-validated 93.3 / 90.9 ->
# 93.1 / 93.0 (2 before; with LEARNT_DECISIVE, 94.6 / 91.2 -> 94.9 / 93.7).
MIN_COUNT = 1
# Added to the log-likelihood of NONE (a prior for it; the cards' prior is uniform): NONE's
# examples are spread over many topics, so its per-feature probabilities are low and a
# question no card is for but worded like the cards rarely came out as NONE. Chosen on the
# dev set by 5-fold cross-validation (with the neighbour look-up): 0 -> 3: 93.3 / 90.1 ->
# 93.3 / 90.9 (5: 93.3 / 91.7; alone, 3: 93.4 / 88.9, 6: 93.3 / 90.6, 10: 92.9 / 92.4).
NONE_BONUS = 3.0
# A feature in more than this share of the labelled questions (怎么, 什么) is left out of the
# nearest-neighbour look-up (Neighbours): it says little about a question, and looking it up
# costs the most.
NEIGHBOUR_COMMON = 0.03


class LearntModel:
    """Built once with the index; `posterior` is read-only. Per feature it keeps only the
    labels that saw it, so scoring a question costs its features times those labels."""

    def __init__(
        self,
        examples: Iterable[tuple[str, str]],
        analyzer: Analyzer,
        featured: Iterable[tuple[Sequence[str], str]] = (),
    ) -> None:
        """`examples`: (question, card id or NONE) pairs; `featured`: more, as (the question's
        `features`, label) pairs, for a caller that has them already."""
        self._analyzer = analyzer
        counts: defaultdict[str, Counter[str]] = defaultdict(Counter)
        totals: Counter[str] = Counter()
        own = ((self.features(question), label) for question, label in examples)
        for features, label in chain(own, featured):
            counts[label].update(features)
            totals[label] += len(features)
        self.labels = sorted(counts)
        self._none = self.labels.index(NONE) if NONE in counts else None
        overall: Counter[str] = Counter()
        for label_counts in counts.values():
            overall.update(label_counts)
        for label_counts in counts.values():
            for feature in [f for f in label_counts if overall[f] < MIN_COUNT]:
                del label_counts[feature]
        vocabulary = {f for label_counts in counts.values() for f in label_counts}
        size = len(vocabulary) or 1
        # log P(feature | label) = unseen[label] + gains[count of the feature under label],
        # labels by their place in self.labels
        self._unseen = [
            math.log(SMOOTHING / (totals[label] + SMOOTHING * size)) for label in self.labels
        ]
        seen: defaultdict[str, list[int]] = defaultdict(list)
        for place, label in enumerate(self.labels):
            for feature, count in counts[label].items():
                seen[feature] += (place, count)
        # One flat tuple of small ints a feature (label place, count, label place, count ...):
        # small ints are shared objects, also after the index cache is read back, so a pair
        # costs two references (a tuple a pair cost five times as much: 15 -> 8 MB).
        self._seen = {feature: tuple(flat) for feature, flat in seen.items()}
        most = max((max(flat[1::2]) for flat in seen.values()), default=0)
        self._gains = [math.log((count + SMOOTHING) / SMOOTHING) for count in range(most + 1)]

    def features(self, question: str, words: Sequence[str] | None = None) -> list[str]:
        """Character pairs and analyzer words; `words`: the question's analyzer words with
        homophones, when the caller (the search) has them already."""
        return self.features_of(self._analyzer, question, words)

    @staticmethod
    def features_of(
        analyzer: Analyzer, question: str, words: Sequence[str] | None = None
    ) -> list[str]:
        """`features` before there is a model (its examples, Neighbours)."""
        text = normalize(question)
        chars = "".join(text.split())
        pairs = [chars[i : i + 2] for i in range(len(chars) - 1)]
        if words is None:
            words = analyzer.words(text, homophones=True)
        return pairs + [f"w:{w}" for w in words]

    def posterior(self, question: str, words: Sequence[str] | None = None) -> dict[str, float]:
        """Label -> probability (uniform prior over the cards: how often a card is asked about
        in the labelled questions says little about the next resident; NONE_BONUS for NONE)."""
        scores = self._scores(question, words)
        if not scores:
            return {}
        top = max(scores)
        weights = [math.exp(score - top) for score in scores]
        total = sum(weights)
        return {label: weight / total for label, weight in zip(self.labels, weights, strict=True)}

    def _scores(self, question: str, words: Sequence[str] | None) -> list[float]:
        """Each label's log-likelihood of the question (NONE_BONUS added to NONE's), labels
        by their place in self.labels; empty for no known feature."""
        features = [f for f in self.features(question, words) if f in self._seen]
        if not self.labels or not features:
            return []
        scores = [len(features) * unseen for unseen in self._unseen]
        gains = self._gains
        for feature in features:
            flat = self._seen[feature]
            for i in range(0, len(flat), 2):
                scores[flat[i]] += gains[flat[i + 1]]
        if self._none is not None:
            scores[self._none] += NONE_BONUS
        return scores

    def surest(
        self, question: str, words: Sequence[str] | None = None
    ) -> tuple[str | None, float]:
        """The most probable label (None for NONE or no known feature) and its probability."""
        label, probability, _ = self.reading(question, words)
        return label, probability

    def reading(
        self, question: str, words: Sequence[str] | None = None
    ) -> tuple[str | None, float, float]:
        """`surest`, and by how much the most probable label's log-likelihood leads the next
        label's (its log odds against it; 0.0 with no known feature or one label): past a
        posterior of 0.9999 the probability says little (it rounds to 1), the lead still does."""
        scores = self._scores(question, words)
        if not scores:
            return None, 0.0, 0.0
        best = max(range(len(scores)), key=scores.__getitem__)
        top = scores[best]
        runner_up = max((s for place, s in enumerate(scores) if place != best), default=top)
        probability = 1.0 / sum(math.exp(score - top) for score in scores)
        label = self.labels[best]
        return (None if label == NONE else label), probability, top - runner_up


class QuestionFeatures:
    """The labelled questions' features (`LearntModel.features_of`), kept from one build of
    the index to the next in this process: the dashboard rebuilds the index after every
    decision a coordinator makes, and segmenting all the labelled questions again (jieba) was
    most of each rebuild. Kept while the analyzer reads text the same way
    (`Analyzer.reading_key`); a lexicon or keyword edit starts afresh. The features are
    interned: the same character pairs and words recur across thousands of questions."""

    def __init__(self) -> None:
        self._reading = ""
        self._known: dict[str, list[str]] = {}

    def of(self, analyzer: Analyzer, questions: Iterable[str]) -> list[list[str]]:
        """Each question's features, in order."""
        if analyzer.reading_key != self._reading:
            self._reading, self._known = analyzer.reading_key, {}
        known = self._known
        found = []
        for question in questions:
            features = known.get(question)
            if features is None:
                features = [sys.intern(f) for f in LearntModel.features_of(analyzer, question)]
                known[question] = features
            found.append(features)
        return found


class Remembered:
    """The labelled questions by their text (question_key, with personal numbers masked as
    they are when a label is written): a question asked before word for word gets its label.
    A later line wins over an earlier one, so a coordinator's new decision replaces an old."""

    def __init__(self, asked: Iterable[tuple[str, str]]) -> None:
        """`asked`: (question, card id or NONE) pairs, oldest first."""
        self._labels = {self.key(question): label for question, label in asked}

    @staticmethod
    def key(question: str) -> str:
        return question_key(mask_personal_numbers(question))

    def label(self, question: str) -> str | None:
        """A card id or NONE for a question asked before, else None."""
        return self._labels.get(self.key(question))


class Neighbours:
    """The labelled questions kept for a nearest-neighbour look-up: a question worded much
    like one that no card is for, and clearly more like it than like any question labelled
    with the card the search found, is one of those (SearchIndex.search, NEIGHBOUR_*).
    Similarity is the cosine of the two questions' feature sets (LearntModel.features), each
    feature weighted by its inverse document frequency; the features of more than
    NEIGHBOUR_COMMON of the questions are left out."""

    def __init__(self, examples: Iterable[tuple[str, Sequence[str]]]) -> None:
        """`examples`: (card id or NONE, the question's features) pairs."""
        self._labels: list[str] = []
        feature_sets: list[set[str]] = []
        for label, features in examples:
            self._labels.append(label)
            feature_sets.append(set(features))
        counts = Counter(f for features in feature_sets for f in features)
        total = len(self._labels)
        most = max(1.0, NEIGHBOUR_COMMON * total)  # a feature of one question is never common
        self._common = frozenset(f for f, n in counts.items() if n > most)
        self._unknown = math.log(total + 1)
        # A feature's slot: its squared weight in _weights, and the questions that have it in
        # _docs[place][_starts[place][slot] : _starts[place][slot + 1]], place 0 for the
        # questions no card is for and 1 for the others (most questions are far from every one
        # of the first, and the second need not be looked up for them). Flat arrays of 4-byte
        # numbers: a list or tuple of question numbers a feature cost twice the memory.
        self._slots = {f: slot for slot, f in enumerate(counts.keys() - self._common)}
        self._weights = array("d", bytes(8 * len(self._slots)))
        for feature, slot in self._slots.items():
            self._weights[slot] = math.log((total + 1) / (1 + counts[feature])) ** 2
        self._norms = array("d", map(self._norm, feature_sets))
        # Filled in two passes (how many questions each slot has, then which), so that no
        # list per feature is ever held: the build's peak memory is what the arrays need.
        sizes = [array("I", bytes(4 * len(self._slots))) for _ in range(2)]
        for place, slots in self._postings(feature_sets):
            for slot in slots:
                sizes[place][slot] += 1
        self._starts = [array("I", accumulate(size, initial=0)) for size in sizes]
        self._docs = [array("I", bytes(4 * starts[-1])) for starts in self._starts]
        cursors = [starts[:-1] for starts in self._starts]
        for doc, (place, slots) in enumerate(self._postings(feature_sets)):
            docs, cursor = self._docs[place], cursors[place]
            for slot in slots:
                docs[cursor[slot]] = doc
                cursor[slot] += 1

    def _postings(self, feature_sets: list[set[str]]) -> Iterator[tuple[int, list[int]]]:
        """Per question: its place (0 no card is for it, 1 a card) and its features' slots."""
        for doc, distinct in enumerate(feature_sets):
            place = int(self._labels[doc] != NONE)
            yield place, [self._slots[f] for f in distinct - self._common]

    def _norm(self, features: set[str]) -> float:
        weights = self._weights
        squares = (
            weights[slot] if (slot := self._slots.get(f)) is not None else self._unknown**2
            for f in features - self._common
        )
        return math.sqrt(sum(squares)) or 1.0

    def nearest(self, features: Iterable[str], floor: float) -> dict[str, float]:
        """Label -> cosine similarity of the question (its features) to the most similar
        labelled question with that label; the cards' labels only when NONE reaches `floor`."""
        distinct = set(features)
        norm = self._norm(distinct)
        slots = [slot for f in distinct if (slot := self._slots.get(f)) is not None]
        best: dict[str, float] = {}
        for docs, starts in zip(self._docs, self._starts, strict=True):
            if docs is self._docs[1] and best.get(NONE, 0.0) < floor:
                break
            shared: defaultdict[int, float] = defaultdict(float)
            for slot in slots:
                weight = self._weights[slot]
                for doc in docs[starts[slot] : starts[slot + 1]]:
                    shared[doc] += weight
            for doc, dot in shared.items():
                label = self._labels[doc]
                similarity = dot / (norm * self._norms[doc])
                if similarity > best.get(label, 0.0):
                    best[label] = similarity
        return best
