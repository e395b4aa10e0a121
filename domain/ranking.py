"""Ranks as a list shows them: standard competition ranking (1, 1, 3)."""

from collections.abc import Hashable, Sequence


def ranks(keys: Sequence[Hashable]) -> list[int]:
    """The rank of each line of a list already in order, given what each line is ranked by
    as the list shows it: equal lines share the rank of the first of them, and the line after
    them counts them all."""
    found: list[int] = []
    for n, key in enumerate(keys):
        found.append(found[-1] if n and key == keys[n - 1] else n + 1)
    return found
