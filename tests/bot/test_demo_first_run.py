"""A first run of `pufa demo` in a real headless Chromium, as an evaluator tries it: what a
reload, a deep link and the chat's own buttons do (tests/bot/test_demo_page.py has the rest)."""

from typing import Any

import pytest

from local_api import LocalBotApi
from tests.browser import launch_chromium, needs_chromium, open_page

playwright_api = pytest.importorskip(
    "playwright.async_api", reason="playwright is not installed (pip install -e '.[dev]')"
)
pytestmark = needs_chromium
WAIT_MS = 60_000  # generous: a busy machine


async def _sent(page: Any, text: str) -> int:
    return await page.locator(".msg.me", has_text=text).count()


async def test_a_reload_of_a_deep_link_replays_the_chat_without_sending_it_again(
    demo: LocalBotApi,
) -> None:
    """`?start=card_unpaid-wages` sends its /start once: a reload replays the card (the README's
    "a reload replays the conversation"); it sent the /start again on every reload, the card
    coming once more each time."""
    expect = playwright_api.expect
    async with playwright_api.async_playwright() as pw:
        browser = await launch_chromium(pw)
        try:
            page = await open_page(browser)
            await page.goto(demo.url + "/?role=resident&start=card_unpaid-wages")
            log = page.locator("#log")
            card = log.locator(".msg.bot", has_text="老板拖欠工资怎么办")
            await expect(card).to_have_count(1, timeout=WAIT_MS)

            await page.reload()
            await expect(card).to_have_count(1, timeout=WAIT_MS)
            await _send_and_see(page, "/hotlines", "该打哪个电话")  # the chat is live
            assert await _sent(page, "/start card_unpaid-wages") == 1
            await expect(card).to_have_count(1)
            assert page.url == demo.url + "/?role=resident"  # what the reload kept
        finally:
            await browser.close()


async def _send_and_see(page: Any, text: str, answer: str) -> None:
    await page.fill("#text", text)
    await page.press("#text", "Enter")
    reply = page.locator(".msg.bot", has_text=answer)
    await reply.last.wait_for(timeout=WAIT_MS)
