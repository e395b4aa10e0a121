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
unless its legal evidence is strong, as one worded like content/outside.yaml does.
"""

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from content.analyzer import Analyzer, normalize, question_key
from content.privacy import mask_personal_numbers

NONE = "none"
# Additive smoothing of the per-card feature counts; chosen on the dev set by 5-fold
# cross-validation (`python bench/answer_quality.py --dev --folds 5`).
SMOOTHING = 0.3
# A feature seen fewer times in all the examples is left out: it tells nothing about new
# questions (cross-validated figures unchanged) and would cost memory in every process.
MIN_COUNT = 2


class LearntModel:
    """Built once with the index; `posterior` is read-only. Per feature it keeps only the
    labels that saw it, so scoring a question costs its features times those labels."""

    def __init__(self, examples: Iterable[tuple[str, str]], analyzer: Analyzer) -> None:
        """`examples`: (question, card id or NONE) pairs."""
        self._analyzer = analyzer
        counts: defaultdict[str, Counter[str]] = defaultdict(Counter)
        totals: Counter[str] = Counter()
        for question, label in examples:
            features = self.features(question)
            counts[label].update(features)
            totals[label] += len(features)
        self.labels = sorted(counts)
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
        text = normalize(question)
        chars = "".join(text.split())
        pairs = [chars[i : i + 2] for i in range(len(chars) - 1)]
        if words is None:
            words = self._analyzer.words(text, homophones=True)
        return pairs + [f"w:{w}" for w in words]

    def posterior(self, question: str, words: Sequence[str] | None = None) -> dict[str, float]:
        """Label -> probability (uniform prior: how often a card is asked about in the
        labelled questions says little about the next resident)."""
        features = [f for f in self.features(question, words) if f in self._seen]
        if not self.labels or not features:
            return {}
        scores = [len(features) * unseen for unseen in self._unseen]
        gains = self._gains
        for feature in features:
            flat = self._seen[feature]
            for i in range(0, len(flat), 2):
                scores[flat[i]] += gains[flat[i + 1]]
        top = max(scores)
        weights = [math.exp(score - top) for score in scores]
        total = sum(weights)
        return {label: weight / total for label, weight in zip(self.labels, weights, strict=True)}

    def surest(
        self, question: str, words: Sequence[str] | None = None
    ) -> tuple[str | None, float]:
        """The most probable label (None for NONE or no known feature) and its probability."""
        posterior = self.posterior(question, words)
        if not posterior:
            return None, 0.0
        label = max(posterior, key=lambda key: posterior[key])
        return (None if label == NONE else label), posterior[label]


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
