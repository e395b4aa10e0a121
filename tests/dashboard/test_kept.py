"""A page's kept figures: computed once at a time, served at once once they exist."""

import asyncio
from datetime import timedelta

import pytest

from dashboard.kept import Kept
from tests.clock import QUIET as NOW
from tests.waiting import eventually

FRESH = timedelta(seconds=60)


class Figures:
    """A computation the test lets finish when it wants, counting its runs."""

    def __init__(self) -> None:
        self.runs = 0
        self.release = asyncio.Event()
        self.fail = False

    async def compute(self) -> int:
        self.runs += 1
        await self.release.wait()
        if self.fail:
            raise ValueError("database gone")
        return self.runs


async def test_the_first_views_share_one_computation_then_are_served_as_kept() -> None:
    kept, figures = Kept[int](FRESH), Figures()
    first = asyncio.gather(*(kept.get(NOW, figures.compute) for _ in range(3)))
    await asyncio.sleep(0)
    figures.release.set()
    assert await first == [(1, NOW)] * 3
    assert await kept.get(NOW + timedelta(seconds=59), figures.compute) == (1, NOW)
    assert figures.runs == 1


async def test_old_figures_are_served_at_once_while_new_ones_are_computed() -> None:
    kept, figures = Kept[int](FRESH), Figures()
    figures.release.set()
    await kept.get(NOW, figures.compute)
    figures.release.clear()
    later = NOW + timedelta(minutes=2)
    assert await kept.get(later, figures.compute) == (1, NOW)  # no wait for the new ones
    assert await kept.get(later, figures.compute) == (1, NOW)  # and one computation at a time
    figures.release.set()

    async def refreshed() -> bool:
        return await kept.get(later, figures.compute) == (2, later)

    await eventually(refreshed)
    assert figures.runs == 2


async def test_a_failed_refresh_keeps_the_old_figures_and_a_drop_waits_for_new_ones() -> None:
    kept, figures = Kept[int](FRESH), Figures()
    figures.release.set()
    await kept.get(NOW, figures.compute)
    figures.fail = True
    later = NOW + timedelta(minutes=2)
    assert await kept.get(later, figures.compute) == (1, NOW)

    async def tried() -> bool:
        return figures.runs == 2

    await eventually(tried)
    assert await kept.get(later, figures.compute) == (1, NOW)
    kept.drop()
    with pytest.raises(ValueError, match="database gone"):
        await kept.get(later, figures.compute)
    figures.fail = False
    assert await kept.get(later, figures.compute) == (4, later)
    await kept.close()


async def test_a_drop_while_a_view_waits_gives_it_figures_computed_after_the_drop() -> None:
    kept, figures = Kept[int](FRESH), Figures()
    waiting = asyncio.create_task(kept.get(NOW, figures.compute))
    await asyncio.sleep(0)
    kept.drop()  # a decision while the first figures are computed: they are out of date
    figures.release.set()
    assert await waiting == (2, NOW)
    assert figures.runs == 2
