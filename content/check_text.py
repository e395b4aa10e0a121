"""The content check's messages, `content/check.zh.yaml`: what `pufa content check` (and the
CSV imports that share its checks) tell the coordinator editing a content file. Read from
beside this module, not from PUFA_CONTENT_DIR: the messages belong to the code that checks."""

from collections.abc import Iterable
from pathlib import Path

from content.catalogue import Catalogue

CHECK_TEXTS = Catalogue(Path(__file__).with_name("check.zh.yaml"))


def check_text(key: str, **fields: object) -> str:
    """The message of `key` with its {fields} filled in: exactly the fields it names."""
    return CHECK_TEXTS.text(key, **fields)


def listed(values: Iterable[object]) -> str:
    """Values a message names, as one list in a sentence (common.list_separator between)."""
    return check_text("common.list_separator").join(str(value) for value in values)
