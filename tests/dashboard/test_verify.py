"""核验证书 on the dashboard: a certificate issued through the real bot checks to what it
states and whether the volunteer's records still give it, a forged or malformed code says so,
the page needs a session, and checks are audited."""

import html
import re
from datetime import date

import aiohttp

from tests.dashboard.conftest import ALICE, EAST, Board, unfilled
from tests.reporting import add_report, add_volunteer

VERDICT = re.compile(r'<p class="(ok|notice|error)" id="verdict">([^<]*)</p>')
CODE = re.compile(r"验证码 ([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})")


async def _verdict(client: aiohttp.ClientSession, url: str) -> tuple[str, str]:
    async with client.get(url) as response:
        assert response.status == 200, url
        page = await response.text()
    assert not unfilled(page)
    found = VERDICT.search(page)
    assert found, page[-800:]
    return found[1], html.unescape(found[2])


async def test_verify_page_checks_a_code(board: Board, client: aiohttp.ClientSession) -> None:
    harness, base = board.harness, board.base
    texts = harness.ui.engagement
    await add_volunteer(harness.services.db, ALICE, name="李梅", town=EAST)
    await add_report(harness.services.db, ALICE, activity_date=date(2026, 3, 2), hours=3.0)
    later = await add_report(harness.services.db, ALICE, activity_date=date(2026, 3, 9), hours=1.5)
    harness.api.send_command(harness.api.user(ALICE), "/certificate 2026")
    [photo] = await harness.api.wait_for_messages(ALICE)
    match = CODE.search(photo.caption or "")
    assert match, photo.caption
    async with client.get(f"{base}/dashboard/verify?code={match[1]}") as response:
        assert response.status == 401  # no session, no answer
    await board.signed_in(client)
    async with client.get(f"{base}/dashboard/verify") as response:
        page = await response.text()
    assert response.status == 200 and 'id="verify"' in page and 'id="verdict"' not in page
    kind, text = await _verdict(client, f"{base}/dashboard/verify?code={match[1].lower()}")
    assert kind == "ok" and text.startswith("证明有效：李梅，2026-01-01 至 2026-12-31")
    assert "活动 2 次" in text and "服务时长 4.5 小时" in text
    assert text.endswith("\n" + texts.verify_records_same)
    url = f"{base}/dashboard/verify?code="
    assert await _verdict(client, url + "AAAA-BBBB-CCCC") == ("error", texts.verify_missing)
    for odd in ("<script>", "A" * 3000):
        assert await _verdict(client, url + odd) == ("error", texts.verify_malformed), odd
    assert await _verdict(client, url + "%20") == ("error", texts.verify_empty)
    # A coordinator returns one of its reports (↩️ 退回 on the report's page): the certificate
    # still checks as issued, and says the records give other figures now.
    csrf = await board.csrf(client, f"/dashboard/reports/{later}")
    async with client.get(f"{base}/dashboard/reports/{later}") as response:
        revision = re.search(r'name="revision" value="(\d+)"', await response.text())
    assert revision
    form = {"csrf": csrf, "verdict": "returned", "reason": "照片不对", "revision": revision[1]}
    async with client.post(f"{base}/dashboard/reports/{later}/review", data=form) as response:
        assert response.status == 200, await response.text()
    kind, text = await _verdict(client, f"{base}/dashboard/verify?code={match[1]}")
    assert kind == "notice" and text.startswith("证明有效：李梅") and "服务时长 4.5 小时" in text
    changed = texts.verify_records_changed.format(activities=1, hours="3")
    assert text.endswith("\n" + changed) and "记录已变化" in changed and "现为" in changed
    async with client.get(f"{base}/dashboard/audit") as response:
        audit = await response.text()
    label = harness.ui.dashboard.audit_actions["dashboard.verify"]
    assert audit.count(label) == 6 and match[1].replace("-", "") in audit
