"""A text catalogue: a YAML file of `section: {name: text}` whose texts the code asks for by
`section.name`, filling in exactly the {fields} each names. The command line's texts
(bot/cli.zh.yaml) and the content check's messages (content/check.zh.yaml) are two such
catalogues; a wrong key or wrong fields fail loudly instead of printing something broken."""

import functools
from pathlib import Path
from string import Formatter

import yaml


class CatalogueError(LookupError):
    """The code asked for a text the catalogue does not have, or with other fields."""


class Catalogue:
    """The texts of one YAML file, read on first use."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @functools.cached_property
    def texts(self) -> dict[str, tuple[str, frozenset[str]]]:
        """`section.name` -> (the text, the names of its {fields})."""
        sections = yaml.safe_load(self.path.read_text(encoding="utf-8"))
        return {
            f"{section}.{name}": (text, self._fields(text, f"{section}.{name}"))
            for section, texts in sections.items()
            for name, text in texts.items()
        }

    def _fields(self, text: str, key: str) -> frozenset[str]:
        names = {name for _, name, _, _ in Formatter().parse(text) if name is not None}
        if not all(name.isidentifier() for name in names):
            raise CatalogueError(f"{self.path.name}: {key}: a field is not a plain name: {text!r}")
        return frozenset(names)

    def text(self, key: str, **fields: object) -> str:
        """The text of `key` with its {fields} filled in: exactly the fields it names."""
        try:
            text, names = self.texts[key]
        except KeyError:
            raise CatalogueError(f"{self.path.name} has no text {key!r}") from None
        if frozenset(fields) != names:
            raise CatalogueError(
                f"{self.path.name}: {key} takes the fields {sorted(names)}, not {sorted(fields)}"
            )
        return text.format(**fields)
