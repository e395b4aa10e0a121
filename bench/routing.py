"""The hotline router on unsure answers: how often an unsure answer names a field (and so a
number), whether it is the expected card's field, and how many out-of-scope questions are
given a number anyway.

The search remembers every dev question, so on the dev set only `--folds K` says anything: each
dev question is answered by an index taught by the other folds alone (answer_quality's
`fold_indexes`, the folds of `answer_quality.py --dev --folds K`).

Run: python bench/routing.py [--folds K] [PATH ...]   (default: the dev, own, held-out and
fresh sets)
"""

import argparse
import json
from collections.abc import Callable
from pathlib import Path

from answer_quality import fold_indexes, fold_of

from content.asked import ASKED_FILE
from content.loader import CONTENT_DIR, Library, build_index, load_library
from content.routing import clear_category, numbers_for
from content.search import SearchResult

HERE = Path(__file__).resolve().parent
SETS = (
    CONTENT_DIR / ASKED_FILE,  # the dev set
    HERE / "questions.jsonl",
    HERE / "holdout-questions.jsonl",
    HERE / "fresh-questions.jsonl",
)


def measure(path: Path, library: Library, search: Callable[[str], SearchResult]) -> str:
    unsure = named = right = outside = numbered = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        result = search(row["q"])
        expected = library.cards.get(row.get("expected") or "")
        if expected is None:
            outside += 1
            numbered += bool(numbers_for(library.hotlines, row["q"], result, library.cards))
            continue
        if result.matched and not result.ambiguous:
            continue
        unsure += 1
        category = clear_category(result, library.cards)
        named += category is not None
        right += category == expected.category
    return (
        f"{path.name}: in scope and unsure {unsure}, field named {named}, right field {right}; "
        f"out of scope {outside}, given a number {numbered}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--folds", type=int, default=1, help="cross-validate the dev set")
    args = parser.parse_args()
    library = load_library()
    index = build_index(library)
    by_fold = fold_indexes(index, library, args.folds) if args.folds > 1 else []

    def cross_validated(question: str) -> SearchResult:
        return by_fold[fold_of(question, args.folds)].search(question)

    for path in args.paths or SETS:
        dev = bool(by_fold) and path.resolve() == (CONTENT_DIR / ASKED_FILE).resolve()
        if dev:
            print(f"({args.folds}-fold cross-validated)")
        print(measure(path, library, cross_validated if dev else index.search))


if __name__ == "__main__":
    main()
