"""What people read in the chat names no file of the content folder (desks.yaml,
campaigns.yaml…): a coordinator can do nothing with a path, so the texts say whom to ask (the
one who runs the bot). Files are named where the reader is the operator: the README, the
command line's messages, `pufa content check`. The dashboard's texts are left out: its content
editor edits those files."""

import re
from collections.abc import Iterator
from typing import Any

from content.loader import Library

FILE = re.compile(r"[\w-]+\.(?:yaml|jsonl|csv|md)\b|content/")


def _texts(value: Any, key: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for name, item in value.items():
            yield from _texts(item, f"{key}.{name}" if key else str(name))
    elif isinstance(value, list):
        for n, item in enumerate(value):
            yield from _texts(item, f"{key}[{n}]")


def test_the_chats_texts_name_no_content_file(library: Library) -> None:
    shown = library.ui.model_dump(exclude={"dashboard"})
    assert [(key, text) for key, text in _texts(shown) if FILE.search(text)] == []
