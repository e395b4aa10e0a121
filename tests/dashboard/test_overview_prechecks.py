"""The overview counts the month's legal-aid pre-checks (anonymous outcomes)."""

import re

import aiohttp

from storage.residents import record_precheck
from tests.dashboard.conftest import Board


async def test_the_overview_counts_the_prechecks(
    board: Board, client: aiohttp.ClientSession
) -> None:
    bot = board.harness
    today = bot.services.today()
    async with bot.services.db.session() as session:
        for rule, result in [("migrant-worker", "likely_yes"), ("not-hard-up", "likely_no")]:
            await record_precheck(session=session, day=today, rule=rule, result=result)
    await board.signed_in(client)
    async with client.get(f"{board.base}/dashboard/") as response:
        page = await response.text()
    found = re.findall(r"<dt>法律援助自测</dt><dd>(\d+)</dd>", page)
    assert found == ["2", "2"]  # this month, this year
    assert re.findall(r"<dt>自测“很可能可以”</dt><dd>(\d+)</dd>", page) == ["1", "1"]
    empty = bot.services.ui.dashboard.chart_empty  # no report yet: both bar charts say so
    assert page.count(f'<text x="10" y="25">{empty}</text>') == 2
