"""The overview shows satisfaction (votes, share satisfied) and the residents QR codes
brought, this month and this year."""

import re

import aiohttp

from storage.attribution import create_event, record_touch
from storage.models import VoteKind
from storage.votes import Ballot, cast_vote
from tests.dashboard.conftest import Board


async def test_the_overview_shows_satisfaction_and_qr_reach(
    board: Board, client: aiohttp.ClientSession
) -> None:
    bot = board.harness
    now = bot.services.now()
    async with bot.services.db.session() as session:
        for voter, up in ((4101, True), (4102, True), (4103, True), (4104, False)):
            ballot = Ballot(voter, f"c-{voter}", VoteKind.ANSWER, "unpaid-wages", "", up)
            await cast_vote(session=session, ballot=ballot, now=now)
        event = await create_event(
            session=session, title="讲座", volunteer_id=4200, town="", event_date=None, now=now
        )
        await record_touch(session=session, event=event, resident_id=4101, now=now)
    await board.signed_in(client)
    async with client.get(f"{board.base}/dashboard/") as response:
        page = await response.text()
    assert re.findall(r"<dt>满意度评价</dt><dd>(\d+)</dd>", page) == ["4", "4"]
    assert re.findall(r"<dt>满意率</dt><dd>([^<]+)</dd>", page) == ["75%", "75%"]
    assert re.findall(r"<dt>扫码来的居民</dt><dd>(\d+)</dd>", page) == ["1", "1"]
