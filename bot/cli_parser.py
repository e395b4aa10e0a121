"""argparse in Chinese: coordinators read the `pufa` command line's usage, help and errors,
so none of argparse's English reaches them."""

import argparse
import re
import sys
from collections.abc import Iterable
from typing import Any, NoReturn

_ERRORS = (
    (re.compile(r"^the following arguments are required: (.+)$"), "缺少参数：{0}"),
    (re.compile(r"^unrecognized arguments: (.+)$"), "不认识的参数：{0}"),
    (
        re.compile(r"^argument (\S+): invalid choice: (.+?) \(choose from (.+)\)$"),
        "{0} 不能是 {1}，只能是：{2}",
    ),
    (re.compile(r"^argument (\S+): expected one argument$"), "{0} 后面要写一个值"),
    (re.compile(r"^argument (\S+): invalid \S+ value: (.+)$"), "{0} 的值 {1} 不对"),
    (re.compile(r"^argument (\S+): (.+)$"), "{0}：{1}"),
)


def translate(message: str) -> str:
    """argparse's error message in Chinese (our own messages are Chinese already)."""
    for pattern, chinese in _ERRORS:
        if match := pattern.match(message):
            return chinese.format(*match.groups())
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
        super().add_usage(usage, actions, groups, prefix="用法：" if prefix is None else prefix)


class ChineseParser(argparse.ArgumentParser):
    """An ArgumentParser (and, through add_subparsers, its subcommands) speaking Chinese."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", help="显示这段帮助")

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：{translate(message)}\n")
