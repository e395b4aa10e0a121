"""Reviewing reports on the dashboard: the state shown, ✅ 核实 and ↩️ 退回 with a reason as POSTs
behind the session and CSRF checks, audit-logged, the volunteer told of a return, a second
decision refused with whose the first was, and the export still listing a returned report; and
核实 every pending report the list's filter shows at once, after a confirm page."""

import csv
import io
import re
from datetime import date
from urllib.parse import quote

import aiohttp

from storage.report_review import record_notices
from storage.reports import get_report
from storage.stats import Period, period_stats, volunteer_hours
from storage.volunteers import set_coordinator
from tests.dashboard.conftest import ADMIN_ID, ALICE, BOB, EAST, WEST, Board, seed
from tests.reporting import add_report

MARCH_9 = date(2026, 3, 9)


async def _post(
    client: aiohttp.ClientSession,
    url: str,
    form: dict[str, str] | list[tuple[str, str]],
    status: int,
) -> str:
    async with client.post(url, data=form) as response:
        assert response.status == status, await response.text()
        return await response.text()


async def test_verify_and_return_from_the_report_page(
    board: Board, client: aiohttp.ClientSession
) -> None:
    await seed(board)
    await board.signed_in(client)
    base, texts = board.base, board.harness.ui.review
    listing = await (await client.get(f"{base}/dashboard/reports")).text()
    first, second, _ = re.findall(r'href="/dashboard/reports/(\d+)">详情', listing)
    assert listing.count(">待审核<") == 3  # one in each row (and the 批量核实 button)
    page = await (await client.get(f"{base}/dashboard/reports/{first}")).text()
    assert 'id="review-actions"' in page and "待审核" in page
    csrf = await board.csrf(client, f"/dashboard/reports/{first}")
    url = f"{base}/dashboard/reports/{first}/review"

    await _post(client, url, {"verdict": "verified"}, 403)  # no CSRF token
    said = await _post(client, url, {"csrf": csrf, "verdict": "returned", "reason": " "}, 400)
    assert "退回原因" in said
    await _post(client, url, {"csrf": csrf, "verdict": "nonsense"}, 404)
    await _post(
        client,
        f"{base}/dashboard/reports/99999/review",
        {"csrf": csrf, "verdict": "verified"},
        404,
    )

    page = await _post(client, url, {"csrf": csrf, "verdict": "verified"}, 200)
    assert texts.verified_done.format(id=first) in page and 'id="review-actions"' not in page
    again = await _post(client, url, {"csrf": csrf, "verdict": "returned", "reason": "重复"}, 409)
    assert "已核实" in again

    harness = board.harness
    mark = len(harness.api.state.sent)
    url = f"{base}/dashboard/reports/{second}/review"
    page = await _post(
        client, url, {"csrf": csrf, "verdict": "returned", "reason": "照片不对"}, 200
    )
    assert "已退回" in page and "照片不对" in page
    [told] = await harness.api.wait_for_messages(ALICE, after=mark)
    assert f"#{second}" in (told.text or "") and "照片不对" in (told.text or "")

    audit = await (await client.get(f"{base}/dashboard/audit")).text()
    assert "网页：核实活动报告" in audit and "网页：退回活动报告" in audit
    async with client.get(f"{base}/dashboard/reports/export?format=csv") as response:
        rows = list(csv.reader(io.StringIO((await response.read()).decode("utf-8-sig"))))
    assert len(rows) == 4 and "审核状态" in rows[0]
    states = {row[0]: row[-1] for row in rows[1:]}
    assert states[first] == "已核实" and states[second] == "已退回 退回原因：照片不对"
    march = Period(date(2026, 3, 1), date(2026, 3, 31))
    async with harness.services.db.session() as session:
        figures = await period_stats(session=session, period=march)
        hours = await volunteer_hours(session=session, period=march)
    assert figures.total.activities == 2  # the returned one is out of the figures
    assert sum(line.activities for line in hours) == 2


async def _states(board: Board, *ids: int) -> list[str]:
    async with board.harness.services.db.session() as session:
        found = [await get_report(session=session, report_id=i) for i in ids]
    return [report.review if report else "" for report in found]


async def test_verify_every_pending_report_the_filter_shows(
    board: Board, client: aiohttp.ClientSession
) -> None:
    await seed(board)
    await board.signed_in(client)
    base, said = board.base, board.harness.ui.dashboard
    listing = await (await client.get(f"{base}/dashboard/reports?town={quote(EAST)}")).text()
    east = sorted(int(i) for i in re.findall(r'href="/dashboard/reports/(\d+)">详情', listing))
    west = await add_report(board.harness.services.db, BOB, town=WEST, activity_date=MARCH_9)
    assert said.verify_all_button.format(count=2) in listing
    csrf = await board.csrf(client, "/dashboard/reports")
    returned = await add_report(board.harness.services.db, ALICE, town=EAST, activity_date=MARCH_9)
    await _post(
        client,
        f"{base}/dashboard/reports/{returned}/review",
        {"csrf": csrf, "verdict": "returned", "reason": "照片不对"},
        200,
    )
    url = f"{base}/dashboard/reports/verify?town={quote(EAST)}"

    await _post(client, url, {"csrf": "forged"}, 403)
    page = await _post(client, url, {"csrf": csrf}, 200)  # the confirm page: nothing decided
    assert said.verify_all_confirm.format(count=2) in page and "考核" in page
    ids = [int(i) for i in re.findall(r'name="id" value="(\d+)"', page)]
    assert ids == east and await _states(board, *east) == ["pending", "pending"]
    later = await add_report(board.harness.services.db, ALICE, town=EAST, activity_date=MARCH_9)

    api, app = board.harness.api, board.harness.app
    copy = await app.bot.send_message(ADMIN_ID, "📝 新的活动报告")  # its notification, recorded
    async with board.harness.services.db.session() as session:
        await record_notices(
            session=session, report_id=east[0], copies=[(ADMIN_ID, copy.message_id)]
        )
    confirm = [("csrf", csrf), ("confirm", "1")] + [("id", str(i)) for i in ids]
    forged = [("csrf", "forged"), *confirm[1:]]
    async with client.post(url, data=forged) as response:
        assert response.status == 403
    other = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    async with other:  # a coordinator demoted after signing in is refused
        async with board.harness.services.db.session() as session:
            await set_coordinator(session=session, telegram_id=BOB, promote=True)
        await board.signed_in(other, BOB)
        theirs = await board.csrf(other, "/dashboard/reports")
        async with board.harness.services.db.session() as session:
            await set_coordinator(session=session, telegram_id=BOB, promote=False)
        mine = [("csrf", theirs), *confirm[1:]]
        async with other.post(url, data=mine) as response:
            assert response.status in (401, 403)
    assert await _states(board, *east) == ["pending", "pending"]

    page = await _post(client, url, confirm, 200)  # redirected to the list, saying so
    assert said.verify_all_done.format(done=2, skipped=0) in page
    assert await _states(board, *east, west, returned, later) == [
        "verified", "verified", "pending", "returned", "pending",
    ]  # fmt: skip
    # The copies are edited after the answer (hundreds of edits take minutes).
    edited = await api.wait_for_call(
        "editMessageText",
        timeout=60,
        predicate=lambda call: call.params.get("message_id") == copy.message_id,
        after=0,
    )
    assert edited.status == 200 and "reply_markup" not in edited.params
    again = await _post(client, url, confirm, 200)  # a reload decides nothing twice
    assert said.verify_all_done.format(done=0, skipped=2) in again
    audit = await (await client.get(f"{base}/dashboard/audit")).text()
    assert audit.count("网页：批量核实活动报告") == 2 and "verified=2" in audit
