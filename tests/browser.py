"""Debian's chromium, driven by Playwright, for the browser tests (never a downloaded browser).

The browser runs without libfaketime even when the suite runs under it (chromium hangs on a
preloaded clock); the pages' times all come from the server, which keeps the test's clock."""

import os
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, Playwright, Response, expect

from tests.waiting import CEILING_SECONDS

CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's chromium is not installed (.ci/run installs it with apt-get): "
    "the browser tests are skipped",
)
_FAKETIME = ("LD_PRELOAD", "FAKETIME", "FAKETIME_DONT_FAKE_MONOTONIC")


async def launch_chromium(driver: Playwright) -> Browser:
    env: dict[str, str | float | bool] = {
        k: v for k, v in os.environ.items() if k not in _FAKETIME
    }
    # Playwright waits 5 s for an assertion and 30 s for a click's navigation: too short on a
    # loaded CI machine (a gap closed on the dashboard rebuilds the search index).
    expect.set_options(timeout=CEILING_SECONDS * 1000)
    return await driver.chromium.launch(executable_path=str(CHROMIUM), headless=True, env=env)


async def open_page(browser: Browser, **context: object) -> Page:
    """A page in a new context, every action and navigation waiting up to the ceiling."""
    page = await (await browser.new_context(**context)).new_page()  # type: ignore[arg-type]
    page.set_default_timeout(CEILING_SECONDS * 1000)
    return page


def failed_requests(page: Page) -> list[str]:
    """The page's requests answered with an error from now on (a missing icon included),
    each as "status URL": a list the test reads at its end."""
    failed: list[str] = []

    def note(response: Response) -> None:
        if response.status >= 400:
            failed.append(f"{response.status} {response.url}")

    page.on("response", note)
    return failed
