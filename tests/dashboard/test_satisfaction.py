"""The satisfaction page: for the chosen period, residents' votes by town, card (by title),
local month and kind, and the cards with the most 👎 pointing to their content gaps."""

import re
from datetime import timedelta

import aiohttp

from storage.models import VoteKind
from storage.questions import LoggedAnswer, log_questions, mark_unsolved
from storage.votes import Ballot, cast_vote
from tests.clock import QUIET
from tests.dashboard.conftest import CONSUMER, EAST, WAGES, WEST, Board, seed_votes

ROW = re.compile(
    r"<tr><td>(.*?)</td><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td><td>([^<]+)</td></tr>"
)


def table(page: str, table_id: str) -> list[tuple[str, ...]]:
    """A table's rows as (name without tags, votes, 👍, 👎, share)."""
    found = re.search(rf'<table id="{table_id}">(.*?)</table>', page, re.S)
    assert found, page[:500]
    return [(re.sub(r"<[^>]+>", "", name), *rest) for name, *rest in ROW.findall(found[1])]


async def test_satisfaction_by_town_card_and_month_for_the_chosen_period(
    board: Board, client: aiohttp.ClientSession
) -> None:
    services = board.harness.services
    await seed_votes(board)
    wages = services.library.cards[WAGES].title
    consumer = services.library.cards[CONSUMER].title
    await board.signed_in(client)
    query = "start=2026-01-01&end=2026-03-10"
    async with client.get(f"{board.base}/dashboard/satisfaction?{query}") as response:
        assert response.status == 200
        page = await response.text()
    assert '<dd id="votes">6</dd>' in page and '<dd id="share">50%</dd>' in page
    assert table(page, "by-town") == [
        (EAST, "3", "1", "2", "33%"),
        (WEST, "2", "1", "1", "50%"),
        (services.ui.unknown_town, "1", "1", "0", "100%"),
    ]
    assert table(page, "by-card") == [
        (wages, "3", "2", "1", "67%"),
        (consumer, "2", "0", "2", "0%"),
    ]
    assert table(page, "by-month") == [  # local months
        ("2026-01", "1", "0", "1", "0%"),
        ("2026-02", "2", "1", "1", "50%"),
        ("2026-03", "3", "2", "1", "67%"),
    ]
    assert table(page, "by-kind") == [
        ("问答卡片", "5", "2", "3", "40%"),
        ("活动", "1", "1", "0", "100%"),
    ]
    assert table(page, "most-down") == [
        (consumer, "2", "0", "2", "0%"),
        (wages, "3", "2", "1", "67%"),
    ]
    assert f'href="/dashboard/gaps?card={CONSUMER}"' in page
    async with client.get(f"{board.base}/dashboard/satisfaction") as response:
        this_month = await response.text()  # the clock's month: March 2026
    assert '<dd id="votes">3</dd>' in this_month
    assert table(this_month, "by-month") == [("2026-03", "3", "2", "1", "67%")]


def logged(ref: str, text: str, card_id: str | None) -> LoggedAnswer:
    return LoggedAnswer(
        ref=ref,
        asked_at=QUIET - timedelta(minutes=10 - int(ref[1:])),  # g2 after g1
        telegram_id=5100,
        chat_type="private",
        source="text",
        text=text,
        card_id=card_id,
        score=5.0 if card_id else 0.5,
        matched=card_id is not None,
        ambiguous=False,
    )


async def test_a_cards_gaps_are_its_unsolved_and_thumbs_down_answers(
    board: Board, client: aiohttp.ClientSession
) -> None:
    services = board.harness.services
    async with services.db.session() as session:
        await log_questions(
            session,
            [
                logged("g1", "网购的衣服商家不给退", CONSUMER),
                logged("g2", "买到过期食品怎么赔", CONSUMER),
                logged("g3", "买的手机坏了能退吗", CONSUMER),  # answered well: no gap
                logged("g4", "老板拖欠工资三个月", WAGES),
                logged("g5", "外星人归谁管", None),
            ],
        )
    async with services.db.session() as session:
        assert await mark_unsolved(session=session, ref="g1", telegram_id=5100)
        for ref in ("g2", "g4"):
            ballot = Ballot(5100, f"q-{ref}", VoteKind.ANSWER, None, "", False)
            await cast_vote(session=session, ballot=ballot, now=QUIET)
    await board.signed_in(client)
    async with client.get(f"{board.base}/dashboard/gaps?card={CONSUMER}") as response:
        page = await response.text()
    title = services.library.cards[CONSUMER].title
    assert f"用卡片“{title}”回答后" in page
    assert re.findall(r"<h2>([^<]+)</h2>", page) == ["买到过期食品怎么赔", "网购的衣服商家不给退"]
    async with client.get(f"{board.base}/dashboard/gaps?card=no-such-card") as response:
        everything = await response.text()
    assert "card-filter" not in everything
    assert len(re.findall(r'<section class="card gap">', everything)) == 4


async def test_a_period_ending_before_it_starts_is_said_and_swapped(
    board: Board, client: aiohttp.ClientSession
) -> None:
    await seed_votes(board)
    await board.signed_in(client)
    query = "start=2026-03-05&end=2026-01-01"
    async with client.get(f"{board.base}/dashboard/satisfaction?{query}") as response:
        page = await response.text()
    assert "结束日期早于开始日期，已把两个日期对调：按 2026-01-01 ~ 2026-03-05 算。" in page
    assert '<dd id="votes">5</dd>' in page  # 2026-01-01 to 2026-03-05
    assert 'name="start" value="2026-01-01"' in page and 'name="end" value="2026-03-05"' in page
