"""`pufa ask`: the answer the bot would give, without Telegram (for content authors)."""

import json
from collections.abc import Iterable
from typing import Any, TextIO

from content.loader import Library
from content.search import SearchIndex
from handlers.render import card_html, no_match_html, plain_text


def answer_preview(library: Library, index: SearchIndex, question: str) -> dict[str, Any]:
    """The JSON shape documented in ARCHITECTURE.md (`matched`, `card_id`, `answer`, ...)."""
    result = index.search(question)
    best = result.best if result.matched else None
    ui = library.ui
    if best is None:
        titles = [f"• {c.title}" for c in result.suggestions]
        answer = "\n".join(
            [no_match_html(question.strip(), ui, with_suggestions=bool(titles)), *titles]
        )
    elif result.ambiguous:
        titles = [c.title for c in result.choices]
        answer = ui.ambiguous_intro + "\n" + "\n".join(f"• {t}" for t in titles)
    else:
        answer = card_html(library.cards[best.card_id], ui)
    return {
        "question": question,
        "matched": best is not None,
        "ambiguous": result.ambiguous,
        "card_id": best.card_id if best else None,
        "title": best.title if best else None,
        "score": result.best.score if result.best else 0.0,
        "answer": plain_text(answer),
        "alternatives": [
            {"card_id": c.card_id, "title": c.title, "score": c.score}
            for c in (result.alternatives if best else result.suggestions)
        ],
    }


def write_previews(
    library: Library, index: SearchIndex, questions: Iterable[str], out: TextIO, *, as_json: bool
) -> None:
    for question in questions:
        preview = answer_preview(library, index, question)
        if as_json:
            out.write(json.dumps(preview, ensure_ascii=False) + "\n")
        else:
            out.write(_human(preview) + "\n")
        out.flush()


def _human(preview: dict[str, Any]) -> str:
    head = (
        f"→ {preview['card_id']} ({preview['score']:.2f})"
        if preview["matched"]
        else f"→ 无匹配 (最高分 {preview['score']:.2f})"
    )
    others = ", ".join(f"{a['card_id']} ({a['score']:.2f})" for a in preview["alternatives"])
    lines = [
        head,
        *([f"   其他候选: {others}"] if others else []),
        "",
        preview["answer"],
        "-" * 40,
    ]
    return "\n".join(lines)
