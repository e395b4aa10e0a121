"""What coordinators do wrong on the dashboard, and what they should see: a button pressed
twice, a form sent again with the back button, a date or page typed by hand, an address
mistyped. Over HTTP, on a real bot and database."""

import asyncio
import html
import re
from datetime import datetime, timedelta

import aiohttp
from yarl import URL

from storage.broadcasts import add_broadcast
from storage.models import Broadcast, BroadcastStatus
from storage.questions import LoggedAnswer, log_questions
from tests.dashboard.conftest import Board, seed

RESIDENT = 7_300_051
QUESTION = "共享单车押金退不回来找谁"
CARD = "consumer-rights"


async def test_a_decision_about_a_question_sent_twice_is_written_once(
    editable_board: Board, client: aiohttp.ClientSession
) -> None:
    """作为示例问题 pressed twice while the bot rebuilds its index (a double click), then sent
    again from the back button: the card gets the question once, both presses land on the
    list, and the one undo takes the card back to what it was."""
    board = editable_board
    services = board.harness.services
    await board.harness.ask(board.harness.api.user(RESIDENT), QUESTION)
    await services.question_log.flush()
    content = services.dashboard.content_dir
    assert content is not None
    card_file = content / "cards" / f"{CARD}.md"
    before = card_file.read_bytes()
    await board.signed_in(client)
    csrf = await board.csrf(client, "/dashboard/gaps")
    form = {"csrf": csrf, "question": QUESTION, "card_id": CARD, "action": "sample"}

    async def press() -> tuple[int, str]:
        async with client.post(f"{board.base}/dashboard/gaps", data=form) as response:
            return response.status, str(response.url)

    pressed = list(await asyncio.gather(press(), press()))
    pressed.append(await press())  # the back button, and the form sent again
    assert all(status == 200 and "/dashboard/gaps?done=" in url for status, url in pressed)
    assert card_file.read_text(encoding="utf-8").count(QUESTION) == 1
    async with client.get(f"{board.base}/dashboard/gaps/decided") as response:
        page = await response.text()
    assert page.count('action="/dashboard/gaps/undo"') == 1
    undo = {"csrf": csrf, "question": QUESTION}
    async with client.post(f"{board.base}/dashboard/gaps/undo", data=undo) as response:
        assert response.status == 200
    assert card_file.read_bytes() == before


async def test_a_date_out_of_any_sensible_range_is_said_not_a_server_error(
    board: Board, client: aiohttp.ClientSession
) -> None:
    """A year typed as 9999 or 0001 (a slip, or a link edited by hand) on any page with a
    period: the page says the date is out of range and uses the default, as for a date not
    understood, rather than failing with a server error (a download, the default's)."""
    await board.signed_in(client)
    for path in ("satisfaction", "reports", "reports/export"):
        for start, end in (("2026-03-01", "9999-12-31"), ("0001-01-01", "2026-03-31")):
            url = f"{board.base}/dashboard/{path}?start={start}&end={end}"
            async with client.get(url) as response:
                assert response.status == 200, url
                page = await response.text()
            typed = end if start.startswith("2026") else start
            said = f"“{typed}”不在 2000–2027 年之间"
            assert said in page or path == "reports/export", url


async def test_a_mistyped_address_or_a_form_address_opened_again_is_answered_in_chinese(
    board: Board, client: aiohttp.ClientSession
) -> None:
    """An address typed with a slash too many, or a page that is not there, says so in
    Chinese under the menu; a form's own address opened again (the tab of a refused 退回,
    reopened; an invite's page, bookmarked) goes to the page the form is on."""
    await seed(board)
    await board.signed_in(client)
    base = board.base
    async with client.get(f"{base}/dashboard/reports?review=pending") as response:
        report_id = re.findall(r'href="/dashboard/reports/(\d+)">详情', await response.text())[0]
    for path in ("reports/", "volunteers/", "no-such-page", f"reports/{report_id}/photo/7"):
        async with client.get(f"{base}/dashboard/{path}") as response:
            page = await response.text()
            assert response.status == 404 and "没有这个页面" in page, path
            assert "Not Found" not in page and 'href="/dashboard/reports"' in page
    for form, page in (
        (f"reports/{report_id}/review", f"reports/{report_id}"),
        ("volunteers/invite", "volunteers"),
        ("broadcasts/preview", "broadcasts"),
    ):
        async with client.get(f"{base}/dashboard/{form}") as response:
            assert response.status == 200, form
            assert response.url.path == f"/dashboard/{page}"
    csrf = await board.csrf(client)
    async with client.post(f"{base}/dashboard/audit", data={"csrf": csrf}) as response:
        page = await response.text()
        assert response.status == 404 and "没有这个页面" in page


# 45 questions no card answered, each its own (the gaps page shows 20 a page)
UNANSWERED = [f"外星人{chr(0x4E00 + 7 * n)}{chr(0x4E80 + 5 * n)}归谁管" for n in range(45)]


def _unanswered(n: int, text: str, now: datetime) -> LoggedAnswer:
    """A resident's question no card answered, asked `n` minutes before `now`."""
    asked = now - timedelta(minutes=n)
    return LoggedAnswer(
        f"gap-{n}", asked, 7_300_100 + n, "private", "text", text, None, 0, False, False
    )


async def _pages(client: aiohttp.ClientSession, url: str, item: str) -> list[list[str]]:
    """Each page's items (`item`: a pattern), following 下一页 from `url` to the last."""
    pages = []
    while True:
        async with client.get(url) as response:
            assert response.status == 200, url
            page = await response.text()
        pages.append(re.findall(item, page))
        following = re.search(r'<a href="([^"]+)"[^>]*>下一页', page)
        if following is None:
            return pages
        url = str(response.url.join(URL(html.unescape(following[1]))))


async def test_every_page_of_a_list_can_be_reached_and_none_is_past_the_end(
    board: Board, client: aiohttp.ClientSession
) -> None:
    """下一页 from the first page of the unanswered questions and of the broadcasts' history
    shows each of them once, none skipped; a page after the last (a link kept from when there
    were more, a number typed) shows the last page, never "none yet" under a count of many."""
    services = board.harness.services
    now = services.now()
    async with services.db.session() as session:
        asked = [_unanswered(n, text, now) for n, text in enumerate(UNANSWERED)]
        await log_questions(session, asked)
        for n in range(25):
            ended = Broadcast(
                origin="coordinator",
                status=BroadcastStatus.DONE.value,
                audience="all",
                text=f"第 {n} 条通知",
                send_at=now - timedelta(days=1, minutes=n),
            )
            assert await add_broadcast(session=session, broadcast=ended)
    await seed(board)
    await board.signed_in(client)
    base = board.base
    gaps = await _pages(client, f"{base}/dashboard/gaps", r"<h2>(外星人[^<]+)</h2>")
    assert [len(page) for page in gaps] == [20, 20, 5]
    assert sorted(q for page in gaps for q in page) == sorted(UNANSWERED)
    history = await _pages(client, f"{base}/dashboard/broadcasts", r"<td>(?:发送完毕)</td>")
    assert [len(page) for page in history] == [20, 5]
    for path, shown in (
        ("gaps?page=9", "page=3"),
        ("broadcasts?page=9", "page=2"),
        ("reports?page=50", "page=1"),
        ("audit?page=999", "page=1"),
        ("volunteers?q=李&page=9", "page=1"),
        ("tickets?month=2026-03&page=9", "page=1"),
        ("gaps/decided?page=5", "page=1"),
    ):
        async with client.get(f"{base}/dashboard/{path}") as response:
            page = await response.text()
            assert response.status == 200 and shown in response.url.query_string, path
        for none_yet in ("还没有记录", "没有找到志愿者", "没有待处理的问题", "还没有发过通知"):
            assert none_yet not in page, path
        assert "没有符合条件的报告" not in page, path


async def test_a_directory_file_appended_twice_adds_its_points_once(
    board: Board, client: aiohttp.ClientSession
) -> None:
    """导入 with 追加 pressed twice (a double click), then the page reloaded: the file's
    points are in the directory once, and the page says how many were added and how many
    were listed already."""
    await board.signed_in(client)
    csrf = await board.csrf(client, "/dashboard/directory")
    added = "名称,类型,乡镇,地址,电话\n东山新建法律服务站,司法所,示例县东山镇,东山路9号,12348\n"

    async def append() -> str:
        data = aiohttp.FormData()
        data.add_field("csrf", csrf)
        data.add_field("append", "1")
        data.add_field("file", added.encode(), filename="more.csv", content_type="text/csv")
        async with client.post(f"{board.base}/dashboard/directory", data=data) as response:
            assert response.status == 200 and response.method == "GET"  # a reload sends nothing
            return await response.text()

    pages = [*await asyncio.gather(append(), append()), await append()]
    assert all('id="imported"' in page for page in pages)
    said = sorted("另有 1 个已在名录里" in page for page in pages)
    assert said == [False, True, True]  # the two after the first say why they added nothing
    async with client.get(f"{board.base}/dashboard/directory") as response:
        assert (await response.text()).count("东山新建法律服务站") == 1


async def test_the_audit_log_names_reports_in_chinese(
    board: Board, client: aiohttp.ClientSession
) -> None:
    """An export and a report's 核实 are listed with their object in Chinese (活动报告,
    报告 #n), not as the code records it (reports, report 12)."""
    await seed(board)
    await board.signed_in(client)
    base = board.base
    async with client.get(f"{base}/dashboard/reports?review=pending") as response:
        report_id = re.findall(r'href="/dashboard/reports/(\d+)">详情', await response.text())[0]
    async with client.get(f"{base}/dashboard/reports/export?format=csv") as response:
        assert response.status == 200
    async with client.get(f"{base}/dashboard/reports/{report_id}") as response:
        page = await response.text()
    revision = re.search(r'name="revision" value="([^"]+)"', page)
    csrf = await board.csrf(client)
    assert revision
    form = {"csrf": csrf, "revision": revision[1], "verdict": "verified"}
    async with client.post(f"{base}/dashboard/reports/{report_id}/review", data=form) as r:
        assert r.status == 200
    async with client.get(f"{base}/dashboard/audit") as response:
        page = await response.text()
    assert f"<td>报告 #{report_id}</td>" in page and "<td>活动报告</td>" in page
    assert "<td>reports</td>" not in page and "<td>report " not in page
