"""The dashboard in a real headless Chromium (Debian's `chromium` package driven by
Playwright; no browser is ever downloaded): signing in with a one-time link, filtering and
exporting reports, satisfaction leading to a card's content gaps, 居民留言, scheduling and
cancelling a broadcast and watching one run, the charts, a question added to a card and then
answered by the bot; and every refusal. Screenshots of the main pages at phone and PC widths go to
tmp/test-output/dashboard/ for a person to look at."""

import asyncio
import csv
import io
import itertools
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from storage.dashboard import create_login
from storage.report_review import REASON_CHARS
from tests.broadcasting import add_subscribers
from tests.browser import failed_requests, launch_chromium, needs_chromium, open_page
from tests.dashboard.conftest import BOB, EAST, SECRET, Board, seed, seed_tickets, seed_votes
from tests.e2e.conftest import ADMIN_ID
from tests.e2e.volunteer_steps import answer_question
from tests.waiting import INDEX_BUILD_SECONDS, eventually

pytestmark = needs_chromium
SCREENSHOTS = Path(__file__).resolve().parents[2] / "tmp" / "test-output" / "dashboard"
SIZES = {"phone": (390, 844), "pc": (1366, 900)}
PAGES = (
    *("", "satisfaction", "reports", "volunteers", "broadcasts"),
    *("gaps", "gaps/decided", "tickets", "directory", "audit"),
)
QUESTION = "共享单车押金退不回来找谁"
CARD = "consumer-rights"
RESIDENT, PROMOTED = 7_400_001, 7_400_002


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as driver:
        launched = await launch_chromium(driver)
        yield launched
        await launched.close()


async def new_page(browser: Browser) -> Page:
    return await open_page(browser, accept_downloads=True, locale="zh-CN")


async def sign_in(page: Page, link: str) -> None:
    await page.goto(link)
    await page.click("#login")
    await page.wait_for_url("**/dashboard/")


async def test_a_coordinators_working_session(editable_board: Board, browser: Browser) -> None:
    board, harness = editable_board, editable_board.harness
    await seed(board)
    await seed_votes(board)
    await seed_tickets(board)
    await add_subscribers(harness.services.db, range(3001, 3061))
    resident = harness.api.user(RESIDENT)
    assert harness.services.library.cards[CARD].title not in (
        (await harness.ask(resident, QUESTION)).text or ""
    )
    await harness.services.question_log.flush()
    page = await new_page(browser)
    failed = failed_requests(page)
    await sign_in(page, await board.link())

    # the overview and its charts
    assert await page.locator("#chart-trend svg rect").count() > 0
    assert EAST in (await page.locator("#chart-towns svg").text_content() or "")

    # filter the reports, then export exactly that
    await page.goto(f"{board.base}/dashboard/reports")
    assert await page.inner_text("#total") == "3"
    await page.select_option("select[name=town]", EAST)
    await page.select_option("select[name=type]", "anti_fraud")
    await page.click("#filters button[type=submit]")
    await page.wait_for_url("**town=*")
    assert await page.inner_text("#total") == "1"
    async with page.expect_download() as downloading:
        await page.click("#export-csv")
    download = await downloading.value
    saved = await asyncio.to_thread(Path(await download.path()).read_text, encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(saved)))
    assert len(rows) == 2 and EAST in rows[1]

    # satisfaction of a chosen period; the card with the most 👎 leads to its content gaps
    await page.goto(f"{board.base}/dashboard/satisfaction")
    await page.fill("input[name=start]", "2026-01-01")
    await page.click("#filters button[type=submit]")
    await page.wait_for_url("**start=2026-01-01*")
    assert await page.inner_text("#votes") == "6"
    await page.locator("#most-down a").first.click()
    await page.wait_for_selector("#card-filter")

    # 居民留言, from the navigation: the late messages marked, nothing of the resident's
    await page.click("nav a[href='/dashboard/tickets']")
    await page.wait_for_url("**/dashboard/tickets")
    assert await page.locator("#open-tickets .mark.overdue").count() > 0
    assert SECRET not in await page.inner_text("main")

    # a time without a date: the confirm step says the next one is taken, as the chat does
    await page.goto(f"{board.base}/dashboard/broadcasts")
    await page.fill("textarea[name=text]", "今晚普法讲座")
    await page.fill("input[name=when]", "晚上8.30")
    await page.click("#preview-button")
    await expect(page.locator("#preview-when")).to_contain_text("没写日期，按最近的一次算")

    # schedule a broadcast, see its exact preview and live count, then cancel it
    await page.goto(f"{board.base}/dashboard/broadcasts")
    await expect(page.locator("#recipient-count")).to_have_text("60")
    await page.fill("textarea[name=text]", "本周六上午 <村委会> 有律师免费咨询")
    await page.fill("input[name=when]", "明天上午9点")
    await page.click("#preview-button")
    assert await page.inner_text("#preview") == "本周六上午 <村委会> 有律师免费咨询"
    assert await page.inner_text("#preview-count") == "60"
    assert "没写日期" not in await page.inner_text("#preview-when")
    await page.click("#confirm")
    await page.wait_for_selector("#stop")
    await page.click("#stop button")
    await page.wait_for_selector("text=已取消")

    # send one now and watch it go out, then stop it
    await page.goto(f"{board.base}/dashboard/broadcasts")
    await page.fill("textarea[name=text]", "临时通知：明天停水")
    await page.click("#preview-button")
    await page.click("#confirm")
    await expect(page.locator("#p-sent")).not_to_have_text("0", timeout=60_000)
    assert await page.inner_text("#p-total") == "60"
    await page.click("#stop button")
    await expect(page.locator("#p-status")).to_contain_text("取消", timeout=60_000)

    # close a content gap: the bot answers the same question with the card at once
    await page.goto(f"{board.base}/dashboard/gaps")
    gap = page.locator("section.gap", has_text=QUESTION)
    await gap.locator("select[name=card_id]").first.select_option(CARD)
    await gap.locator("button[value=sample]").click(timeout=INDEX_BUILD_SECONDS * 1000)
    await page.wait_for_selector("#answers")
    assert int(await page.inner_text("#answers")) >= 1
    reply = await harness.ask(resident, QUESTION)
    assert harness.services.library.cards[CARD].title in (reply.text or "")

    # and undo it: the sample question leaves the card, the bot answers as before
    await page.click("#decided-link")
    await (
        page.locator("#decisions tr", has_text=QUESTION)
        .locator("button")
        .click(timeout=INDEX_BUILD_SECONDS * 1000)
    )
    await page.wait_for_selector("#done")
    reply = await harness.ask(resident, QUESTION)
    assert harness.services.library.cards[CARD].title not in (reply.text or "")

    await screenshots(page, board)
    assert failed == []  # every page, style and script it asked for was there
    # its own icon: a browser without one asks for /favicon.ico, a 404 in the log
    assert await page.locator("head link[rel=icon]").count() == 1


async def screenshots(page: Page, board: Board) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for size, (width, height) in SIZES.items():
        await page.set_viewport_size({"width": width, "height": height})
        for name in PAGES:
            await page.goto(f"{board.base}/dashboard/{name}")
            path = SCREENSHOTS / f"{name.replace('/', '-') or 'overview'}-{size}.png"
            await page.screenshot(path=str(path), full_page=True)
            assert path.stat().st_size > 1000


async def test_refusals(board: Board, browser: Browser) -> None:
    harness, base = board.harness, board.base
    page = await new_page(browser)
    await page.goto(f"{base}/dashboard/reports")
    assert "请先登录" in await page.inner_text("main")

    link = await board.link()
    await sign_in(page, link)
    second = await new_page(browser)
    await second.goto(link)  # said at once, with how to get a new link; no button to press
    assert "已用过" in await second.inner_text("main") and "/dashboard" in await second.inner_text(
        "main"
    )
    assert await second.locator("#login").count() == 0

    stale = await board.link()
    harness.clock.advance(timedelta(minutes=11))
    await second.goto(stale)
    assert "已过期" in await second.inner_text("main")

    await page.goto(f"{base}/dashboard/volunteers")
    await page.eval_on_selector("#invite input[name=csrf]", "input => input.value = 'forged'")
    async with page.expect_response("**/dashboard/volunteers/invite") as answered:
        await page.click("#invite button[type=submit]")
    assert (await answered.value).status == 403
    assert "来源不对" in await page.inner_text("main")

    assert "login" not in (
        (await harness.ask(harness.api.user(RESIDENT), "/dashboard")).text or ""
    )
    async with harness.services.db.session() as session:
        token = await create_login(
            session=session,
            telegram_id=RESIDENT,
            valid_for=timedelta(minutes=5),
            now=harness.services.now(),
        )
    await second.goto(f"{base}/dashboard/login?token={token}")
    await second.click("#login")
    assert "只有协调员" in await second.inner_text("main")

    promoted = harness.api.user(PROMOTED, "新协调员")
    await harness.ask(promoted, "你好")
    await harness.services.people_seen.flush()
    admin = harness.api.user(ADMIN_ID)
    question = await harness.ask(admin, f"/promote {PROMOTED}")
    await answer_question(harness, admin, question, harness.ui.volunteers.confirm_yes)
    await harness.api.wait_for_messages(PROMOTED, count=2)
    third = await new_page(browser)
    await sign_in(third, await board.link(PROMOTED))
    question = await harness.ask(admin, f"/demote {PROMOTED}")
    await answer_question(harness, admin, question, harness.ui.volunteers.confirm_yes)
    await third.reload()
    assert "协调员身份已被取消" in await third.inner_text("main")


async def test_week_names_fit_and_an_empty_export_says_so(board: Board, browser: Browser) -> None:
    """The trend chart names each week by its days (the year so far: 1/1 to 3/10, the
    clock's day), every name inside the chart and clear of the next, as Chromium lays them
    out; a filter that matches no report offers no download but says why, and the download
    link opened anyway shows the same words instead of a file of headers only."""
    await seed(board)
    said = board.harness.services.ui.dashboard
    page = await new_page(browser)
    await sign_in(page, await board.link())
    width, _ = await _trend_widths(page)
    names = await _week_names(page)
    assert [name for name, _, _ in names[:1] + names[-1:]] == ["1/1–1/4", "3/9–3/10"]
    assert all("–" in name for name, _, _ in names), names
    assert all(left >= 0 and right <= width for _, left, right in names), (width, names)
    assert all(a[2] < b[1] for a, b in itertools.pairwise(names)), names

    empty = "start=2026-02-01&end=2026-02-28"
    await page.goto(f"{board.base}/dashboard/reports?{empty}")
    assert await page.inner_text("#total") == "0"
    assert await page.locator("a[href*='/reports/export']").count() == 0
    words = said.export_empty.format(period="2026-02-01 ~ 2026-02-28")
    assert await page.inner_text("#export-empty") == words
    response = await page.goto(f"{board.base}/dashboard/reports/export?{empty}&format=xlsx")
    assert response is not None and response.headers["content-type"].startswith("text/html")
    assert await page.inner_text("p.notice") == words


async def test_promotion_is_asked_first_and_a_spent_link_goes_home(
    board: Board, browser: Browser
) -> None:
    """The roles page lists the configured coordinator, finds a volunteer by name and asks
    before making them a coordinator; the login link opened again goes to the dashboard."""
    await seed(board)
    said = board.harness.services.ui.volunteers
    page = await new_page(browser)
    link = await board.link()
    await sign_in(page, link)
    await page.goto(f"{board.base}/dashboard/volunteers/roles")
    await expect(page.locator("#people")).to_contain_text(str(ADMIN_ID))
    await expect(page.locator("#people")).to_contain_text("PUFA_ADMIN_IDS")
    await page.fill("input[name=q]", "王强")
    await page.click("button:has-text('查找')")
    await page.click("button:has-text('设为协调员')")
    await expect(page.locator("#question")).to_have_text(
        said.promote_confirm.format(name="王强", id=BOB)
    )
    await page.click("button:has-text('确定设为协调员')")
    await expect(page.locator("p.ok")).to_contain_text("已设为协调员")
    await page.goto(link)
    await page.wait_for_url("**/dashboard/")


async def test_a_return_without_a_reason_stays_on_the_report(
    board: Board, browser: Browser
) -> None:
    """↩️ 退回 with only spaces typed (the input's `required` lets them through): the report's
    page again, saying why beside the form, the typed text kept; then a reason returns it."""
    await seed(board)
    said = board.harness.services.ui
    page = await new_page(browser)
    await sign_in(page, await board.link())
    await page.goto(f"{board.base}/dashboard/reports")
    await page.click("a:text('详情') >> nth=0")
    url = page.url
    await page.fill("#reason", "   ")
    async with page.expect_response("**/review") as answered:
        await page.click("#return")
    assert (await answered.value).status == 400
    await expect(page.locator("#review-error")).to_have_text(
        said.dashboard.reason_needed.format(max=REASON_CHARS)
    )
    assert await page.input_value("#reason") == "   "
    assert await page.locator("h1").inner_text() == f"活动报告 #{url.rsplit('/', 1)[1]}"
    await page.fill("#reason", "照片看不清")
    await page.click("#return")
    await expect(page.locator("#review-done")).to_be_visible()
    assert "照片看不清" in await page.inner_text("#review")


async def _trend_widths(page: Page) -> tuple[float, float]:
    """The trend chart's width and its card's inner width, as Chromium lays them out."""
    found = await page.eval_on_selector(
        "#chart-trend",
        "box => { const card = box.closest('.card'); const style = getComputedStyle(card);"
        " return [box.querySelector('svg').getBoundingClientRect().width, card.clientWidth"
        " - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight)]; }",
    )
    return float(found[0]), float(found[1])


async def _week_names(page: Page) -> list[tuple[str, float, float]]:
    """The trend's week names Chromium shows, each with its left and right edge within the
    chart (in pixels from the chart's left)."""
    found = await page.eval_on_selector(
        "#chart-trend svg",
        "svg => { const left = svg.getBoundingClientRect().left;"
        " return [...svg.querySelectorAll('text.week')].filter(t => t.checkVisibility())"
        ".map(t => { const b = t.getBoundingClientRect();"
        " return [t.textContent, b.left - left, b.right - left]; }); }",
    )
    return [(str(name), float(left), float(right)) for name, left, right in found]


async def test_the_weekly_trend_spans_the_page_and_says_when_it_is_empty(
    board: Board, browser: Browser
) -> None:
    """The trend is as wide as the page on a PC and on a phone (it used half a PC's width),
    its week names still inside and apart; a year with no report says so in a sentence
    instead of drawing a bare axis."""
    said = board.harness.services.ui.dashboard
    page = await new_page(browser)
    await sign_in(page, await board.link())
    assert await page.locator("#chart-trend").inner_text() == said.trend_empty
    assert await page.locator("#chart-trend svg").count() == 0
    await seed(board)
    board.harness.clock.advance(timedelta(minutes=2))  # the overview keeps its figures a minute

    async def drawn() -> bool:  # served at once, computed again behind: a later view has them
        await page.reload()
        return await page.locator("#chart-trend svg rect").count() > 0

    await eventually(drawn)
    # the chart once in the page (it was there twice, a wide and a narrow copy, CSS hiding one)
    assert await page.locator("#chart-trend svg").count() == 1
    assert (await page.content()).count(said.trend_title) == 1
    for width, height in [(320, 640), *SIZES.values(), (1920, 1080)]:
        await page.set_viewport_size({"width": width, "height": height})
        shown, room = await _trend_widths(page)
        assert shown >= room - 2, (width, shown, room)
        assert await page.locator("#chart-trend svg rect").count() > 0
        names = await _week_names(page)
        assert len(names) >= 2 and names[-1][0] == "3/9–3/10", names
        assert all(left >= 0 and right <= shown for _, left, right in names), names
        assert all(a[2] < b[1] for a, b in itertools.pairwise(names)), names
        await page.screenshot(path=str(SCREENSHOTS / f"trend-{width}.png"), full_page=True)


async def test_the_two_excel_downloads_are_saved_under_different_names(
    board: Board, browser: Browser
) -> None:
    """Chromium names the download with volunteers' phone numbers …_含电话.xlsx (both used to
    be saved as the same reports_….xlsx, one over the other)."""
    await seed(board)
    page = await new_page(browser)
    await sign_in(page, await board.link())
    await page.goto(f"{board.base}/dashboard/reports?start=2026-03-01&end=2026-03-31")
    saved = []
    for link in ("#export-xlsx", "#export-xlsx-phone"):
        async with page.expect_download() as downloading:
            await page.click(link)
        saved.append((await downloading.value).suggested_filename)
    assert saved == [
        "reports_2026-03-01_2026-03-31.xlsx",
        "reports_2026-03-01_2026-03-31_含电话.xlsx",
    ]
