"""The hotline router on unsure answers: how often an unsure answer names a field (and so a
number), whether it is the expected card's field, and how many out-of-scope questions are
given a number anyway.

Run: python bench/routing.py [PATH ...]   (default: the dev, own, held-out and fresh sets)
"""

import json
import sys
from pathlib import Path

from content.asked import ASKED_FILE
from content.loader import CONTENT_DIR, Library, build_index, load_library
from content.routing import clear_category, numbers_for
from content.search import SearchIndex

HERE = Path(__file__).resolve().parent
SETS = (
    CONTENT_DIR / ASKED_FILE,  # the dev set
    HERE / "questions.jsonl",
    HERE / "holdout-questions.jsonl",
    HERE / "fresh-questions.jsonl",
)


def measure(path: Path, library: Library, index: SearchIndex) -> str:
    unsure = named = right = outside = numbered = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        result = index.search(row["q"])
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


def main(paths: list[str]) -> None:
    library = load_library()
    index = build_index(library)
    for path in [Path(p) for p in paths] or SETS:
        print(measure(path, library, index))


if __name__ == "__main__":
    main(sys.argv[1:])
