"""The command line's own texts, `bot/cli.zh.yaml`: the `pufa` help, its messages and the
settings' errors. Apart from the content folder's ui.zh.yaml, so that a command can say what
is wrong with the configuration (PUFA_CONTENT_DIR included) before any content is read."""

import functools
from pathlib import Path
from string import Formatter

import yaml

CATALOGUE = Path(__file__).with_name("cli.zh.yaml")


class CliTextError(LookupError):
    """The code asked for a text the catalogue does not have, or with other fields."""


@functools.cache
def _catalogue() -> dict[str, tuple[str, frozenset[str]]]:
    """`section.name` -> (the text, the names of its {fields})."""
    sections = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))
    return {
        f"{section}.{name}": (text, _fields(text, f"{section}.{name}"))
        for section, texts in sections.items()
        for name, text in texts.items()
    }


def _fields(text: str, key: str) -> frozenset[str]:
    names = {name for _, name, _, _ in Formatter().parse(text) if name is not None}
    if not all(name.isidentifier() for name in names):
        raise CliTextError(f"{CATALOGUE.name}: {key}: a field is not a plain name: {text!r}")
    return frozenset(names)


def cli_text(key: str, **fields: object) -> str:
    """The text of `key` with its {fields} filled in: exactly the fields it names."""
    try:
        text, names = _catalogue()[key]
    except KeyError:
        raise CliTextError(f"{CATALOGUE.name} has no text {key!r}") from None
    if frozenset(fields) != names:
        raise CliTextError(
            f"{CATALOGUE.name}: {key} takes the fields {sorted(names)}, not {sorted(fields)}"
        )
    return text.format(**fields)
