"""Reviewing reports on the dashboard: the state shown, ✅ 核实 and ↩️ 退回 with a reason as POSTs
behind the session and CSRF checks, audit-logged, the volunteer told of a return, a second
decision refused with whose the first was, and the export still listing a returned report; and
核实 every pending report the list's filter shows at once, after a confirm page; a report the
volunteer corrected after its page or the confirm page was opened is left pending."""

import csv
import io
import re
from dataclasses import replace
from datetime import date, timedelta
from urllib.parse import quote

import aiohttp

from storage.people import names_of
from storage.report_review import record_notices
from storage.reports import Change, edit_report, get_report
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


async def _revision(client: aiohttp.ClientSession, url: str) -> str:
    """The revision a report's page carries in its 核实 / 退回 forms."""
    page = await (await client.get(url)).text()
    found = re.search(r'name="revision" value="(\d+)"', page)
    assert found, page[:500]
    return found[1]


async def test_verify_and_return_from_the_report_page(
    board: Board, client: aiohttp.ClientSession
) -> None:
    await seed(board)
    await board.signed_in(client)
    base, texts = board.base, board.harness.ui.review
    listing = await (await client.get(f"{base}/dashboard/reports")).text()
    first, second, _ = re.findall(r'href="/dashboard/reports/(\d+)">详情', listing)
    assert listing.count('class="review-pending">待审核<') == 3  # one in each row
    page = await (await client.get(f"{base}/dashboard/reports/{first}")).text()
    assert 'id="review-actions"' in page and "待审核" in page
    csrf = await board.csrf(client, f"/dashboard/reports/{first}")
    seen = await _revision(client, f"{base}/dashboard/reports/{first}")
    url = f"{base}/dashboard/reports/{first}/review"

    await _post(client, url, {"verdict": "verified", "revision": seen}, 403)  # no CSRF token
    # No reason: the report's page again, the mistake beside its form, what was typed kept.
    for typed in ("   ", "长" * 201):  # (201: past the input's maxlength, by hand)
        form = {"csrf": csrf, "verdict": "returned", "reason": typed, "revision": seen}
        said = await _post(client, url, form, 400)
        needed = board.harness.ui.dashboard.reason_needed.split("（")[0]
        assert 'id="review-error"' in said and needed in said
        assert f"活动报告 #{first}" in said and 'id="review-actions"' in said
        assert f'value="{typed}"' in said
        assert await _revision(client, f"{base}/dashboard/reports/{first}") == seen
    await _post(client, url, {"csrf": csrf, "verdict": "nonsense", "revision": seen}, 404)
    for forged in ("", "x", "99999999999999999999"):  # a form without the page's revision
        said = await _post(
            client, url, {"csrf": csrf, "verdict": "verified", "revision": forged}, 400
        )
        assert board.harness.ui.dashboard.bad_form in said
    await _post(
        client,
        f"{base}/dashboard/reports/99999/review",
        {"csrf": csrf, "verdict": "verified", "revision": seen},
        404,
    )

    page = await _post(client, url, {"csrf": csrf, "verdict": "verified", "revision": seen}, 200)
    assert texts.verified_done.format(id=first) in page and 'id="review-actions"' not in page
    again = await _post(
        client,
        url,
        {"csrf": csrf, "verdict": "returned", "reason": "重复", "revision": seen},
        409,
    )
    assert "已核实" in again

    harness = board.harness
    mark = len(harness.api.state.sent)
    url = f"{base}/dashboard/reports/{second}/review"
    seen = await _revision(client, f"{base}/dashboard/reports/{second}")
    page = await _post(
        client,
        url,
        {"csrf": csrf, "verdict": "returned", "reason": "照片不对", "revision": seen},
        200,
    )
    assert "已退回" in page and "照片不对" in page
    [told] = await harness.api.wait_for_messages(ALICE, after=mark)
    assert f"#{second}" in (told.text or "") and "照片不对" in (told.text or "")
    async with harness.services.db.session() as session:  # named as a chat decision names
        returned = await get_report(session=session, report_id=int(second))
        names = await names_of(session=session, ids=[ADMIN_ID])
    assert returned is not None and returned.reviewer == names[ADMIN_ID]
    assert str(ADMIN_ID) not in returned.reviewer and "（" not in returned.reviewer

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
        {
            "csrf": csrf,
            "verdict": "returned",
            "reason": "照片不对",
            "revision": await _revision(client, f"{base}/dashboard/reports/{returned}"),
        },
        200,
    )
    url = f"{base}/dashboard/reports/verify?town={quote(EAST)}"

    await _post(client, url, {"csrf": "forged"}, 403)
    page = await _post(client, url, {"csrf": csrf}, 200)  # the confirm page: nothing decided
    assert said.verify_all_confirm.format(count=2) in page and "考核" in page
    seen = re.findall(r'name="seen" value="(\d+:\d+)"', page)
    ids = [int(value.split(":")[0]) for value in seen]
    assert ids == east and await _states(board, *east) == ["pending", "pending"]
    later = await add_report(board.harness.services.db, ALICE, town=EAST, activity_date=MARCH_9)

    api, app = board.harness.api, board.harness.app
    copy = await app.bot.send_message(ADMIN_ID, "📝 新的活动报告")  # its notification, recorded
    async with board.harness.services.db.session() as session:
        await record_notices(
            session=session, report_id=east[0], copies=[(ADMIN_ID, copy.message_id)]
        )
    confirm = [("csrf", csrf), ("confirm", "1")] + [("seen", value) for value in seen]
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
    assert said.verify_all_done.format(done=2) in page
    assert said.verify_all_skipped.split("{")[1].split("}")[1] not in page  # none skipped
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
    assert said.verify_all_skipped.format(skipped=2) in again
    assert "已核实 0" not in again  # a count of none is not said
    audit = await (await client.get(f"{base}/dashboard/audit")).text()
    assert (
        audit.count("网页：批量核实活动报告") == 2
        and "核实：2" in audit
        and "verified=" not in audit
    )


async def _correct(board: Board, report_id: int, audience: int) -> None:
    """The volunteer's correction (/myreports → 修改), as the chat stores it, a minute later."""
    async with board.harness.services.db.session() as session:
        before = await get_report(session=session, report_id=report_id)
        assert before is not None
        changed = await edit_report(
            session=session,
            report_id=report_id,
            volunteer_id=before.volunteer_id,
            data=replace(before.data, audience=audience),
            window=timedelta(days=7),
            now=before.updated_at + timedelta(minutes=1),
        )
    assert changed is Change.OK


async def test_a_report_corrected_after_the_confirm_page_is_not_verified(
    board: Board, client: aiohttp.ClientSession
) -> None:
    await seed(board)
    await board.signed_in(client)
    base, said = board.base, board.harness.ui.dashboard
    csrf = await board.csrf(client, "/dashboard/reports")
    url = f"{base}/dashboard/reports/verify?town={quote(EAST)}"
    page = await _post(client, url, {"csrf": csrf}, 200)  # the confirm page
    seen = re.findall(r'name="seen" value="(\d+:\d+)"', page)
    kept, corrected = sorted(int(value.split(":")[0]) for value in seen)
    await _correct(board, corrected, audience=800)

    confirm = [("csrf", csrf), ("confirm", "1")] + [("seen", value) for value in seen]
    listing = await _post(client, url, confirm, 200)
    assert said.verify_all_done.format(done=1) in listing
    assert said.verify_all_changed.format(count=1) in listing
    assert f'<a href="/dashboard/reports/{corrected}">#{corrected}</a>' in listing
    assert await _states(board, kept, corrected) == ["verified", "pending"]
    assert said.verify_all_button.format(count=1) in listing  # offered again, as it is now
    audit = await (await client.get(f"{base}/dashboard/audit")).text()
    assert "核实：1 已被修改未核实：1 跳过：0" in audit

    page = await _post(client, url, {"csrf": csrf}, 200)
    fresh = re.findall(r'name="seen" value="(\d+:\d+)"', page)
    assert [int(value.split(":")[0]) for value in fresh] == [corrected] and fresh != seen
    confirm = [("csrf", csrf), ("confirm", "1"), ("seen", fresh[0])]
    listing = await _post(client, url, confirm, 200)
    assert said.verify_all_done.format(done=1) in listing
    assert 'id="verify-changed"' not in listing
    assert await _states(board, kept, corrected) == ["verified", "verified"]
    async with board.harness.services.db.session() as session:
        report = await get_report(session=session, report_id=corrected)
    assert report is not None and report.data.audience == 800


async def test_a_report_corrected_after_its_page_opened_is_not_decided(
    board: Board, client: aiohttp.ClientSession
) -> None:
    await seed(board)
    await board.signed_in(client)
    base, said = board.base, board.harness.ui.dashboard
    listing = await (await client.get(f"{base}/dashboard/reports")).text()
    first = int(re.findall(r'href="/dashboard/reports/(\d+)">详情', listing)[0])
    page_url = f"{base}/dashboard/reports/{first}"
    csrf = await board.csrf(client, f"/dashboard/reports/{first}")
    seen = await _revision(client, page_url)
    await _correct(board, first, audience=800)
    url = f"{page_url}/review"
    for verdict in ({"verdict": "verified"}, {"verdict": "returned", "reason": "人数不对"}):
        refused = await _post(client, url, {"csrf": csrf, "revision": seen, **verdict}, 409)
        assert said.review_changed.format(id=first) in refused
    assert await _states(board, first) == ["pending"]

    page = await (await client.get(page_url)).text()  # reloaded: the new figures
    assert "<td>800</td>" in page
    fresh = await _revision(client, page_url)
    assert fresh != seen
    done = await _post(client, url, {"csrf": csrf, "revision": fresh, "verdict": "verified"}, 200)
    assert board.harness.ui.review.verified_done.format(id=first) in done
    assert await _states(board, first) == ["verified"]
