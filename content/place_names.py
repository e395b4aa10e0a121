"""Which listed town or village a typed answer names: the one matcher for every step that
offers places as buttons and also takes them typed (the adviser lookup, the legal-aid
pre-check, a message to staff, registration); and the one order towns are listed in."""

import re
from collections.abc import Iterable, Sequence

from content.analyzer import normalize

# A place's kind at the end of its name, left out when looking for the name in a sentence
PLACE_SUFFIX = re.compile(r"(村|社区|居委会|镇|乡|街道)$")


def named(typed: str, names: Sequence[str]) -> list[str]:
    """The names a typed answer can mean: 东山镇 or 东山 for 示例县东山镇, 我是桃园的 for 桃园村
    (at least two characters, so 村 alone names nothing)."""
    said = "".join(normalize(typed).split())
    if len(said) < 2:
        return []

    def means(name: str) -> bool:
        core = PLACE_SUFFIX.sub("", normalize(name))
        return said in normalize(name) or (len(core) >= 2 and core in said)

    return [name for name in names if means(name)]


def beside(typed: str, name: str) -> str:
    """What a typed answer says besides the name `named` found in it: 我在东山镇 -> 我在,
    东山镇老板欠我工资 -> 老板欠我工资 (a message that names a town is no answer of a town)."""
    said = "".join(normalize(typed).split())
    full = normalize(name)
    if said in full:
        return ""
    return said.replace(full if full in said else PLACE_SUFFIX.sub("", full), "", 1)


def towns_in_order(listed: Sequence[str], others: Iterable[str] = ()) -> list[str]:
    """Towns as every list of towns shows them, so a resident meets one order: towns.yaml's
    (`listed`), then any other known town (a service point's, a desk's) by name."""
    return [*listed, *sorted(set(others) - set(listed))]


def in_town_order(names: Iterable[str], listed: Sequence[str]) -> list[str]:
    """Some of the towns (those with a service point, or an adviser) as `towns_in_order`
    lists them."""
    have = set(names)
    return [town for town in towns_in_order(listed, have) if town in have]
