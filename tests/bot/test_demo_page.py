"""The demo page in a real headless Chromium (Debian's, driven by Playwright; no browser is
ever downloaded): switch roles, tap buttons and see the bot's answer as a toast (a stale
button says so), see the /stats chart inline and the /export file as a download link, and
replay the conversation, both sides and in order, after a reload. Screenshots at phone and PC
widths go to tmp/test-output/demo/ (ignored by git) for a person to look at."""

from pathlib import Path
from typing import Any

import pytest

from bot.cli_text import cli_text
from content.loader import Library
from local_api import LocalBotApi
from tests.browser import failed_requests, launch_chromium, needs_chromium, open_page

playwright_api = pytest.importorskip(
    "playwright.async_api", reason="playwright is not installed (pip install -e '.[dev]')"
)
pytestmark = needs_chromium
WAIT_MS = 60_000  # generous: a busy machine
SCREENSHOTS = Path(__file__).resolve().parents[2] / "tmp" / "test-output" / "demo"
WIDTHS = {"phone": (390, 844), "pc": (1280, 800)}


@pytest.fixture
def demo_url(demo: LocalBotApi) -> str:
    return demo.url


async def _send(page: Any, text: str) -> None:
    await page.fill("#text", text)
    await page.press("#text", "Enter")


async def test_roles_feedback_media_and_replay(demo_url: str) -> None:
    expect = playwright_api.expect
    async with playwright_api.async_playwright() as pw:
        browser = await launch_chromium(pw)
        try:
            page = await open_page(browser)
            failed = failed_requests(page)
            await page.goto(demo_url + "/")
            log, toast = page.locator("#log"), page.locator("#toast")
            await expect(log).to_contain_text("你好，演示居民", timeout=WAIT_MS)

            # The sample volunteer: registered in the sample data, so /help lists /report.
            await page.click("#roles button[data-role=volunteer]")
            await expect(log).to_contain_text("示例志愿者", timeout=WAIT_MS)
            await _send(page, "/help")
            await expect(log).to_contain_text("/myreports", timeout=WAIT_MS)

            # The coordinator (in PUFA_ADMIN_IDS for the demo): a tap's answer is a toast.
            await page.click("#roles button[data-role=coordinator]")
            await expect(page.locator("#roles button[aria-pressed=true]")).to_have_text("协调员")
            await expect(log).to_contain_text("你好，演示协调员", timeout=WAIT_MS)
            await _send(page, "/campaigns")
            overview = page.locator(".kb button", has_text="国家网络安全宣传周")
            await overview.first.click(timeout=WAIT_MS)
            await page.locator(".kb button", has_text="静音①").click(timeout=WAIT_MS)
            await expect(toast).to_contain_text("已静音", timeout=WAIT_MS)

            # A conversation that is over leaves no button behind (an edit the page shows).
            await _send(page, "/broadcast")
            pick = page.locator(".kb button", has_text="选一张卡片")
            await pick.wait_for(timeout=WAIT_MS)
            await _send(page, "/cancel")
            await expect(log).to_contain_text("已取消", timeout=WAIT_MS)
            await expect(pick).to_have_count(0, timeout=WAIT_MS)

            # Photos inline, files as download links through the local API's file endpoint.
            await _send(page, "/stats")
            chart = page.locator(".msg img").first
            await chart.wait_for(timeout=WAIT_MS)
            assert await chart.evaluate("img => img.decode().then(() => img.naturalWidth)") > 100
            await _send(page, "/export")
            download = page.locator("a.file").first
            await download.wait_for(timeout=WAIT_MS)
            href = await download.get_attribute("href")
            assert href is not None and href.startswith("/demo/api/files/")

            # A reload replays both sides of the coordinator's chat, in order.
            await page.reload()
            await expect(log).to_contain_text("普法活动统计", timeout=WAIT_MS)
            await expect(page.locator(".msg img").first).to_be_visible(timeout=WAIT_MS)
            note = await page.locator("#log .note").inner_text()
            text = (await log.inner_text()).removeprefix(note)
            order = ["/campaigns", "国家网络安全宣传周", "/broadcast", "/cancel", "/stats"]
            order += ["普法活动统计", "/export"]
            position = 0
            for part in order:  # each found after the one before it
                position = text.find(part, position)
                assert position >= 0, (part, text)
            assert await page.locator(".msg.me").count() >= 4
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            for name, (width, height) in WIDTHS.items():
                await page.set_viewport_size({"width": width, "height": height})
                await page.screenshot(path=SCREENSHOTS / f"coordinator-{name}.png")
            assert failed == []  # the page and what it asked for were all there
            # its own icon: a browser without one asks for /favicon.ico, a 404 in the log
            assert await page.locator("head link[rel=icon]").count() == 1
        finally:
            await browser.close()


async def test_a_resident_shares_their_number_and_pastes_a_long_story(
    demo_url: str, library: Library
) -> None:
    """The reply keyboard's 分享我的手机号 sends the sample number as a contact (it sent its
    label as text, which the message step refused forever); a paste longer than Telegram's
    4,096 characters goes as two messages, as in Telegram's apps (it was cut silently)."""
    expect, texts = playwright_api.expect, library.ui.tickets
    async with playwright_api.async_playwright() as pw:
        browser = await launch_chromium(pw)
        try:
            page = await open_page(browser)
            await page.goto(demo_url + "/?role=resident")
            log = page.locator("#log")
            await expect(log).to_contain_text("你好，演示居民", timeout=WAIT_MS)
            await _send(page, "/help")
            await page.locator(".kb button", has_text=texts.leave_button).last.click()
            category = library.categories[2]  # 劳动与工资
            await page.locator(".kb button", has_text=category.name).last.click(timeout=WAIT_MS)
            town = page.locator(".kb button", has_text="城关镇")
            await town.last.click(timeout=WAIT_MS)
            await expect(log).to_contain_text("写下你的事情", timeout=WAIT_MS)
            await _send(page, "老板欠了我三个月工资，一共八千块，怎么要回来？")
            share = page.locator("#reply button", has_text=texts.share_phone_button)
            await share.click(timeout=WAIT_MS)
            await expect(log).to_contain_text("13800138000", timeout=WAIT_MS)  # the summary
            await expect(page.locator(".msg.me", has_text="📱")).to_have_count(1)
            await page.locator(".kb button", has_text=texts.cancel_button).last.click()

            story = "我家隔壁装修天天很吵。" * 400  # 4,400 characters
            await _send(page, story)
            await expect(log).to_contain_text("你的问题有点长", timeout=WAIT_MS)
            mine = page.locator(".msg.me", has_text="我家隔壁装修")
            await expect(mine).to_have_count(2, timeout=WAIT_MS)
            parts = await mine.all_inner_texts()
            assert [len(part) for part in parts] == [4096, len(story) - 4096]
        finally:
            await browser.close()


async def test_the_paperclip_sends_the_sample_location_where_the_bot_asks_for_one(
    demo_url: str, library: Library
) -> None:
    """/adviser says 点 📎 → 位置 (as in Telegram); the page has that 📎, and the sample
    position it sends finds the nearest town."""
    expect, texts = playwright_api.expect, library.ui.residents
    async with playwright_api.async_playwright() as pw:
        browser = await launch_chromium(pw)
        try:
            page = await open_page(browser)
            await page.goto(demo_url + "/?role=resident")
            log = page.locator("#log")
            await expect(log).to_contain_text("你好，演示居民", timeout=WAIT_MS)
            await _send(page, "/adviser")
            await expect(log).to_contain_text("点 📎", timeout=WAIT_MS)
            assert "📎" in texts.adviser_location_hint
            menu = page.locator("#attach-menu")
            await expect(menu).to_be_hidden()
            await page.click("#attach")
            await expect(menu).to_be_visible()
            await page.locator("#attach-menu button", has_text="发送位置").click()
            await expect(menu).to_be_hidden()
            await expect(page.locator(".msg.me", has_text="📍")).to_have_count(1)
            nearest = texts.adviser_by_location.split("<b>")[0]
            await expect(log).to_contain_text(nearest, timeout=WAIT_MS)
            await page.set_viewport_size({"width": 390, "height": 844})
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=SCREENSHOTS / "paperclip-phone.png")
        finally:
            await browser.close()


async def test_the_paperclip_sends_sample_photos_to_a_report(
    demo_url: str, library: Library
) -> None:
    """At /report's photos step the sample volunteer sends 📎 → 发送示例照片 (kept as the
    first photo) and an album of three (one reply for all three, as in Telegram); the page
    shows what was sent, the album in one bubble, then and after a reload."""
    expect, texts = playwright_api.expect, library.ui.volunteers
    async with playwright_api.async_playwright() as pw:
        browser = await launch_chromium(pw)
        try:
            page = await open_page(browser)
            await page.goto(demo_url + "/?role=volunteer")
            log, kb = page.locator("#log"), page.locator(".kb button")
            await expect(log.locator(".msg.bot").first).to_be_visible(timeout=WAIT_MS)
            await _send(page, "/report")
            await kb.filter(has_text="宪法宣传").last.click(timeout=WAIT_MS)
            await kb.filter(has_text=texts.today_button).last.click(timeout=WAIT_MS)
            await kb.filter(has_text="宪法与国家宪法日").last.click(timeout=WAIT_MS)
            await kb.filter(has_text="✅").first.wait_for(timeout=WAIT_MS)
            await kb.filter(has_text=texts.topics_done_button).last.click()
            for step, answer in ((5, "城关社区文化广场"), (6, "80"), (7, "2"), (8, "100")):
                await expect(log).to_contain_text(f"第 {step - 1} 步", timeout=WAIT_MS)
                await _send(page, answer)
            await expect(log).to_contain_text("第 8 步", timeout=WAIT_MS)

            await page.click("#attach")
            await page.locator("#attach-menu button", has_text="发送示例照片").first.click()
            received = texts.photo_received.format(count=1, max_photos=5).split("。")[0]
            await expect(log).to_contain_text(received, timeout=WAIT_MS)
            mine = page.locator(".msg.me.photos")
            await expect(mine.locator("img")).to_have_count(1)

            await page.click("#attach")
            await page.locator("#attach-menu button", has_text="发送 3 张示例照片（相册）").click()
            await expect(page.locator("#attach-menu")).to_be_hidden()
            await expect(log).to_contain_text("已收到 3 张照片（共 4 张", timeout=WAIT_MS)
            replies = page.locator(".msg.bot", has_text="已收到")
            await expect(replies).to_have_count(2)  # the photo's and the album's one
            await expect(mine).to_have_count(2)
            await expect(mine.last.locator("img")).to_have_count(3)
            last = mine.last.locator("img").last
            assert await last.evaluate("img => img.decode().then(() => img.naturalWidth)") == 480
            await page.set_viewport_size({"width": 390, "height": 844})
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=SCREENSHOTS / "paperclip-photos-phone.png")

            await page.reload()
            await expect(log).to_contain_text("已收到 3 张照片（共 4 张", timeout=WAIT_MS)
            await expect(mine).to_have_count(2)
            await expect(mine.last.locator("img")).to_have_count(3)
        finally:
            await browser.close()


async def test_an_invite_link_followed_in_the_chat_sends_its_start(demo_url: str) -> None:
    """The demo has no Telegram: the coordinator's /invite shows a link to the demo's own
    chat (tests/bot/test_demo_links.py), and following it on the page sends its /start
    there, as Telegram's Start would, without leaving the page."""
    expect = playwright_api.expect
    async with playwright_api.async_playwright() as pw:
        browser = await launch_chromium(pw)
        try:
            page = await open_page(browser)
            await page.goto(demo_url + "/?role=coordinator")
            log = page.locator("#log")
            await expect(log).to_contain_text("你好，演示协调员", timeout=WAIT_MS)
            await _send(page, "/invite")
            link = page.locator(f'.msg.bot a[href^="{demo_url}/?start=join_"]').first
            await link.wait_for(timeout=WAIT_MS)
            href = await link.get_attribute("href")
            assert href is not None
            await link.click()
            code = href.rsplit("=", 1)[1]
            await expect(page.locator(".msg.me").last).to_have_text(f"/start {code}")
            await expect(log.locator(".msg.bot").last).to_contain_text("姓名", timeout=WAIT_MS)
            assert page.url == demo_url + "/?role=coordinator" and len(page.context.pages) == 1
        finally:
            await browser.close()


async def test_a_long_paste_of_emoji_is_split_on_whole_characters(demo: LocalBotApi) -> None:
    """A paste over 4,096 characters is cut between characters, not inside an emoji: cut by
    UTF-16 units, the first part ended in half an emoji, which broke the demo for everyone.
    Text that still holds half an emoji is refused with a short message from the catalogue,
    and the chat goes on."""
    expect = playwright_api.expect
    async with playwright_api.async_playwright() as pw:
        browser = await launch_chromium(pw)
        try:
            page = await open_page(browser)
            await page.goto(demo.url + "/?role=resident")
            log, toast = page.locator("#log"), page.locator("#toast")
            await expect(log).to_contain_text("你好，演示居民", timeout=WAIT_MS)

            await _send(page, "我" + "😀" * 4200)  # 4,201 characters, 8,401 UTF-16 units
            mine = page.locator(".msg.me", has_text="😀")
            await expect(mine).to_have_count(2, timeout=WAIT_MS)
            assert await mine.all_inner_texts() == ["我" + "😀" * 4095, "😀" * 105]
            sent = [
                m.get("text") for m in demo.state.messages.values() if m["from"]["id"] == 10001
            ]
            assert sent[-2:] == ["我" + "😀" * 4095, "😀" * 105]
            assert not await toast.is_visible()

            await page.evaluate(
                """() => { document.getElementById("text").value = "hi \\ud83d";
                document.querySelector("#form button:not([type])").click(); }"""
            )
            await expect(toast).to_have_text(cli_text("demo_page.not_utf8"), timeout=WAIT_MS)
            await _send(page, "/hotlines")
            await expect(log).to_contain_text("遇到事，该打哪个电话？", timeout=WAIT_MS)
        finally:
            await browser.close()
