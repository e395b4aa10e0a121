"""Text analysis for search: jieba words with synonyms folded together, plus pinyin pairs.

Residents type with pinyin input methods, so their typos are mostly homophones (公资 for 工资,
离昏 for 离婚). Matching on toneless pinyin syllable pairs catches those without a typo table,
and a question's word the dictionary does not know also counts as the term of ours it spells.
"""

import contextlib
import hashlib
import io
import json
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from importlib.util import find_spec
from itertools import pairwise
from pathlib import Path
from typing import cast

from content.models import Lexicon


@contextlib.contextmanager
def _without_pkg_resources() -> Iterator[None]:
    """jieba 0.42 imports the deprecated pkg_resources (0.1-0.4 s of every start) only to
    open its own data files; when that import fails it opens them directly, the same files."""
    present = "pkg_resources" in sys.modules
    if not present:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        if not present:
            del sys.modules["pkg_resources"]


with _without_pkg_resources():
    import jieba

# Words rarer than this in jieba's dictionary are left out: they cost ~55 MB of memory and
# almost never occur in residents' questions; the HMM still segments unknown words.
MIN_DICTIONARY_FREQ = 20
# Frequency given to our own terms so the segmenter prefers them over splitting them.
OWN_TERM_FREQ = 200_000
MAX_QUERY_CHARS = 500
# The longest stretch of an unknown word looked up as a homophone of one of our terms.
HOMOPHONE_MAX_CHARS = 4

_HAN = re.compile(r"[\u4e00-\u9fff]")
_WORD = re.compile(r"^[\u4e00-\u9fffA-Za-z0-9]")
_TRAILING = re.compile(r"[\s?？!！。.，,~～…]+$")


def _reading_key(canonical: dict[str, str], stopwords: Iterable[str], terms: Iterable[str]) -> str:
    """A hash of everything that decides how an analyzer reads a text (beside jieba's own
    dictionary and the pinyin table, which come with the installed packages): two analyzers
    with the same key give the same words for every text."""
    digest = hashlib.sha256()
    for part in (sorted(canonical.items()), sorted(stopwords), sorted(terms)):
        digest.update(json.dumps(part, ensure_ascii=False).encode())
    return digest.hexdigest()


class Analyzer:
    def __init__(self, lexicon: Lexicon, own_terms: Iterable[str] = ()) -> None:
        self._canonical = {word: group[0] for group in lexicon.synonyms for word in group if group}
        self._stopwords = frozenset(lexicon.stopwords)
        terms = {*lexicon.terms, *self._canonical, *own_terms}
        self.reading_key = _reading_key(self._canonical, self._stopwords, terms)
        self._tokenizer = _build_tokenizer(terms)
        self._pinyin = _load_pinyin()
        self._by_sound = self._homophone_table(terms)

    def __getstate__(self) -> dict[str, object]:
        """For the on-disk index cache: the jieba tokenizer (it holds a lock) is stored as
        its trimmed dictionary and rebuilt from it."""
        state = dict(self.__dict__)
        tokenizer = state.pop("_tokenizer")
        state["_dictionary"] = (tokenizer.FREQ, tokenizer.total)
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        freq, total = cast(tuple[dict[str, int], int], state.pop("_dictionary"))
        self.__dict__.update(state)
        self._tokenizer = _tokenizer(freq, total)

    def words(self, text: str, *, homophones: bool = False) -> list[str]:
        """Search terms of `text`: segmented, synonyms folded, stopwords and noise dropped;
        with `homophones` (a resident's question), also our terms that a word unknown to the
        dictionary spells (赔尝 -> 赔偿)."""
        tokens = list(self._search_tokens(normalize(text)))
        if homophones:
            tokens += [term for token in tokens for term in self._homophones(token)]
        terms = []
        for token in tokens:
            canonical = self._canonical.get(token, token)
            if canonical in self._stopwords or not _WORD.match(canonical):
                continue
            if len(canonical) > 1 or token in self._canonical:
                terms.append(canonical)
        return terms

    def _homophone_table(self, terms: Iterable[str]) -> dict[str, str]:
        """Spelling -> our term, for the terms of two or more Chinese characters whose
        spelling no other term shares."""
        owners: dict[str, set[str]] = {}
        for term in terms:
            if len(term) >= 2 and all(_HAN.match(ch) for ch in term):
                owners.setdefault(self.spelling(term), set()).add(term)
        return {sound: next(iter(t)) for sound, t in owners.items() if len(t) == 1}

    def _homophones(self, word: str) -> Iterator[str]:
        """Our terms that a word unknown to the dictionary spells, whole or in part: 赔尝 is
        赔偿 typed with a homophone, 诉松要 holds 诉讼."""
        if self._tokenizer.FREQ.get(word) or word in self._canonical or not _HAN.match(word):
            return
        for size in range(2, min(len(word), HOMOPHONE_MAX_CHARS) + 1):
            for start in range(len(word) - size + 1):
                term = self._by_sound.get(self.spelling(word[start : start + size]))
                if term is not None:
                    yield term

    def _search_tokens(self, text: str) -> Iterable[str]:
        """jieba's search-mode cut (each long word and the dictionary words inside it), except
        that a word of a synonym group stands whole: 好几年 means 多年, and its parts 好几 and
        几年 would count the same idea three times."""
        for word in self._tokenizer.cut(text):
            if word not in self._canonical:
                for size in (2, 3):
                    if len(word) > size:
                        for start in range(len(word) - size + 1):
                            part = word[start : start + size]
                            if self._tokenizer.FREQ.get(part):
                                yield part
            yield word

    def content_runs(self, text: str) -> list[str]:
        """`text` split at its stopwords and punctuation: the runs of words that carry the
        topic (怎么申请信用卡 -> 申请信用卡), so that wording shared by every question
        (怎么, 要带什么) does not make two questions look alike."""
        runs: list[str] = [""]
        for token in self._tokenizer.cut(normalize(text)):
            if token in self._stopwords or not _WORD.match(token):
                runs.append("")
            else:
                runs[-1] += token
        return [run for run in runs if run]

    def sounds(self, text: str) -> list[str]:
        """Toneless pinyin of each pair of adjacent Chinese characters ('gong zi'),
        skipping stopwords so that 怎么回事 or 是什么 match nothing."""
        syllables: list[str] = []
        for token in self._tokenizer.cut(normalize(text)):
            if token in self._stopwords:
                syllables.append("")
                continue
            syllables.extend(self._pinyin.get(ch, "") if _HAN.match(ch) else "" for ch in token)
        return [f"{a} {b}" for a, b in pairwise(syllables) if a and b]

    def spelling(self, text: str) -> str:
        """Toneless pinyin of `text`, one syllable per Chinese character and '|' for anything
        else, each followed by a space: 行政诉松 -> 'xing zheng su song '. A phrase's spelling
        inside a question's (at a syllable's start) catches the phrase typed with a homophone."""
        return "".join(
            f"{self._pinyin.get(ch, ch)} " if _HAN.match(ch) else "| " for ch in normalize(text)
        )


def normalize(text: str) -> str:
    """NFKC (full-width digits and letters to ASCII), lower case, capped length."""
    return fold(text[:MAX_QUERY_CHARS])


def fold(text: str) -> str:
    """`normalize` without the cap (content.safety reads a whole message, however long)."""
    return unicodedata.normalize("NFKC", text).lower()


def question_key(text: str) -> str:
    """What repeats of one question share: normalised, spaces collapsed, no trailing
    punctuation ("工资不给怎么办？" and "工资不给 怎么办" are one question)."""
    return _TRAILING.sub("", " ".join(normalize(text).split()))


def _build_tokenizer(own_terms: set[str]) -> jieba.Tokenizer:
    """A private jieba tokenizer on a trimmed dictionary plus our terms (no global state)."""
    dictionary = Path(jieba.__file__).with_name("dict.txt")
    with dictionary.open("rb") as handle:
        kept = [line for line in handle if int(line.split(b" ", 2)[1]) >= MIN_DICTIONARY_FREQ]
    kept.extend(f"{term} {OWN_TERM_FREQ}\n".encode() for term in sorted(own_terms) if term)
    return _tokenizer(*jieba.Tokenizer().gen_pfdict(io.BytesIO(b"".join(kept))))


def _tokenizer(freq: dict[str, int], total: int) -> jieba.Tokenizer:
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ, tokenizer.total = freq, total
    tokenizer.initialized = True
    return tokenizer


def _load_pinyin() -> dict[str, str]:
    """Character -> toneless pinyin from pypinyin's data file.

    Importing the `pypinyin` package itself loads its phrase dictionary (~60 MB); the
    single-character table is all we need, so it is read from the package folder directly.
    """
    spec = find_spec("pypinyin")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("pypinyin is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "pinyin_dict.json"
    table: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    # Only the characters `sounds` looks up (_HAN), each syllable one shared string: half the
    # table's memory.
    return {
        char: sys.intern(_toneless(readings.split(",")[0]))
        for code, readings in table.items()
        if _HAN.match(char := chr(int(code)))
    }


def _toneless(syllable: str) -> str:
    decomposed = unicodedata.normalize("NFD", syllable)
    return "".join(c for c in decomposed if not unicodedata.combining(c))
