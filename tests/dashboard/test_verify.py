"""核验证书 on the dashboard: a certificate issued through the real bot checks to what it
states, a forged or malformed code says so, the page needs a session, and checks are audited."""

import html
import re
from datetime import date

import aiohttp

from tests.dashboard.conftest import ALICE, EAST, Board, unfilled
from tests.reporting import add_report, add_volunteer

VERDICT = re.compile(r'<p class="(ok|error)" id="verdict">([^<]*)</p>')
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
    assert "活动 1 次" in text and "服务时长 3 小时" in text
    url = f"{base}/dashboard/verify?code="
    assert await _verdict(client, url + "AAAA-BBBB-CCCC") == ("error", texts.verify_missing)
    for odd in ("<script>", "A" * 3000):
        assert await _verdict(client, url + odd) == ("error", texts.verify_malformed), odd
    assert await _verdict(client, url + "%20") == ("error", texts.verify_empty)
    async with client.get(f"{base}/dashboard/audit") as response:
        audit = await response.text()
    label = harness.ui.dashboard.audit_actions["dashboard.verify"]
    assert audit.count(label) == 5 and match[1].replace("-", "") in audit
