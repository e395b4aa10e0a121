"""`pufa ask`: the answer the bot would give, without Telegram (for content authors)."""

import json
from collections.abc import Iterable
from typing import Any, TextIO

from bot.cli_text import cli_text
from content.loader import Library
from content.search import SearchIndex
from domain.answers import preview


def write_previews(
    library: Library, index: SearchIndex, questions: Iterable[str], out: TextIO, *, as_json: bool
) -> None:
    for question in questions:
        shown = preview(library, index, question)
        if as_json:
            out.write(json.dumps(shown, ensure_ascii=False) + "\n")
        else:
            out.write(_human(shown) + "\n")
        out.flush()


def _human(preview: dict[str, Any]) -> str:
    head = (
        f"→ {preview['card_id']} ({preview['score']:.2f})"
        if preview["matched"]
        else f"→ {cli_text('ask.no_match', score=preview['score'])}"
    )
    others = ", ".join(f"{a['card_id']} ({a['score']:.2f})" for a in preview["alternatives"])
    lines = [
        head,
        *([f"   {cli_text('ask.others', others=others)}"] if others else []),
        "",
        preview["answer"],
        "-" * 40,
    ]
    return "\n".join(lines)
