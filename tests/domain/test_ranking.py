"""Standard competition ranking of a list in order."""

from domain.ranking import ranks


def test_equal_lines_share_a_rank_and_the_next_counts_them_all() -> None:
    assert ranks([]) == []
    assert ranks([(3, "0.0")]) == [1]
    assert ranks([9, 9, 7, 5, 5, 5, 1]) == [1, 1, 3, 4, 4, 4, 7]
    assert ranks([2, 1, 2]) == [1, 2, 3]  # only neighbours: the list is in order
