"""The command line's own texts, `bot/cli.zh.yaml`: the `pufa` help, its messages and the
settings' errors. Apart from the content folder's ui.zh.yaml, so that a command can say what
is wrong with the configuration (PUFA_CONTENT_DIR included) before any content is read."""

from pathlib import Path

from content.catalogue import Catalogue

CLI_TEXTS = Catalogue(Path(__file__).with_name("cli.zh.yaml"))


def cli_text(key: str, **fields: object) -> str:
    """The text of `key` with its {fields} filled in: exactly the fields it names."""
    return CLI_TEXTS.text(key, **fields)
