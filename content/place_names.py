"""Which listed town or village a typed answer names: the one matcher for every step that
offers places as buttons and also takes them typed (the adviser lookup, registration)."""

import re
from collections.abc import Sequence

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
