"""argparse in Chinese: coordinators read the `pufa` command line's usage, help and errors,
so none of argparse's English reaches them."""

import argparse
import re
import sys
from collections.abc import Iterable
from typing import Any, NoReturn

from bot.cli_text import cli_text

# argparse's English error -> the key of its Chinese text, filled with the named groups
_ERRORS = (
    (re.compile(r"^the following arguments are required: (?P<arguments>.+)$"), "parser.required"),
    (re.compile(r"^unrecognized arguments: (?P<arguments>.+)$"), "parser.unrecognized"),
    (
        re.compile(
            r"^argument (?P<argument>\S+): invalid choice: (?P<value>.+?) "
            r"\(choose from (?P<choices>.+)\)$"
        ),
        "parser.invalid_choice",
    ),
    (re.compile(r"^argument (?P<argument>\S+): expected one argument$"), "parser.expected_one"),
    (
        re.compile(r"^argument (?P<argument>\S+): invalid \S+ value: (?P<value>.+)$"),
        "parser.invalid_value",
    ),
    (re.compile(r"^argument (?P<argument>\S+): (?P<problem>.+)$"), "parser.argument"),
)


def translate(message: str) -> str:
    """argparse's error message in Chinese (our own messages are Chinese already)."""
    for pattern, key in _ERRORS:
        if match := pattern.match(message):
            return cli_text(key, **match.groupdict())
    return message


class ChineseHelpFormatter(argparse.HelpFormatter):
    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        # prefix "" is argparse building a subcommand's prog: leave that alone
        super().add_usage(
            usage, actions, groups, prefix=cli_text("parser.usage") if prefix is None else prefix
        )


class ChineseParser(argparse.ArgumentParser):
    """An ArgumentParser (and, through add_subparsers, its subcommands) speaking Chinese."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = cli_text("parser.positionals")
        self._optionals.title = cli_text("parser.optionals")
        self.add_argument("-h", "--help", action="help", help=cli_text("parser.help"))

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：{translate(message)}\n")
