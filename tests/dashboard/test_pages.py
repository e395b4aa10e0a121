"""The dashboard's pages over HTTP, on a real bot and database: overview, reports with their
filters, export and photos, volunteers, invites, roles and the audit log."""

import csv
import io
import re
from datetime import date

import aiohttp
import openpyxl
from sqlmodel import select

from handlers.kit.roles import is_coordinator
from storage.broadcasts import set_campaign_dates
from storage.models import Invite
from storage.subscriptions import ensure_recipient, set_town
from storage.volunteers import leave
from tests.dashboard.conftest import ALICE, BOB, EAST, PHOTO, WEST, Board, seed, unfilled
from tests.e2e.conftest import ADMIN_ID
from tests.reporting import add_report, add_volunteer


async def _text(client: aiohttp.ClientSession, url: str, status: int = 200) -> str:
    async with client.get(url) as response:
        assert response.status == status, url
        return await response.text()


async def test_overview_reports_export_and_photos(
    board: Board, client: aiohttp.ClientSession
) -> None:
    await seed(board)
    await board.signed_in(client)
    base = board.base
    page = await _text(client, f"{base}/dashboard/")
    assert "<svg" in page and "反诈宣传" in page and EAST in page
    page = await _text(client, f"{base}/dashboard/reports")
    assert re.search(r'id="total">3<', page)
    filtered = f"town={EAST}&type=anti_fraud&start=2026-03-01&end=2026-03-31"
    page = await _text(client, f"{base}/dashboard/reports?{filtered}")
    assert re.search(r'id="total">1<', page)
    async with client.get(f"{base}/dashboard/reports/export?{filtered}&format=csv") as response:
        rows = list(csv.reader(io.StringIO((await response.read()).decode("utf-8-sig"))))
    assert len(rows) == 2 and "反诈宣传" in rows[1] and "13800138000" not in rows[1]
    async with client.get(f"{base}/dashboard/reports/export?town={WEST}&format=xlsx") as response:
        sheet = openpyxl.load_workbook(io.BytesIO(await response.read())).active
    assert sheet is not None and sheet.max_row == 2
    await _text(client, f"{base}/dashboard/reports?town=<script>")  # refused quietly
    listing = await _text(client, f"{base}/dashboard/reports?type=constitution&town={EAST}")
    report_id = re.findall(r'href="/dashboard/reports/(\d+)">详情', listing)[0]
    detail = await _text(client, f"{base}/dashboard/reports/{report_id}")
    assert f"/dashboard/reports/{report_id}/photo/0" in detail
    async with client.get(f"{base}/dashboard/reports/{report_id}/photo/0") as response:
        assert response.status == 200 and await response.read() == PHOTO
    await _text(client, f"{base}/dashboard/reports/{report_id}/photo/5", 404)
    await _text(client, f"{base}/dashboard/reports/99999999", 404)
    await _text(client, f"{base}/dashboard/reports/abc", 404)
    audit = await _text(client, f"{base}/dashboard/audit")
    assert "网页：导出活动记录" in audit and "登录网页工作台" in audit


async def test_volunteers_invites_and_roles(board: Board, client: aiohttp.ClientSession) -> None:
    await seed(board)
    harness = board.harness
    await board.signed_in(client)
    base = board.base
    page = await _text(client, f"{base}/dashboard/volunteers?q=李")
    assert "李梅" in page and "王强" not in page
    page = await _text(client, f"{base}/dashboard/volunteers/{ALICE}")
    assert "李梅" in page and "今年活动" in page
    csrf = await board.csrf(client, "/dashboard/volunteers")
    form = {"csrf": csrf, "town": EAST, "days": "7", "single": "1"}
    async with client.post(f"{base}/dashboard/volunteers/invite", data=form) as response:
        page = await response.text()
    code = re.search(r'id="invite-code">(\w+)<', page)
    assert code and "data:image/png;base64," in page
    reply = await harness.ask(harness.api.user(7_200_003), f"/start join_{code[1]}")
    assert reply.text  # the registration chat starts with this code
    listed = await _text(client, f"{base}/dashboard/volunteers/roles")
    assert str(ADMIN_ID) in listed and "PUFA_ADMIN_IDS" in listed  # the configured one
    page = await _text(client, f"{base}/dashboard/volunteers/roles?q=王强")
    assert "设为协调员" in page
    form = {"csrf": csrf, "telegram_id": str(BOB), "action": "promote"}
    async with client.post(f"{base}/dashboard/volunteers/roles", data=form) as response:
        page = await response.text()  # asked first, naming them and what they will see
    said = harness.services.ui.volunteers
    question = said.promote_confirm.format(name="王强", id=BOB)
    assert re.search(r'id="question">([^<]*)<', page)[1] == question  # type: ignore[index]
    assert not await is_coordinator(harness.services, BOB)
    async with client.post(
        f"{base}/dashboard/volunteers/roles", data=form | {"csrf": "forged", "confirmed": "1"}
    ) as response:
        assert response.status == 403 and not await is_coordinator(harness.services, BOB)
    async with client.post(
        f"{base}/dashboard/volunteers/roles", data=form | {"confirmed": "1"}
    ) as response:
        assert "已设为协调员" in await response.text()
    page = await _text(client, f"{base}/dashboard/volunteers/roles")
    assert "王强" in page and "取消协调员" in page and str(ADMIN_ID) in page
    form["action"] = "demote"
    async with client.post(f"{base}/dashboard/volunteers/roles", data=form) as response:
        assert said.demote_confirm.format(name="王强", id=BOB) in await response.text()
    async with client.post(
        f"{base}/dashboard/volunteers/roles", data=form | {"confirmed": "1"}
    ) as response:
        assert "已取消协调员身份" in await response.text()
    audit = await _text(client, f"{base}/dashboard/audit")
    assert f"<td>测试用户（{ADMIN_ID}）</td>" in audit
    form["telegram_id"] = "12x"
    async with client.post(f"{base}/dashboard/volunteers/roles", data=form) as response:
        assert response.status == 400


async def test_overview_counts_residents_questions_by_their_town(
    board: Board, client: aiohttp.ClientSession
) -> None:
    harness = board.harness
    resident = harness.api.user(7_300_001)
    async with harness.services.db.session() as session:
        await ensure_recipient(session=session, chat_id=resident.id, now=harness.clock())
        await set_town(session=session, chat_id=resident.id, town=EAST)
    await harness.ask(resident, "老板拖欠工资三个月了怎么办")
    await harness.ask(resident, "今天天气怎么样")
    await harness.ask(harness.api.user(7_300_002), "借钱不还怎么办")  # a town nobody knows
    await harness.services.question_log.flush()
    await board.signed_in(client)
    page = await _text(client, f"{board.base}/dashboard/")
    rows = re.findall(r"<tr><td>([^<]*)</td><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td>", page)
    unknown = harness.services.ui.unknown_town
    assert (EAST, "2", "1", "1") in rows and (unknown, "1", "1", "0") in rows


async def test_a_report_from_before_topics_were_required_says_it_has_none(
    board: Board, client: aiohttp.ClientSession
) -> None:
    """Reports are only read here: one naming no 普法 topic (stored before a topic was
    required) says so, since it counts for no topic in the review or the 考核 export."""
    db = board.harness.services.db
    await add_volunteer(db, ALICE, name="李梅", town=EAST)
    with_topic = await add_report(db, ALICE, town=EAST, activity_date=date(2026, 3, 2))
    without = await add_report(db, ALICE, town=EAST, activity_date=date(2026, 3, 3), topics=())
    await board.signed_in(client)
    said = board.harness.services.ui.dashboard.no_topic
    page = await _text(client, f"{board.base}/dashboard/reports/{without}")
    assert 'id="no-topic"' in page and said in page
    page = await _text(client, f"{board.base}/dashboard/reports/{with_topic}")
    assert 'id="no-topic"' not in page and "宪法与国家宪法日" in page


async def test_a_report_naming_a_campaign_that_does_not_fit_its_date_says_so(
    board: Board, client: aiohttp.ClientSession
) -> None:
    """The rule the /report chat offers campaigns by (from their first day to 14 days after
    their last, with the dates coordinators set): a report naming 宪法宣传周 for an activity
    in March says the campaign does not fit its date, one in its week does not; once a
    coordinator moves the week to 12-20 to 12-26, that one does and one in early January
    (within 14 days of the moved end) no longer does."""
    db = board.harness.services.db
    await add_volunteer(db, ALICE, name="李梅", town=EAST)
    week = ("constitution-week",)
    march = await add_report(db, ALICE, activity_date=date(2026, 3, 2), topics=week)
    december = await add_report(db, ALICE, activity_date=date(2026, 12, 5), topics=week)
    january = await add_report(db, ALICE, activity_date=date(2027, 1, 9), topics=week)
    await board.signed_in(client)
    said = board.harness.services.ui.dashboard.campaign_unfitting.format(
        names="“宪法宣传周”", days=14
    )

    async def flagged(report_id: int) -> bool:
        page = await _text(client, f"{board.base}/dashboard/reports/{report_id}")
        assert "宪法宣传周" in page
        assert ('id="campaign-unfitting"' in page) == (said in page), page
        return said in page

    assert await flagged(march) and not await flagged(december) and await flagged(january)
    async with db.session() as session:
        await set_campaign_dates(
            session=session,
            campaign_id="constitution-week",
            year=2026,
            start=date(2026, 12, 20),
            end=date(2026, 12, 26),
            set_by=ADMIN_ID,
        )
    assert await flagged(december) and not await flagged(january)


async def test_no_page_shows_an_unfilled_placeholder(
    board: Board, client: aiohttp.ClientSession
) -> None:
    """Every page a coordinator can open, and a refused broadcast time, with every catalogue
    text filled in: no "{day}" left for people to read."""
    await seed(board)
    await board.signed_in(client)
    base = board.base
    listing = await _text(client, f"{base}/dashboard/reports")
    report_id = re.findall(r'href="/dashboard/reports/(\d+)">详情', listing)[0]
    paths = [
        "/",
        "/satisfaction",
        "/reports",
        f"/reports/{report_id}",
        "/volunteers",
        f"/volunteers/{ALICE}",
        "/volunteers/roles",
        "/broadcasts",
        "/gaps",
        "/gaps/decided",
        "/tickets",
        "/directory",
        "/audit",
    ]
    for path in paths:
        page = await _text(client, f"{base}/dashboard{path}")
        assert unfilled(page) == [], path
    csrf = await board.csrf(client, "/dashboard/broadcasts")
    key = re.findall(
        r'name="key" value="([^"]+)"', await _text(client, f"{base}/dashboard/broadcasts")
    )
    form = {"csrf": csrf, "key": key[0], "kind": "text", "target": "all|", "text": "通知"}
    async with client.post(
        f"{base}/dashboard/broadcasts/preview", data=form | {"when": "今晚八点半左右"}
    ) as response:
        page = await response.text()
    assert 'id="problem"' in page and unfilled(page) == []
    async with aiohttp.ClientSession() as stranger:
        assert unfilled(await _text(stranger, f"{base}/dashboard/login")) == []


async def _invites(board: Board) -> int:
    async with board.harness.services.db.session() as session:
        return len((await session.exec(select(Invite))).all())


async def test_an_invite_with_days_out_of_range_or_not_a_number_is_refused_as_typed(
    board: Board, client: aiohttp.ClientSession
) -> None:
    """The form's min and max are only a browser's hint: 9999, 0, -3 or abc days is said,
    the form comes back as typed, and no invite is made (before, each made a 30-day one)."""
    await board.signed_in(client)
    csrf = await board.csrf(client, "/dashboard/volunteers")
    typed = {"csrf": csrf, "town": EAST, "organisation": "示例司法所", "single": "1"}
    url = f"{board.base}/dashboard/volunteers/invite"
    for days in ("9999", "abc", "0", "-3", "7.5", "３０"):
        async with client.post(url, data=typed | {"days": days}) as response:
            assert response.status == 400, days
            page = await response.text()
        problem = re.search(r'id="invite-problem">([^<]*)<', page)
        assert problem and "1 到 365" in problem[1] and days in problem[1], page
        assert f"<option selected>{EAST}</option>" in page
        assert 'value="示例司法所"' in page
        assert re.search(r'name="single" value="1"\s+checked', page)
        assert 'id="invite-code"' not in page and await _invites(board) == 0
    async with client.post(url, data=typed | {"days": "365"}) as response:
        assert response.status == 200 and 'id="invite-code"' in await response.text()
    async with client.post(url, data=typed | {"days": ""}) as response:  # the default
        assert response.status == 200 and 'id="invite-code"' in await response.text()
    assert await _invites(board) == 2


async def test_a_report_filters_dates_not_understood_or_the_wrong_way_round_are_said(
    board: Board, client: aiohttp.ClientSession
) -> None:
    """A date that is not a date is said and this month's default used (before: silently);
    an end before the start swaps the two and says so (before: the start's day alone)."""
    await seed(board)
    await board.signed_in(client)
    reports = f"{board.base}/dashboard/reports"

    def problems(page: str) -> list[str]:
        return re.findall(r'<p class="error">([^<]*)</p>', page)

    page = await _text(client, f"{reports}?start=abc&end=2026-03-31")
    assert problems(page) == [
        "没看懂开始日期“abc”（请写成 2026-03-01 这样），这次按 2026-03-01 算。"
    ]
    assert re.search(r'id="total">3<', page)
    page = await _text(client, f"{reports}?start=2026-03-01&end=2026-02-30")
    assert problems(page) == [
        "没看懂结束日期“2026-02-30”（请写成 2026-03-31 这样），这次按 2026-03-10 算。"
    ]
    page = await _text(client, f"{reports}?start=2026-03-06&end=2026-03-02")
    assert problems(page) == [
        "结束日期早于开始日期，已把两个日期对调：按 2026-03-02 ~ 2026-03-06 算。"
    ]
    assert re.search(r'id="total">3<', page)  # 3-02, 3-05 and 3-06, not 3-06 alone
    assert 'name="start" value="2026-03-02"' in page and 'name="end" value="2026-03-06"' in page
    page = await _text(client, f"{reports}?start=&end=")  # a cleared field: the default
    assert problems(page) == []


async def test_a_reports_page_names_its_volunteer(
    board: Board, client: aiohttp.ClientSession
) -> None:
    """Coordinators see who reported (before: a bare "查看" link); one who left is said so."""
    await seed(board)
    await board.signed_in(client)
    base = board.base
    listing = await _text(client, f"{base}/dashboard/reports?start=2026-03-01&end=2026-03-31")
    found = re.findall(
        r'href="/dashboard/volunteers/(\d+)">[^<]*</a></td>.*?'
        r'href="/dashboard/reports/(\d+)">详情',
        listing,
        re.S,
    )
    reports = {int(volunteer): report for volunteer, report in found}
    page = await _text(client, f"{base}/dashboard/reports/{reports[ALICE]}")
    assert f'href="/dashboard/volunteers/{ALICE}" id="volunteer">李梅</a>' in page
    async with board.harness.services.db.session() as session:
        assert await leave(session=session, telegram_id=BOB, now=board.harness.clock())
    page = await _text(client, f"{base}/dashboard/reports/{reports[BOB]}")
    assert f'href="/dashboard/volunteers/{BOB}" id="volunteer">（已退出）</a>' in page


async def test_the_exports_with_and_without_phone_numbers_have_their_own_names(
    board: Board, client: aiohttp.ClientSession
) -> None:
    """Saved side by side, the file with volunteers' phone numbers does not replace (or pass
    for) the one without: its name says 含电话, in UTF-8, with an ASCII name beside it."""
    await seed(board)
    await board.signed_in(client)
    export = f"{board.base}/dashboard/reports/export?start=2026-03-01&end=2026-03-31"
    names = {}
    for phone in ("", "&phone=1"):
        async with client.get(f"{export}&format=xlsx{phone}") as response:
            assert response.status == 200
            names[phone] = response.headers["Content-Disposition"]
            assert response.content_disposition is not None
            assert response.content_disposition.type == "attachment"
    assert names[""] == (
        'attachment; filename="reports_2026-03-01_2026-03-31.xlsx"; '
        "filename*=UTF-8''reports_2026-03-01_2026-03-31.xlsx"
    )
    assert names["&phone=1"] == (
        'attachment; filename="reports_2026-03-01_2026-03-31_phone.xlsx"; '
        "filename*=UTF-8''reports_2026-03-01_2026-03-31_%E5%90%AB%E7%94%B5%E8%AF%9D.xlsx"
    )
